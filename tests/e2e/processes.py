"""The bot and the Agents Playground as child processes, and their clean-up.

Each runs in its own process group (npx starts node under a shell), so a stop
reaches every process it started, whatever the run's outcome.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND_PACKAGE = "@microsoft/m365agentsplayground"
# The bot's own settings and the Azure ones it reads: none may leak in from the
# caller's shell or .env, or the run would go to Graph or demand a token.
_SETTING_PREFIXES = ("STORA_", "MICROSOFTAPP", "AZURE_")


class StartFailed(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        if not self.alive():
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(name: str, argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> Child:
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    return Child(name, process, log)


def _until(child: Child, ready: Callable[[], object], timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise StartFailed(
                f"{child.name} exited with {child.process.returncode}:\n{child.tail()}"
            )
        if result := ready():
            return result
        time.sleep(0.2)
    raise StartFailed(f"{child.name} not ready after {timeout:.0f} s:\n{child.tail()}")


def start_bot(workdir: Path, port: int) -> Child:
    """``python -m bot`` on loopback without an App ID, its workbook and state in ``workdir``.

    Run from ``workdir`` so that no ``.env`` of the checkout is read.
    """
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_SETTING_PREFIXES)}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        STORA_PORT=str(port),
        STORA_WORKBOOK=str(workdir / "stora-arenden.xlsx"),
        STORA_STATE_DIR=str(workdir / "state"),
        STORA_LOG_FORMAT="text",
    )
    child = _spawn(
        "bot", [sys.executable, "-m", "bot"], cwd=workdir, env=env, log=workdir / "bot.log"
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    _until(child, healthy, timeout=60)
    return child


def start_playground(workdir: Path, bot_port: int, version: str) -> tuple[Child, str]:
    """The Playground, headless (no browser of its own), talking to the bot; returns its URL.

    It takes another port by itself when the asked one is busy, so the one it
    prints is the one used.
    """
    env = dict(os.environ, TEAMSAPPTESTER_BROWSER="none")
    argv = [
        "npx", "--yes", f"{PLAYGROUND_PACKAGE}@{version}",
        "-e", f"http://127.0.0.1:{bot_port}/api/messages", "-c", "msteams",
        "--disable-telemetry", "-p", str(free_port()),
    ]  # fmt: skip
    # Its devTools/ folder (its own log) lands in the working directory: keep it out of the repo.
    child = _spawn("playground", argv, cwd=workdir, env=env, log=workdir / "playground.log")

    def listening() -> str | None:
        found = re.search(r"Listening on (\d+)", child.log.read_text("utf-8", errors="replace"))
        return f"http://localhost:{found.group(1)}/" if found else None

    # The first run downloads the package from npm.
    url = _until(child, listening, timeout=300)
    assert isinstance(url, str)
    return child, url


def start_as_user(workdir: Path, playground_url: str, user: str) -> tuple[Child, str]:
    """``tests.e2e.as_user`` for ``user`` in front of the Playground, as ``make playground-as``
    runs it; returns the URL a tab opens to act as that user."""
    port = free_port()
    argv = [
        sys.executable, "-m", "tests.e2e.as_user",
        "--user", user, "--port", str(port), "--playground", playground_url,
    ]  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    child = _spawn(f"as {user}", argv, cwd=workdir, env=env, log=workdir / f"as-{user}.log")
    url = f"http://localhost:{port}/"

    def serving() -> bool:
        # The Playground's own page, passed through: both are up.
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    _until(child, serving, timeout=60)
    return child, url

"""``make playground`` as a newcomer runs it: no browser of its own, a port to choose, no log in git.

What each setting does in Playground 0.2.28 was read in its bundled
``dist/index.js``: ``shouldOpenBrowser = "none" !== process.env.TEAMSAPPTESTER_BROWSER``
(else it runs ``open``, which dies with ``spawn xdg-open ENOENT`` where there is no
desktop); ``-p``/``--port``, default ``TEAMSAPPTESTER_PORT`` or 56150; its log at
``./devTools/m365agentsplayground.log`` unless ``M365_AGENTS_PLAYGROUND_LOGFILE``
says otherwise. ``make playground-e2e`` runs the real one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> str:
    """The commands ``make`` would run, without running them."""
    if not shutil.which("make"):
        pytest.skip("no make here")
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def test_it_opens_no_browser_and_takes_a_port() -> None:
    default = dry_run("playground")
    assert "TEAMSAPPTESTER_BROWSER=none" in default and "-p 56150" in default
    chosen = dry_run("playground", "PLAYGROUND_PORT=56160")
    assert "-p 56160" in chosen and "56150" not in chosen


def test_a_second_agent_goes_to_the_same_playground() -> None:
    command = dry_run("playground-as", "PLAYGROUND_PORT=56160", "PLAYGROUND_AS=adele")
    assert "-m tests.e2e.as_user --user adele --port 56151" in command
    assert "--playground http://localhost:56160" in command


def test_its_log_stays_out_of_git() -> None:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    found = subprocess.run(
        ["git", "check-ignore", "devTools/m365agentsplayground.log"], cwd=ROOT, check=False
    )
    assert found.returncode == 0, "devTools/ would show up in git status"

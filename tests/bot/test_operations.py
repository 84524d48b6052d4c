"""Running the bot: /readyz, graceful shutdown, background work, ``python -m bot`` itself."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import BACKGROUND, create_app
from bot.background import BackgroundWork, ShuttingDown
from bot.config import Settings
from bot.health import LedgerProbe
from cases.ledger import LedgerUnavailable
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.conftest import ANNA, Office, seat_team
from tests.fakes import teams
from tests.fakes.connector import FakeConnector

REPO = Path(__file__).resolve().parents[2]


# -- /readyz -------------------------------------------------------------------


async def test_readyz_is_ready_when_the_workbook_can_be_read(office: Office) -> None:
    async with office.session.get(f"{office.url}/readyz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ready"}


class _Unreachable:
    async def get(self, case_id: str) -> Any:
        raise LedgerUnavailable("test")


class _Hanging:
    async def get(self, case_id: str) -> Any:
        await asyncio.sleep(30)


class _Counting:
    def __init__(self, inner: LocalWorkbookLedger) -> None:
        self.inner, self.calls = inner, 0

    async def get(self, case_id: str) -> Any:
        self.calls += 1
        return await self.inner.get(case_id)


async def test_the_probe_names_why_the_ledger_is_not_ready(tmp_path: Path) -> None:
    assert (await LedgerProbe(_Unreachable()).check()).reason == "unavailable"  # type: ignore[arg-type]
    started = time.monotonic()
    hanging = await LedgerProbe(_Hanging(), timeout=0.2).check()  # type: ignore[arg-type]
    assert (hanging.ready, hanging.reason) == (False, "timeout")
    assert time.monotonic() - started < 2
    from openpyxl import Workbook

    no_table = tmp_path / "plain.xlsx"
    Workbook().save(no_table)
    layout = await LedgerProbe(LocalWorkbookLedger(no_table)).check()
    assert (layout.ready, layout.reason) == (False, "layout")


async def test_the_probe_reads_the_ledger_at_most_once_per_cache_period(tmp_path: Path) -> None:
    now = [100.0]
    ledger = _Counting(LocalWorkbookLedger(tmp_path / "wb.xlsx"))
    probe = LedgerProbe(ledger, cache_for=5, clock=lambda: now[0])  # type: ignore[arg-type]
    results = await asyncio.gather(*(probe.check() for _ in range(5)))
    assert all(r.ready for r in results) and ledger.calls == 1
    now[0] += 6
    await probe.check()
    assert ledger.calls == 2


async def test_readyz_answers_503_when_the_ledger_is_unreachable(tmp_path: Path) -> None:
    async with (
        _served(tmp_path, ledger=_Unreachable()) as (url, _app, _runner),
        aiohttp.ClientSession() as session,
    ):
        async with session.get(f"{url}/readyz") as response:
            assert response.status == 503
            assert await response.json() == {"status": "not ready", "ledger": "unavailable"}
        async with session.get(f"{url}/healthz") as response:
            assert response.status == 200  # alive all the same


# -- graceful shutdown ---------------------------------------------------------


class _SlowList:
    """A ledger whose ``list`` takes ``delay`` s, and says when it started."""

    def __init__(self, inner: LocalWorkbookLedger, delay: float) -> None:
        self.inner, self.delay = inner, delay
        self.listing = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def list(self, statuses: Any = None) -> Any:
        self.listing.set()
        await asyncio.sleep(self.delay)
        return await self.inner.list(statuses)


async def test_a_turn_in_flight_finishes_when_the_app_stops(tmp_path: Path) -> None:
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    ledger = _SlowList(LocalWorkbookLedger(tmp_path / "wb.xlsx"), delay=0.5)
    try:
        async with (
            _served(tmp_path, ledger=ledger, notify=False) as (url, _app, runner),
            aiohttp.ClientSession() as session,
        ):
            activity = teams.channel_post(ANNA, connector.url, "kö")
            request = asyncio.create_task(session.post(f"{url}/api/messages", json=activity))
            await asyncio.wait_for(ledger.listing.wait(), 5)
            await runner.cleanup()  # what SIGTERM does in web.run_app
            response = await request
            assert response.status in (200, 201)
        (answer,) = connector.posts.values()
        assert answer.card["type"] == "AdaptiveCard"  # the queue card reached the channel
    finally:
        await connector.stop()


async def test_a_scan_under_way_is_not_cut_in_half_and_no_new_one_starts(tmp_path: Path) -> None:
    async with _served(tmp_path, notify=False) as (_url, app, runner):
        work = app[BACKGROUND]
        steps: list[str] = []
        scanning = asyncio.Event()

        async def scans() -> None:
            while not work.stopping:
                async with work.unit("stall scan"):
                    steps.append("start")
                    scanning.set()
                    await asyncio.sleep(0.3)
                    steps.append("end")
                if await work.sleep(60):
                    steps.append("woke")

        loop = work.spawn(scans(), name="stall scans")
        await asyncio.wait_for(scanning.wait(), 5)
        await runner.cleanup()
        assert steps == ["start", "end", "woke"]
        assert loop.done()
        with pytest.raises(ShuttingDown):
            async with work.unit("too late"):
                pass


async def test_drain_gives_up_on_stuck_work_after_the_timeout_and_names_it() -> None:
    work = BackgroundWork()
    entered = asyncio.Event()

    async def stuck() -> None:
        async with work.unit("stuck scan"):
            entered.set()
            await asyncio.sleep(60)

    task = work.spawn(stuck(), name="stuck")
    await entered.wait()
    started = time.monotonic()
    assert await work.drain(timeout=0.2) == ["stuck scan"]
    assert time.monotonic() - started < 2
    assert task.cancelled()


async def test_readyz_says_stopping_once_shutdown_has_begun(tmp_path: Path) -> None:
    async with _served(tmp_path, notify=False) as (url, app, _runner):
        await app[BACKGROUND].drain(timeout=0)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{url}/readyz") as response,
        ):
            assert response.status == 503
            assert (await response.json())["status"] == "stopping"


def test_python_m_bot_logs_json_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "STORA_PORT": str(port),
        "STORA_WORKBOOK": str(tmp_path / "wb.xlsx"),
        "STORA_STATE_DIR": str(tmp_path / "state"),
        "STORA_LOG_FORMAT": "json",
        "STORA_SHUTDOWN_TIMEOUT": "3",
        "MicrosoftAppId": "",
        "PYTHONPATH": str(REPO),
    }
    # cwd: a folder without a developer's .env
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert _get(f"http://127.0.0.1:{port}/readyz") == 200
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert records, "no log lines"
    assert {"time", "level", "logger", "message"} <= set(records[0])
    messages = [r["message"] for r in records]
    assert f"listening on http://127.0.0.1:{port}/api/messages" in messages
    assert messages[-1] == "stopped"


# -- helpers -------------------------------------------------------------------


class _served:  # lower case: it reads as a call, `async with _served(...)`
    def __init__(self, tmp_path: Path, *, ledger: Any = None, notify: bool = True) -> None:
        self.settings = Settings(
            _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "state",
            STORA_WORKBOOK=tmp_path / "wb.xlsx", STORA_SHUTDOWN_TIMEOUT=5, STORA_TEAM_ID=teams.TEAM,
            STORA_NOTIFY_INTERVAL_SECONDS=60 if notify else 0,
        )  # fmt: skip
        self.ledger = ledger

    async def __aenter__(self) -> tuple[str, web.Application, web.AppRunner]:
        self.app = create_app(self.settings, ledger=self.ledger)
        self.runner = web.AppRunner(self.app, shutdown_timeout=self.settings.shutdown_timeout)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}", self.app, self.runner

    async def __aexit__(self, *exc: object) -> None:
        if self.runner.server is not None:  # not stopped by the test already
            await self.runner.cleanup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait_for(url: str, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited: {process.communicate()[1]}")
        try:
            if _get(url) == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout} s")

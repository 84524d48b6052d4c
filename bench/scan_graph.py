"""The stalled-case scan on the Graph store: the fake Graph server, pre-filled, in its own thread.

Part of ``bench.scan``. The same mix as the local workbook's (``bench.scan.kinds``)
is written straight into the fake's workbook as the bot's own writes leave it
(text cells), then the bot's real aiohttp app runs with a ``GraphLedger`` on it
and each scan is one ``POST /api/notify``, as on the local store.

The fake Graph runs on an event loop in a thread of its own, so that the bot's
CPU per scan (the main thread's ``time.thread_time``) can be told from the
fake's (its thread's): serialising 10,000 rows as JSON is Graph's work in
production, not the bot's. Both threads share one interpreter lock, so the wall
time holds the fake's CPU too; ``fake ms`` says how much.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bench.ledger import synthetic_case
from cases.columns import case_to_cells

if TYPE_CHECKING:
    from tests.fakes.graph import FakeGraph

T = TypeVar("T")


@dataclass
class GraphFigures:
    rows: int
    latency_ms: float
    wall: list[float]
    bot_cpu: list[float]  # the bot's thread: the app, the SDK, parsing the table
    fake_cpu: list[float]  # the fake Graph's thread: answering (JSON of the whole table)
    requests: Counter[str]  # per scan, summed over the timed scans (FakeGraph.tally)
    open_cases: int
    stalled: int


class FakeGraphThread:
    """A ``FakeGraph`` served by an event loop in a thread of its own; its CPU counted."""

    def __init__(self, fake: FakeGraph) -> None:
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._cpu = 0.0

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def start(self) -> None:
        self._thread.start()
        self._call(self.fake.start())

    def stop(self) -> None:
        self._call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()

    async def cpu(self) -> float:
        """The fake's thread's CPU time so far, in s (read in that thread)."""
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(_thread_time(), self.loop)
        )


async def _thread_time() -> float:
    return time.thread_time()


def fill(fake: FakeGraph, rows: int, kind_of: Any) -> None:
    """``rows`` cases in the fake's table, as the bot's writes leave them: text cells."""
    from cases.columns import HEADERS

    wb = fake.workbook
    t = wb.t
    columns = {header: wb.col(header) for header in HEADERS}
    template = {col: t.sheet.peek(t.header_row + 1, col).number_format for col in columns.values()}
    for n in range(rows):
        row = t.header_row + 1 + n
        cells = case_to_cells(synthetic_case(n, kind_of(n)))
        for header, col in columns.items():
            cell = t.sheet.cell(row, col)
            cell.number_format = template[col]
            cell.value = cells[header]
    t.last_row = t.header_row + rows


async def measure_graph(rows: int, latency_ms: float, repeat: int) -> GraphFigures:
    import aiohttp

    from bench.scan import SECRET, kinds, scan_time
    from bot.app import create_app
    from bot.config import Settings
    from graph.ledger import GraphLedger
    from tests.bot.conftest import ANNA, Clock, on_loopback, seat_team
    from tests.fakes import teams
    from tests.fakes.connector import FakeConnector
    from tests.fakes.graph import FakeGraph
    from tests.graph.conftest import FixedToken, config_for

    fake = FakeGraph()
    fill(fake, rows, kinds(rows)[1])
    served = FakeGraphThread(fake)
    served.start()
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-scan-graph-") as directory:
            settings = Settings(
                _env_file=None,
                MicrosoftAppId="",
                STORA_TENANT_ID=teams.TENANT,
                STORA_TEAM_ID=teams.TEAM,
                STORA_STATE_DIR=Path(directory) / "state",
                STORA_WORKBOOK=Path(directory) / "unused.xlsx",
                STORA_NOTIFY_SECRET=SECRET,
                STORA_NOTIFY_INTERVAL_SECONDS=0,
                STORA_NOTIFY_POSTS_PER_SECOND=1000,
                STORA_GRAPH_LATE_EDIT_CHECK=0,
            )
            ledger = GraphLedger(config_for(fake), FixedToken())
            app = create_app(settings, ledger=ledger, clock=Clock(scan_time(rows)))
            # The app's start-up opens the session and reads the table (warm_up).
            async with on_loopback(app) as url, aiohttp.ClientSession() as session:
                installed = teams.installed_in_team(ANNA, connector.url)
                async with session.post(f"{url}/api/messages", json=installed) as answer:
                    assert answer.status in (200, 201), answer.status
                headers = {"Authorization": f"Bearer {SECRET}"}

                async def scan() -> tuple[float, float, float, dict[str, Any], Counter[str]]:
                    before = len(fake.trips)
                    fake_cpu = await served.cpu()
                    cpu, started = time.thread_time(), time.perf_counter()
                    async with session.post(f"{url}/api/notify", headers=headers) as answer:
                        report = await answer.json()
                    elapsed = (time.perf_counter() - started) * 1e3
                    cpu = (time.thread_time() - cpu) * 1e3
                    fake_cpu = (await served.cpu() - fake_cpu) * 1e3
                    assert answer.status == 200, report
                    return elapsed, cpu, fake_cpu, report, fake.tally(fake.trips[before:])

                *_, first, _ = await scan()  # the first scan ever: the baseline
                fake.latency = latency_ms / 1000
                wall, bot_cpu, fake_cpu, requests = [], [], [], Counter[str]()
                for _ in range(repeat):
                    elapsed, cpu, graph_cpu, report, tally = await scan()
                    assert report["notices"] == 0 and not report["skipped"], report
                    wall.append(elapsed)
                    bot_cpu.append(cpu)
                    fake_cpu.append(graph_cpu)
                    requests += tally
    finally:
        await connector.stop()
        served.stop()
    return GraphFigures(
        rows,
        latency_ms,
        wall,
        bot_cpu,
        fake_cpu,
        requests,
        first["open_cases"],
        first["stalled"],
    )

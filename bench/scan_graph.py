"""The stalled-case scan on the Graph store: the fake Graph server, pre-filled, in its own process.

Part of ``bench.scan``. The same mix as the local workbook's (``bench.scan.kinds``)
is written straight into the fake's workbook as the bot's own writes leave it
(text cells), then the bot's real aiohttp app runs with a ``GraphLedger`` on it
and each scan is one ``POST /api/notify``, as on the local store.

The fake Graph runs in a process of its own, as Graph does: its 140,000 cells
and its JSON serialisation of the table (Microsoft's work in production) then
weigh neither on the bot's CPU time nor on its garbage collector, and the bot's
CPU per scan (``bot cpu``) is told from the fake's (``fake cpu``). The wall
time still holds the fake's answer, as it holds Graph's.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.ledger import synthetic_case
from cases.columns import case_to_cells

if TYPE_CHECKING:
    from tests.fakes.graph import FakeGraph


@dataclass
class GraphFigures:
    rows: int
    latency_ms: float
    wall: list[float]
    bot_cpu: list[float]  # the bot's process: the app, the SDK, parsing the table
    fake_cpu: list[float]  # the fake Graph's process: answering (JSON of the whole table)
    requests: Counter[str]  # per scan, summed over the timed scans (FakeGraph.tally)
    open_cases: int
    stalled: int


class FakeGraphProcess:
    """A pre-filled ``FakeGraph`` served by a child process, told what to do line by line."""

    def __init__(self, rows: int) -> None:
        self._rows = rows
        self._child: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> None:
        command = [sys.executable, "-m", "bench.scan_graph", "--serve", str(self._rows)]
        root = Path(__file__).resolve().parents[1]
        self._child = subprocess.Popen(
            command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.base_url = self._read()

    def ask(self, command: str, value: Any = None) -> Any:
        assert self._child is not None and self._child.stdin is not None
        self._child.stdin.write(json.dumps([command, value]) + "\n")
        self._child.stdin.flush()
        return self._read()

    def stop(self) -> None:
        if self._child is None:
            return
        if self._child.poll() is None:
            self.ask("stop")
        self._child.wait(10)

    def _read(self) -> Any:
        assert self._child is not None and self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line:
            raise RuntimeError("the fake Graph's process ended")
        return json.loads(line)


async def serve(rows: int) -> None:
    """The child: fill the fake, serve it, answer the parent's commands until "stop"."""
    from bench.scan import kinds
    from tests.fakes.graph import FakeGraph

    fake = FakeGraph()
    fill(fake, rows, kinds(rows)[1])
    await fake.start()

    def say(answer: Any) -> None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()

    say(fake.base_url)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command, value = json.loads(line)
        if command == "latency":
            fake.latency = value / 1000
            say(None)
        elif command == "since":  # CPU time so far; requests so far and those after ``value``
            say([time.process_time(), len(fake.trips), fake.tally(fake.trips[value:])])
        else:
            break
    await fake.stop()
    say(None)


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

    from bench.scan import SECRET, scan_time
    from bot.app import create_app, freeze_start_up
    from bot.config import Settings
    from graph.config import GraphConfig
    from graph.ledger import GraphLedger
    from tests.bot.conftest import ANNA, Clock, on_loopback, seat_team
    from tests.fakes import teams
    from tests.fakes.connector import FakeConnector
    from tests.fakes.graph import DRIVE_ID, ITEM_ID
    from tests.graph.conftest import FixedToken

    served = FakeGraphProcess(rows)
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
            config = GraphConfig(drive_id=DRIVE_ID, item_id=ITEM_ID, base_url=served.base_url)
            ledger = GraphLedger(config, FixedToken())
            app = create_app(settings, ledger=ledger, clock=Clock(scan_time(rows)))
            # The app's start-up opens the session and reads the table (warm_up).
            async with on_loopback(app) as url, aiohttp.ClientSession() as session:
                installed = teams.installed_in_team(ANNA, connector.url)
                async with session.post(f"{url}/api/messages", json=installed) as answer:
                    assert answer.status in (200, 201), answer.status
                freeze_start_up()  # as python -m bot does once it has started
                headers = {"Authorization": f"Bearer {SECRET}"}

                async def scan() -> tuple[float, float, float, dict[str, Any], Counter[str]]:
                    # Between scans: the pipe's round trip is in no time measured.
                    fake_cpu, before, _ = served.ask("since", 0)
                    cpu, started = time.process_time(), time.perf_counter()
                    async with session.post(f"{url}/api/notify", headers=headers) as answer:
                        report = await answer.json()
                    elapsed = (time.perf_counter() - started) * 1e3
                    cpu = (time.process_time() - cpu) * 1e3
                    fake_after, _, tally = served.ask("since", before)
                    assert answer.status == 200, report
                    return elapsed, cpu, (fake_after - fake_cpu) * 1e3, report, Counter(tally)

                *_, first, _ = await scan()  # the first scan ever: the baseline
                served.ask("latency", latency_ms)
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


if __name__ == "__main__":
    if sys.argv[1:2] != ["--serve"] or len(sys.argv) != 3:
        raise SystemExit("python -m bench.scan_graph --serve ROWS (run by bench.scan)")
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    asyncio.run(serve(int(sys.argv[2])))

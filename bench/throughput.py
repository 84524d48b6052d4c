"""``POST /api/messages`` under load: this bot next to a bare botbuilder echo bot.

    python -m bench.throughput [--quick]

Both bots run in a process of their own, started here: the stock echo bot of
``bench.echo_bot`` and ``python -m bot`` (no App ID; a local workbook with 40
open cases; the agent on the team's roster and with a signature, so every
message passes the gate and is answered). One load client (aiohttp, N workers
each posting a channel message that @mentions the bot, built as
``tests.fakes.teams.channel_post``) and one fake Bot Connector
(``tests.fakes.connector.FakeConnector``) run in this process, on loopback.
The echo bot answers with the text, this bot with the queue card for ``kö``;
each answer is a reply through the connector, inside the request.

The bot keeps the queue cards it drew lately (``bot.queue_cards``), so one
agent asking again and again is answered from a kept card. A third row asks
from 40 agents in turn, more than the 32 cards kept: each answer is drawn
anew, as when cases change between messages.

At 1, 8 and 32 concurrent clients, echo then bot, each after a warm-up: msg/s,
p50 and p95 of the request (sent to answered), and the ratio bot/echo. Then the
footprint: ``python -m bot``'s start-up to the first 200 on ``/healthz``, and
the bot process's peak RSS (VmHWM) after the run.

Wall-clock figures on a shared machine move with whatever else runs; the ratio
of the two bots, measured in turns, moves less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.report import Cell, Section, Table, Target, percentile

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 8, 32)
QUICK_LEVELS = (1, 8)
OPEN_CASES = 40
SIGNATURE = "xanna"
CROWD = 40  # agents asking in turn: more than bot.queue_cards keeps, so no card is reused
# The targets.
RATIO_AT = 8
STARTUP_LIMIT_S = 2.0
RSS_LIMIT_MB = 150.0
ROUNDS = 3
STARTUP_TIMEOUT_S = 60.0
_THEIRS = ("STORA_", "Microsoft", "AZURE_", "PORT")


@dataclass(frozen=True)
class Load:
    clients: int
    requests: int
    seconds: float
    latencies_ms: list[float]
    failures: int

    def __add__(self, other: Load) -> Load:
        return Load(
            self.clients,
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            self.failures + other.failures,
        )

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 0.95)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    url: str
    started_s: float

    def peak_rss_mb(self) -> float:
        """VmHWM, the resident set's high-water mark (proc(5))."""
        status = Path(f"/proc/{self.popen.pid}/status").read_text()
        line = next(row for row in status.splitlines() if row.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start(
    name: str, args: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path
) -> Process:
    """Start ``python args`` and wait for its first 200 on ``/healthz``."""
    port = free_port()
    env = {**env, "PYTHONPATH": str(ROOT), "STORA_PORT": str(port)}
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        began = time.perf_counter()
        # Popen returns at once; the wait for the port is the loop below.
        popen = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, *args, *([str(port)] if name == "echo" else [])],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    async with aiohttp.ClientSession() as session:
        while True:
            if time.perf_counter() - began > STARTUP_TIMEOUT_S:
                popen.kill()
                raise RuntimeError(f"{name} did not answer /healthz; see {log}")
            if popen.poll() is not None:
                raise RuntimeError(f"{name} exited with {popen.returncode}; see {log}")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/healthz") as answer:
                    if answer.status == 200:
                        return Process(name, popen, url, time.perf_counter() - began)
            await asyncio.sleep(0.005)


async def prepare_bot(tmp: Path) -> dict[str, str]:
    """The bot's settings, its workbook with the open cases, the agent's signature."""
    from bench.ledger import prefill
    from bot.identity import SignatureBook
    from bot.storage import JsonFileStorage
    from tests.bot.conftest import ANNA
    from tests.fakes import teams

    workbook, state = tmp / "stora-arenden.xlsx", tmp / "state"
    prefill(workbook, rows=OPEN_CASES, open_cases=OPEN_CASES)
    book = SignatureBook(JsonFileStorage(state))
    await book.bind(ANNA.aad_object_id, SIGNATURE, ANNA.name)
    for n, agent in enumerate(crowd()):
        await book.bind(agent.aad_object_id, f"xbench{n:02d}", agent.name)
    return {
        "MicrosoftAppId": "",
        "STORA_TENANT_ID": teams.TENANT,
        "STORA_TEAM_ID": teams.TEAM,
        "STORA_WORKBOOK": str(workbook),
        "STORA_STATE_DIR": str(state),
        # No scans nor redraw passes in the middle of the measurement.
        "STORA_NOTIFY_INTERVAL_SECONDS": "0",
        "STORA_REDRAW_RETRY_SECONDS": "0",
    }


def crowd() -> list[Any]:
    from tests.fakes.teams import Agent

    return [Agent(f"Agent {n:02d}", f"aad-bench-{n:02d}") for n in range(CROWD)]


async def load(
    session: aiohttp.ClientSession,
    url: str,
    activity: Callable[[], dict[str, Any]],
    *,
    clients: int,
    requests: int,
) -> Load:
    """``requests`` posts by ``clients`` workers at once, each waiting for its answer."""
    left = requests
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal left, failures
        while left > 0:
            left -= 1
            body = activity()
            sent = time.perf_counter()
            async with session.post(f"{url}/api/messages", json=body) as answer:
                await answer.read()
                ok = answer.status in (200, 201)
            latencies.append((time.perf_counter() - sent) * 1000)
            failures += not ok

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return Load(clients, requests, time.perf_counter() - began, latencies, failures)


@contextlib.asynccontextmanager
async def connector_and_client() -> AsyncIterator[tuple[Any, aiohttp.ClientSession]]:
    from tests.bot.conftest import seat_team
    from tests.fakes import teams
    from tests.fakes.connector import FakeConnector

    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    for agent in crowd():
        connector.add_member(teams.TEAM, agent.account())
    # No limit of aiohttp's own: 32 clients are 32 connections.
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    try:
        yield connector, session
    finally:
        await session.close()
        await connector.stop()


async def measure(quick: bool) -> Section:
    from tests.bot.conftest import ANNA
    from tests.fakes import teams

    levels = QUICK_LEVELS if quick else LEVELS
    requests = 150 if quick else 600
    warm_up = 30 if quick else 100
    results: dict[tuple[str, int], Load] = {}
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as name:
        tmp = Path(name)
        # Only the bench's settings: none of a Graph store or an App ID of the shell's.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(_THEIRS)}
        env = {**inherited, **(await prepare_bot(tmp))}
        log = tmp / "bots.log"
        # cwd: the temporary folder, so that no .env of the checkout is read.
        echo = await start("echo", ["-m", "bench.echo_bot"], env=env, cwd=tmp, log=log)
        try:
            bot = await start("bot", ["-m", "bot"], env=env, cwd=tmp, log=log)
        except BaseException:
            echo.stop()
            raise
        startups = [bot.started_s]
        try:
            async with connector_and_client() as (connector, session):

                def post() -> dict[str, Any]:
                    return teams.channel_post(ANNA, connector.url, "kö")

                agents = itertools.cycle(crowd())

                def post_anew() -> dict[str, Any]:
                    return teams.channel_post(next(agents), connector.url, "kö")

                runs = (("echo", echo, post), ("bot", bot, post), ("anew", bot, post_anew))

                for clients in levels:
                    for _, process, activity in runs:
                        await load(
                            session, process.url, activity, clients=clients, requests=warm_up
                        )
                    # Echo and bot take turns in short rounds, so that a burst
                    # of other work on the machine falls on both alike.
                    for _ in range(ROUNDS):
                        for key, process, activity in runs:
                            part = await load(
                                session, process.url, activity, clients=clients,
                                requests=requests // ROUNDS,
                            )  # fmt: skip
                            row = key, clients
                            results[row] = results[row] + part if row in results else part
                            connector.posts.clear()  # the fake's memory is not the bot's
                            connector.calls.clear()
            peak_rss = bot.peak_rss_mb()
            echo_rss = echo.peak_rss_mb()
        finally:
            bot.stop()
            echo.stop()
        for _ in range(0 if quick else 2):
            again = await start("bot", ["-m", "bot"], env=env, cwd=tmp, log=log)
            again.stop()
            startups.append(again.started_s)
    return section(results, levels, statistics.median(startups), peak_rss, echo_rss, requests)


def section(
    results: dict[tuple[str, int], Load],
    levels: Sequence[int],
    startup_s: float,
    peak_rss: float,
    echo_rss: float,
    requests: int,
) -> Section:
    rows: list[tuple[Cell, ...]] = []
    for clients in levels:
        echo = results["echo", clients]
        for label, key in (("echo bot", "echo"), ("this bot, kö", "bot"),
                           ("this bot, kö, new card each time", "anew")):  # fmt: skip
            run = results[key, clients]
            rows.append((label, clients, run.per_second, run.p50, run.p95, run.failures))
            if key != "echo":
                rows.append(("  ratio to echo", clients, run.per_second / echo.per_second,
                             run.p50 / echo.p50, run.p95 / echo.p95, None))  # fmt: skip
    throughput = Table(
        "POST /api/messages: echo bot vs this bot",
        ("", "clients", "msg/s", "p50 ms", "p95 ms", "failed"),
        rows,
        note=f"{requests} requests per row, in {ROUNDS} rounds taken in turn by the rows, "
        "after a warm-up; one load client and one fake Bot Connector on loopback, each bot "
        f"in its own process. new card each time: {CROWD} agents ask in turn, more than the "
        "bot keeps cards for, so every queue card is drawn anew.",
    )
    footprint = Table(
        "Footprint",
        ("", "value"),
        [
            ("start-up to first 200 on /healthz, s", startup_s),
            ("peak RSS of the bot after the run, MB", peak_rss),
            ("peak RSS of the echo bot, MB", echo_rss),
        ],
    )
    at = min(RATIO_AT, max(levels))
    echo, bot = results["echo", at], results["bot", at]
    targets = [
        Target(
            f"msg/s at {at} clients, bot/echo", bot.per_second / echo.per_second, 2.0, "×", ">="
        ),
        Target(f"p95 at {at} clients, bot/echo", bot.p95 / echo.p95, 1.0, "×"),
        Target("start-up to first 200 on /healthz", startup_s, STARTUP_LIMIT_S, "s"),
        Target("peak RSS after the throughput run", peak_rss, RSS_LIMIT_MB, "MB"),
    ]
    return Section("Throughput and footprint", [throughput, footprint], targets)


def run(quick: bool = False) -> Section:
    return asyncio.run(measure(quick))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run at 1 and 8 clients")
    result = run(parser.parse_args().quick)
    print(result.render(spaced=True))


if __name__ == "__main__":
    main()

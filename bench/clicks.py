"""Click latency over real HTTP: the bot's app and a fake Bot Connector on loopback.

    python -m bench.clicks [--cases 20] [--rows 0]

Prints p50/p95 per click (register, claim, hand over, take over, close), the
time Teams waits for an Action.Execute answer, including the channel card
redraw the bot does before it answers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.bot.conftest import BO, CIA, ANNA, Clock, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.connector import FakeConnector


async def run(cases: int) -> dict[str, list[float]]:
    import aiohttp
    from aiohttp import web

    from bot.app import create_app
    from bot.config import Settings
    from cases.workbook import LocalWorkbookLedger

    timings: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        connector = FakeConnector()
        await connector.start()
        workbook = Path(tmp) / "wb.xlsx"
        ledger = LocalWorkbookLedger(workbook)
        settings = Settings(_env_file=None, MicrosoftAppId="", STORA_STATE_DIR=Path(tmp) / "state",
                            STORA_WORKBOOK=workbook)
        clock = Clock()
        runner = web.AppRunner(create_app(settings, ledger=ledger, clock=clock))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        async with aiohttp.ClientSession() as session:
            office = Office(f"http://127.0.0.1:{port}", connector, ledger, clock, workbook, session)
            for agent, sig in ((ANNA, "xanna"), (BO, "xbo"), (CIA, "xcia")):
                await office.sign_up(agent, sig)
            ids = ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(3))
            for _ in range(cases):
                form = await office.say(ANNA, "registrera")
                await timed(timings, "register", office.click(ANNA, form, "register", REGISTRATION))
                post = connector.top_level_posts()[-1]
                claimed = await timed(timings, "claim", office.click(BO, post, "claim"))
                form = (await office.click(BO, post, "handover.form", card=claimed["value"]))["value"]
                await timed(timings, "hand over",
                            office.click(BO, post, "handover", {"note": "Halvvägs"}, card=form))
                notice = connector.last()
                taken = await timed(timings, "take over", office.click(CIA, notice, "takeover"))
                form = (await office.click(CIA, post, "close.form", card=taken["value"]))["value"]
                await timed(timings, "close", office.click(
                    CIA, post, "close",
                    {"changedIds": ids, "greeting": "AB", "emailChange": "fakturaadress",
                     "emailValue": "Gatan 1"}, card=form))
        await runner.cleanup()
        await connector.stop()
    return timings


async def timed(timings: dict[str, list[float]], name: str, click):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = await click
    timings[name].append((time.perf_counter() - start) * 1000)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20)
    args = parser.parse_args()
    timings = asyncio.run(run(args.cases))
    print(f"Clicks over HTTP, local workbook, {args.cases} cases, latency in ms")
    print(f"{'click':<10} {'n':>4} {'p50':>8} {'p95':>8}")
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{name:<10} {len(values):>4} {statistics.median(values):>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()

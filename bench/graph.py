"""The Graph Ledger next to the local one: latency and requests per Ledger call.

    python -m bench.graph [--cases 10] [--latency-ms 100]

Runs a case's Ledger calls (add, get, update, the close's wipe, list)
``--cases`` times, once on the local workbook, once on the Graph Ledger talking
HTTP (real msgraph-sdk) to the fake Graph server of the tests, which adds
``--latency-ms`` to every request it answers, as a stand-in for the trip to
Microsoft. Prints, per call, p50/p95 latency for both stores and the Graph
requests it cost (HTTP requests; a JSON batch counts once, its parts in
brackets). Steady state: the session is open and the table read once before
the timed calls. Clicks through the bot's app, per store: ``bench.clicks``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any


async def run_ledger_calls(
    ledger: Any, cases: int, fake: Any = None
) -> tuple[dict[str, list[float]], dict[str, Counter]]:
    from tests.contract.ledger_contract import claimed, closed, handed_over, registration

    timings: dict[str, list[float]] = defaultdict(list)
    requests: dict[str, Counter] = defaultdict(Counter)

    # `...`: mypy cannot type a lambda that binds a loop value as a default (mypy#15459).
    async def timed(name: str, call: Callable[..., Awaitable[Any]]) -> Any:
        before = (fake.http.copy(), fake.counts.copy()) if fake else None
        start = time.perf_counter()
        result = await call()
        timings[name].append((time.perf_counter() - start) * 1000)
        if fake and before:
            requests[name]["http"] += fake.http.total() - before[0].total()
            requests[name]["parts"] += fake.counts.total() - before[1].total()
            requests[name]["n"] += 1
        return result

    await ledger.list()
    for n in range(cases):
        new = registration(n)
        case = await timed("add", lambda new=new: ledger.add(new))
        case = await timed("get", lambda c=case: ledger.get(c.case_id))
        case = await timed("update", lambda c=case: ledger.update(c, claimed(c)))
        case = await ledger.update(case, handed_over(case, "Halvvägs"))
        await timed("update (wipe)", lambda c=case: ledger.update(c, closed(c)))
        await timed("list", lambda: ledger.list())
    return timings, requests


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _requests(counter: Counter) -> str:
    if not counter.get("n"):
        return "-"
    http, parts = counter["http"] / counter["n"], counter["parts"] / counter["n"]
    return f"{http:.1f} ({parts:.1f})"


def _table(title: str, names: tuple[str, ...], local: dict, graph: dict, requests: dict) -> None:
    print(title)
    print(
        f"{'':<14}{'local p50':>10}{'p95':>8}{'graph p50':>11}{'p95':>8}   graph requests (parts)"
    )
    for name in names:
        lp50, lp95 = _stats(local[name])
        gp50, gp95 = _stats(graph[name])
        figures = f"{lp50:>10.1f}{lp95:>8.1f}{gp50:>11.1f}{gp95:>8.1f}"
        print(f"{name:<14}{figures}   {_requests(requests[name])}")
    print()


async def measure(cases: int, latency_ms: float) -> None:
    from graph.ledger import GraphLedger
    from local_workbook.ledger import LocalWorkbookLedger
    from tests.fakes.graph import FakeGraph
    from tests.graph.conftest import FixedToken, config_for

    with tempfile.TemporaryDirectory() as tmp:
        local_calls, _ = await run_ledger_calls(LocalWorkbookLedger(Path(tmp) / "l.xlsx"), cases)
    fake = FakeGraph()
    await fake.start()
    ledger = GraphLedger(config_for(fake), FixedToken())
    await ledger.warm_up()  # session open, table read: steady state from the first call
    fake.latency = latency_ms / 1000
    graph_calls, call_requests = await run_ledger_calls(ledger, cases, fake)
    await ledger.aclose()
    await fake.stop()

    print(f"Graph Ledger vs local workbook: {cases} cases, {latency_ms:.0f} ms per Graph request")
    print("latency in ms; requests: HTTP requests to Graph per action (a JSON batch counts once,")
    print("its parts in brackets)\n")
    calls = ("add", "get", "update", "update (wipe)", "list")
    _table("Ledger calls", calls, local_calls, graph_calls, call_requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.graph", description=__doc__)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # msgraph-sdk's generated code
    asyncio.run(measure(args.cases, args.latency_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

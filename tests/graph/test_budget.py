"""Requests per Ledger call in steady state: a mutating call costs one read and one write.

"Read" and "write" are HTTP requests to Graph; a JSON batch is one request
(its parts run one after the other inside Graph, as Microsoft advises).
"""

from __future__ import annotations

from collections.abc import Callable

from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, closed, handed_over, registration, taken_over
from tests.fakes.graph import FakeGraph

MakeLedger = Callable[..., GraphLedger]


async def steady(fake: FakeGraph, make_ledger: MakeLedger) -> GraphLedger:
    ledger = make_ledger()
    for n in range(3):
        await ledger.add(registration(n))
    await ledger.list()
    fake.reset_counts()
    return ledger


async def test_an_add_is_one_read_and_one_write(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    await ledger.add(registration(9))
    assert fake_graph.http == {"$batch": 2}
    # Inside: header row, last row, the ID's high-water mark and whether its sheet is
    # hidden; then the mark and the row.
    assert fake_graph.counts == {
        "table.headerRowRange": 1,
        "table.lastRow": 1,
        "range.get": 1,
        "worksheet.get": 1,
        "range.patch": 1,
        "rows.add": 1,
    }


async def test_each_update_is_one_read_and_one_write(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    case = (await ledger.list())[0]
    steps = (claimed, lambda c: handed_over(c, "Halvvägs"), lambda c: taken_over(c, "xcia"), closed)
    for step in steps:
        fake_graph.reset_counts()
        case = await ledger.update(case, step(case))
        assert fake_graph.http == {"$batch": 1, "range.patch": 1}
        assert fake_graph.reads == 2 and fake_graph.writes == 1  # header row + the row; the cells


async def test_a_get_is_one_read_and_a_list_is_one_read(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    case = (await ledger.list())[0]
    fake_graph.reset_counts()
    await ledger.get(case.case_id)
    assert fake_graph.http == {"$batch": 1}
    fake_graph.reset_counts()
    await ledger.list()
    assert fake_graph.http == {"table.range": 1}


async def test_an_update_that_changes_nothing_writes_nothing(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    case = (await ledger.list())[0]
    fake_graph.reset_counts()
    await ledger.update(case, case)
    assert fake_graph.writes == 0


async def test_a_new_process_pays_once_for_the_session_and_the_table(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    await steady(fake_graph, make_ledger)
    ledger = make_ledger()
    await ledger.warm_up()
    assert fake_graph.http == {"createSession": 1, "table.range": 1}
    fake_graph.reset_counts()
    case = (await ledger.list())[0]
    fake_graph.reset_counts()
    await ledger.update(case, claimed(case))
    assert fake_graph.http == {"$batch": 1, "range.patch": 1}

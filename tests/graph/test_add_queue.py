"""Registrations at once on Graph: written together, each caller answered on its own.

The fake counts every request, so the tests count what a burst costs; and a
caller whose time runs out while it waits is never written after it was told
nothing was saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from cases.columns import ARENDE_ID, HEADERS, KUNDNUMMER
from cases.model import Case
from graph.add_queue import MAX_ROWS
from graph.deadline import request_budget
from graph.errors import GraphUnavailable, WriteUnconfirmed
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import FakeGraph
from tests.graph.test_faults import assert_whole, ids_in

MakeLedger = Callable[..., GraphLedger]


async def steady(fake: FakeGraph, make_ledger: MakeLedger) -> GraphLedger:
    """A ledger whose session is open and table read, with a case in the table already."""
    ledger = make_ledger()
    await ledger.add(registration(0))
    fake.reset_counts()
    return ledger


async def test_a_hundred_registrations_at_once_cost_two_reads_and_two_writes(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    news = [registration(n, customer_number=f"50{n:05d}") for n in range(1, 101)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    print(f"\n100 registrations at once on Graph: {dict(fake_graph.http)} HTTP requests,"
          f" {dict(fake_graph.counts)} inside")  # fmt: skip
    # Two turns of at most MAX_ROWS: each one read batch and one write batch.
    assert MAX_ROWS == 50
    assert fake_graph.http == {"$batch": 4}
    assert fake_graph.counts["rows.add"] == 2
    assert fake_graph.counts["range.patch"] == 2  # the "_bot" sheet's mark, once per turn
    assert [c.customer_number for c in cases] == [n.customer_number for n in news]
    assert len(ids_in(fake_graph)) == len(set(ids_in(fake_graph))) == 101
    stored = {r[ARENDE_ID]: str(r[KUNDNUMMER]) for r in fake_graph.workbook.rows()}
    assert all(stored[c.case_id] == c.customer_number for c in cases)
    assert fake_graph.workbook.sheets["_bot"].peek(1, 2).value == 101
    assert fake_graph.max_in_flight == 1


async def test_the_template_row_takes_the_first_case_and_the_rest_are_appended(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    cases = await asyncio.gather(*(ledger.add(registration(n)) for n in range(3)))
    assert [c.case_id for c in cases] == ["SA-000001", "SA-000002", "SA-000003"]
    assert ids_in(fake_graph) == ["SA-000001", "SA-000002", "SA-000003"]
    assert len(fake_graph.workbook.rows()) == 3  # no blank row left at the top
    assert fake_graph.counts["rows.add"] == 1
    assert_whole(fake_graph)


async def test_a_caller_whose_time_runs_out_in_the_queue_is_never_written(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    reading = asyncio.Event()
    fake_graph.before("table.headerRowRange", lambda _wb: reading.set())
    fake_graph.inject("table.headerRowRange", delay=0.6)  # the first turn's read: slow

    async def in_a_hurry() -> None:
        with request_budget(0.3):  # a click with little time left
            await ledger.add(registration(2))

    first = asyncio.create_task(ledger.add(registration(1)))
    await reading.wait()  # the first turn holds the workbook: the second one queues
    with pytest.raises(GraphUnavailable) as caught:
        await in_a_hurry()
    assert "Nothing was saved" in caught.value.message_en
    case = await first
    later = await ledger.add(registration(3))
    assert ids_in(fake_graph) == ["SA-000001", case.case_id, later.case_id]
    assert [r[KUNDNUMMER] for r in fake_graph.workbook.rows()] == ["1000000", "1000001", "1000003"]


async def test_a_caller_whose_time_runs_out_after_the_write_is_told_it_is_unclear(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """One write for two callers; the answer comes after the first one's time is up."""
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", delay=0.6)

    async def in_a_hurry() -> Case:
        with request_budget(0.4):
            return await ledger.add(registration(1))

    hurried, patient = await asyncio.gather(
        in_a_hurry(), ledger.add(registration(2)), return_exceptions=True
    )
    assert isinstance(hurried, WriteUnconfirmed) and isinstance(patient, Case)
    assert ids_in(fake_graph) == ["SA-000001", hurried.case_id, patient.case_id]


async def test_a_503_storm_tells_every_caller_of_the_batch_nothing_was_saved(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject(None, status=503, times=1000)
    outcomes = await asyncio.gather(
        *(ledger.add(registration(n)) for n in range(1, 6)), return_exceptions=True
    )
    assert [type(o) for o in outcomes] == [GraphUnavailable] * 5
    assert all("Nothing was saved" in o.message_en for o in outcomes)  # type: ignore[union-attr]
    assert ids_in(fake_graph) == ["SA-000001"]


async def test_a_batch_whose_answer_was_lost_is_found_by_its_ids_not_doubled(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, process=True)  # done, the answer lost
    news = [registration(n) for n in range(1, 6)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    assert [c == n.with_id(c.case_id) for c, n in zip(cases, news, strict=True)] == [True] * 5
    assert ids_in(fake_graph) == ["SA-000001", *(c.case_id for c in cases)]
    assert fake_graph.counts["rows.add"] == 1
    assert_whole(fake_graph)


async def test_a_write_that_took_in_part_is_finished_without_a_duplicate(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """The template row is filled, then rows/add is refused: the first case is in, the others not."""
    ledger = make_ledger()
    fake_graph.inject("rows.add", status=503)
    news = [registration(n) for n in range(3)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    assert [c == n.with_id(c.case_id) for c, n in zip(cases, news, strict=True)] == [True] * 3
    assert sorted(ids_in(fake_graph)) == sorted(c.case_id for c in cases)
    assert [r[KUNDNUMMER] for r in fake_graph.workbook.rows()] == ["1000000", "1000001", "1000002"]
    assert_whole(fake_graph)


async def test_rows_someone_adds_meanwhile_do_not_confuse_the_read_back(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    person = [None] * len(HEADERS)
    person[0] = "Tillagd för hand"
    fake_graph.before("rows.add", lambda wb: wb.add_rows([list(person)]))
    news = [registration(n) for n in range(1, 4)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    assert [c == n.with_id(c.case_id) for c, n in zip(cases, news, strict=True)] == [True] * 3
    assert [r[KUNDNUMMER] for r in fake_graph.workbook.rows()] == [
        "1000000", "Tillagd för hand", "1000001", "1000002", "1000003",
    ]  # fmt: skip
    assert await ledger.update(cases[2], claimed(cases[2])) == claimed(cases[2])


async def test_rows_formatted_otherwise_than_read_are_each_repaired(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """The last row turns Text between the read and rows/add: every new row inherits it."""
    ledger = await steady(fake_graph, make_ledger)
    wb = fake_graph.workbook

    def format_last_row(_wb: object) -> None:
        for col in range(wb.t.first_col, wb.t.last_col + 1):
            wb.t.sheet.cell(wb.t.last_row, col).number_format = "@"

    fake_graph.before("rows.add", format_last_row)
    news = [registration(n, customer_number=f"00{n}2345") for n in range(1, 4)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    for case, new in zip(cases, news, strict=True):
        assert wb.cell_of(case.case_id, KUNDNUMMER).value == new.customer_number
        assert case == new.with_id(case.case_id)

"""A registration whose write went unanswered is repeated under its own ID, never a new one.

Microsoft's answer to a 504 on rows/add is to repeat the request
(learn.microsoft.com/graph/api/table-post-rows). The first request may only be
late: the fake's ``lands`` carries it out after the bot's check read, or later
still (see ``tests.fakes.graph.Fault``). Whatever lands when, one registration
is one row under one Ärende-ID, and no ID is ever given to two cases.

The bot looks for twin rows after each turn of registrations, before any other
call gets the workbook: a ``list()`` right after is where the team sees them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from cases.columns import ARENDE_ID, HANTERAS_AV, KOMMENTAR, KUNDNUMMER, STATUS
from graph.errors import WriteUnconfirmed
from graph.ledger import GraphLedger
from graph.twins import WATCH
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import VirtualTime
from tests.graph.test_add_queue import steady
from tests.graph.test_faults import assert_whole, ids_in

MakeLedger = Callable[..., GraphLedger]


def numbers(fake: FakeGraph) -> list[str]:
    return [str(r[KUNDNUMMER]) for r in fake.workbook.rows() if r[ARENDE_ID]]


# After the 504, the bot reads the table (1), reads for the write (2), writes (3), and
# reads for twins (4). lands=2: the first request lands after the check read (today:
# written again under a new ID); 3: just before the repeat; 4: just after it. The 504
# answers the rows/add inside the write batch, or the whole batch (its ID mark too).
@pytest.mark.parametrize(
    ("where", "lands"), [("rows.add", 2), ("rows.add", 3), ("rows.add", 4), ("$batch", 2)]
)
async def test_a_504_whose_row_lands_late_is_repeated_under_the_same_id(
    fake_graph: FakeGraph, make_ledger: MakeLedger, where: str, lands: int
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    if where == "rows.add":
        fake_graph.inject("rows.add", status=504, lands=lands)
    else:  # the write batch: the one after the read of the last row

        def hold_the_next_batch(_wb: object) -> None:
            fake_graph.inject("$batch", status=504, lands=lands)

        fake_graph.before("table.lastRow", hold_the_next_batch)
    new = registration(1, customer_number="4711")
    case = await ledger.add(new)
    listed = await ledger.list()
    assert case == new.with_id("SA-000002")
    assert fake_graph.counts["rows.add"] == 2  # repeated, as Microsoft advises
    assert ids_in(fake_graph) == ["SA-000001", "SA-000002"]
    assert numbers(fake_graph) == ["1000000", "4711"]
    assert fake_graph.counts["rows.delete"] == 1  # both landed: the bot's spare row is out
    assert listed[1] == case == await ledger.get("SA-000002")
    assert_whole(fake_graph)


async def test_a_first_request_that_lands_minutes_later_is_still_taken_out(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    case = await ledger.add(registration(1))
    await ledger.list()
    assert ids_in(fake_graph) == ["SA-000001", case.case_id]
    vtime.skipped += WATCH / 2
    await fake_graph.land_late()
    assert ids_in(fake_graph) == ["SA-000001", case.case_id, case.case_id]
    later = await ledger.add(registration(2))
    await ledger.list()
    assert ids_in(fake_graph) == ["SA-000001", case.case_id, later.case_id]
    # Settled: no more reads for twins.
    fake_graph.reset_counts()
    await ledger.add(registration(3))
    await ledger.list()
    assert fake_graph.counts["table.range"] == 1  # the list's


async def test_the_bot_stops_looking_for_twins_after_a_while(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    await ledger.add(registration(1))
    await ledger.list()
    fake_graph.reset_counts()
    await ledger.add(registration(2))
    await ledger.list()
    assert fake_graph.counts["table.range"] == 2  # the twin read, and the list's
    vtime.skipped += WATCH
    fake_graph.reset_counts()
    await ledger.add(registration(3))
    await ledger.list()
    assert fake_graph.counts["table.range"] == 1


async def test_a_twin_someone_changed_is_kept_and_the_bots_spare_one_goes(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    case = await ledger.add(registration(1))
    await fake_graph.land_late()  # the first request's row, below the repeat's
    wb = fake_graph.workbook
    wb.t.sheet.cell(wb.t.last_row, wb.col(KOMMENTAR)).type_in("Ringt kunden")  # in Excel
    await ledger.add(registration(2))
    await ledger.list()
    rows = [r for r in wb.rows() if r[ARENDE_ID] == case.case_id]
    assert [r[KOMMENTAR] for r in rows] == ["Ringt kunden"]


async def test_twins_both_changed_are_left_for_a_person(
    fake_graph: FakeGraph, make_ledger: MakeLedger, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    case = await ledger.add(registration(1, customer_number="KUND-HEMLIG"))
    claimed_case = await ledger.update(case, claimed(case))  # the repeat's row
    await fake_graph.land_late()
    wb = fake_graph.workbook
    wb.t.sheet.cell(wb.t.last_row, wb.col(KOMMENTAR)).type_in("Ringt kunden")
    with caplog.at_level(logging.WARNING):
        await ledger.add(registration(2))
        await ledger.list()
    rows = [r for r in wb.rows() if r[ARENDE_ID] == case.case_id]
    assert [(r[STATUS], r[HANTERAS_AV], r[KOMMENTAR]) for r in rows] == [
        ("Påbörjad", claimed_case.handler, ""),
        ("Ny", "", "Ringt kunden"),
    ]
    assert fake_graph.counts["rows.delete"] == 0
    assert any("left for a person" in r.getMessage() for r in caplog.records)
    assert not any("KUND-HEMLIG" in repr(r.__dict__) for r in caplog.records)


async def test_a_repeat_refused_still_says_the_first_may_have_landed(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """Not "nothing was saved": the late first request does land, under the ID named."""
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    fake_graph.before(
        "table.range", lambda _wb: fake_graph.inject("$batch", status=503, times=1000)
    )
    with pytest.raises(WriteUnconfirmed) as caught:
        await ledger.add(registration(1))
    await fake_graph.land_late()
    assert ids_in(fake_graph) == ["SA-000001", caught.value.case_id]


async def test_a_template_row_fill_in_doubt_is_repeated_below_it_not_over_it(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """A late PATCH of the template row would overwrite what the row holds by then."""
    fake_graph.workbook.add_sheet("_bot")
    ledger = make_ledger()
    await ledger.warm_up()
    fake_graph.inject("$batch")  # the read
    fake_graph.inject("$batch", status=504, lands=1000)  # the write: mark, template row
    case = await ledger.add(registration(1))
    taken = await ledger.update(case, claimed(case))
    await fake_graph.land_late()  # the first write fills the template row, above
    await ledger.add(registration(2))
    await ledger.list()
    rows = [r for r in fake_graph.workbook.rows() if r[ARENDE_ID] == case.case_id]
    assert [(r[STATUS], r[HANTERAS_AV]) for r in rows] == [("Påbörjad", taken.handler)]
    assert await ledger.get(case.case_id) == taken


# -- the client gives up: the write may land later, and its ID and row stay its own -----


@pytest.mark.parametrize("table", ["template row", "template row, _bot sheet made", "rows"])
async def test_a_write_that_timed_out_keeps_its_id_and_its_row(
    fake_graph: FakeGraph, make_ledger: MakeLedger, table: str
) -> None:
    """Neither the ID nor the template's blank row it filled go to the next registration."""
    ledger = make_ledger(deadline=0.5)
    if table == "rows":
        await ledger.add(registration(0))
    else:
        if "_bot" in table:
            fake_graph.workbook.add_sheet("_bot")
        await ledger.warm_up()
    fake_graph.inject("$batch")  # the read
    fake_graph.inject("$batch", delay=0.8, lands=2)  # the write: the client gives up first
    with pytest.raises(WriteUnconfirmed) as caught:
        await ledger.add(registration(1, customer_number="4711"))
    # The next registration is read for; then the first write lands, then its own.
    second = await ledger.add(registration(2, customer_number="4712"))
    await fake_graph.land_late()
    await ledger.list()
    stored = {r[ARENDE_ID]: str(r[KUNDNUMMER]) for r in fake_graph.workbook.rows()}
    assert stored[caught.value.case_id] == "4711"
    assert stored[second.case_id] == "4712"
    assert second.case_id != caught.value.case_id
    assert len(ids_in(fake_graph)) == len(set(ids_in(fake_graph))) == len(stored) - ("" in stored)


async def test_a_delete_of_a_spare_row_in_doubt_is_not_sent_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """Sent again, the second delete would take the spare row and the late first one the
    row that moved up into its place: another case."""
    ledger = await steady(fake_graph, make_ledger)
    fake_graph.inject("rows.add", status=504, lands=1000)
    case = await ledger.add(registration(1))
    await fake_graph.land_late()
    fake_graph.inject("rows.delete", status=504, lands=1000)  # the clean-up's delete
    later = await ledger.add(registration(2))  # below the twins; its turn ends with the clean-up
    await ledger.list()
    await fake_graph.land_late()
    assert ids_in(fake_graph) == ["SA-000001", case.case_id, later.case_id]
    assert fake_graph.counts["rows.delete"] == 1

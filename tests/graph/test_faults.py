"""Every fault the fake Graph can inject, and what the agent and the workbook see.

Three promises hold through all of them:

- nothing is written half: a case's row is whole, or absent;
- no registration is lost silently: it is stored, or ``add`` raises
  ``LedgerUnavailable`` (then it is not there), or ``WriteUnconfirmed`` (the
  agent is told it may be there, with its Ärende-ID);
- a person's concurrent edit is never overwritten.

Retries sleep on a virtual clock (``vtime``): a Retry-After of seconds costs
the test nothing, and the sleeps are checked against what Graph asked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from cases.columns import (
    ARENDE_ID,
    HANTERAS_AV,
    KUNDNUMMER,
    STATUS,
    WorkbookLayoutError,
    case_id_number,
    parse_datetime,
)
from cases.errors import CaseNotFound
from cases.ledger import Conflict, LedgerUnavailable
from cases.model import Case, Status
from graph.errors import AccessDenied, GraphUnavailable, WipeNotVerified, WriteUnconfirmed
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, closed, handed_over, registration
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import VirtualTime

MakeLedger = Callable[..., GraphLedger]
SECRET = "KUND-4711-HEMLIG"


def assert_whole(fake: FakeGraph) -> None:
    """Every row with an Ärende-ID has the cells a registration always writes."""
    for row in fake.workbook.rows():
        if not row[ARENDE_ID]:
            continue
        assert row["Registrerat av"] and row[STATUS], row[ARENDE_ID]
        assert parse_datetime(row["Registrerad"]) and parse_datetime(row["Senast ändrad"])


def ids_in(fake: FakeGraph) -> list[str]:
    return [row[ARENDE_ID] for row in fake.workbook.rows() if row[ARENDE_ID]]


async def started(ledger: GraphLedger) -> Case:
    case = await ledger.add(registration(1, customer_number=SECRET))
    return await ledger.update(case, claimed(case))


# -- throttling and failing servers --------------------------------------------------


async def test_a_429_waits_what_retry_after_says_then_succeeds(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger()
    await ledger.add(registration(1))
    fake_graph.inject("range.patch", status=429, retry_after="2")
    case = await ledger.add(registration(2))
    assert vtime.sleeps == [2.0]
    assert ids_in(fake_graph) == ["SA-000001", case.case_id]
    assert_whole(fake_graph)


async def test_a_429_storm_gives_up_inside_the_deadline_and_writes_nothing(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger(deadline=2.5)
    await ledger.add(registration(1))
    before = fake_graph.workbook.rows()
    fake_graph.inject(None, status=429, retry_after="1", times=1000)
    with pytest.raises(LedgerUnavailable) as caught:
        await ledger.add(registration(2))
    assert not isinstance(caught.value, WriteUnconfirmed)
    assert fake_graph.workbook.rows() == before
    assert sum(vtime.sleeps) < 2.5
    assert all(s >= 1.0 for s in vtime.sleeps)  # never sooner than Graph asked


async def test_a_retry_after_beyond_the_deadline_fails_at_once(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger(deadline=2.5)
    case = await ledger.add(registration(1))
    fake_graph.inject("$batch", status=429, retry_after="30")
    with pytest.raises(GraphUnavailable):
        await ledger.get(case.case_id)
    assert vtime.sleeps == []
    # Microsoft asks for no request at all until the cooldown has passed.
    fake_graph.reset_counts()
    with pytest.raises(GraphUnavailable):
        await ledger.get(case.case_id)
    assert fake_graph.http.total() == 0


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_failing_gateway_is_retried_with_jittered_backoff(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime, status: int
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.inject("range.patch", status=status, times=2)
    stored = await ledger.update(case, claimed(case))
    assert await make_ledger().get(case.case_id) == stored
    assert len(vtime.sleeps) == 2 and all(0 <= s <= 1.0 for s in vtime.sleeps)


async def test_a_503_storm_on_a_registration_tells_the_agent_nothing_was_saved(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=1.0)
    await ledger.add(registration(1))
    fake_graph.inject(None, status=503, times=1000)
    with pytest.raises(LedgerUnavailable) as caught:
        await ledger.add(registration(2))
    assert "Nothing was saved" in caught.value.message_en
    assert ids_in(fake_graph) == ["SA-000001"]


# -- answers lost after the work was done ------------------------------------------------


@pytest.mark.parametrize("where", ["rows.add", "$batch"])
async def test_a_registration_whose_answer_was_lost_is_found_not_doubled(
    fake_graph: FakeGraph, make_ledger: MakeLedger, where: str
) -> None:
    ledger = make_ledger()
    await ledger.add(registration(1))
    if where == "rows.add":
        fake_graph.inject("rows.add", status=504, process=True)
    else:  # the whole write batch is carried out, then the gateway times out

        def lose_the_next_answer(_wb: object) -> None:
            fake_graph.inject("$batch", status=504, process=True)

        fake_graph.before("table.lastRow", lose_the_next_answer)
    case = await ledger.add(registration(2, description="Dubbelkoll"))
    assert ids_in(fake_graph) == ["SA-000001", case.case_id]
    assert case.description == "Dubbelkoll"
    assert_whole(fake_graph)


async def test_an_update_whose_answer_was_lost_is_not_written_twice(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.reset_counts()
    fake_graph.inject("range.patch", status=504, process=True)
    stored = await ledger.update(case, claimed(case))
    assert stored == claimed(case)
    # Read, write (done, answer lost), read again: it took, so no second write.
    assert fake_graph.counts["range.patch"] == 1
    assert fake_graph.http["$batch"] == 2


async def test_a_slow_write_past_the_deadline_is_reported_as_unconfirmed(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=0.5)
    await ledger.add(registration(1))
    fake_graph.inject("$batch", delay=0.2)  # the read
    fake_graph.inject("$batch", delay=0.8)  # the write: done, but answered too late

    with pytest.raises(WriteUnconfirmed) as caught:
        await ledger.add(registration(2))
    assert "SA-000002" in caught.value.message
    await asyncio.sleep(1.0)  # the server finishes its slow work
    # The agent was told it may be stored, and it is: not lost, not silent.
    assert "SA-000002" in ids_in(fake_graph)
    assert_whole(fake_graph)


async def test_a_slow_read_past_the_deadline_gives_up_and_writes_nothing(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=0.3)
    case = await ledger.add(registration(1))
    fake_graph.inject("$batch", delay=0.6)
    with pytest.raises(GraphUnavailable):
        await ledger.update(case, claimed(case))
    await asyncio.sleep(0.4)
    assert fake_graph.workbook.cell_of(case.case_id, STATUS).value == "Ny"


# -- sessions -------------------------------------------------------------------------


async def test_one_session_serves_many_calls(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()  # start-up opens it: clicks never wait for one (graph.session)
    case = await started(ledger)
    await ledger.get(case.case_id)
    await ledger.list()
    assert fake_graph.counts["createSession"] == 1
    assert fake_graph.sessionless_requests == 0


async def test_an_expired_session_is_recreated_without_the_agent_noticing(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    fake_graph.expire_sessions()
    stored = await ledger.update(case, claimed(case))
    assert stored == claimed(case)
    await ledger.session.settled()  # the new one is made in the background
    assert fake_graph.counts["createSession"] == 2


async def test_a_session_lost_between_read_and_write_is_recreated_and_rechecked(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    fake_graph.before("range.patch", lambda _wb: fake_graph.expire_sessions())
    stored = await ledger.update(case, claimed(case))
    assert stored == claimed(case)
    await ledger.session.settled()
    assert fake_graph.counts["createSession"] == 2


async def test_an_idle_session_is_renewed_before_it_fails(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    vtime.skipped += 600  # ten minutes without a click
    fake_graph.expire_sessions()
    fake_graph.reset_counts()
    await ledger.get(case.case_id)  # without one: the new one is made in the background
    await ledger.session.settled()
    assert fake_graph.http == {"createSession": 1, "$batch": 1}  # no failed request first


async def test_sessions_refused_to_the_app_mean_working_without_one(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    fake_graph.denied.add("createSession")
    ledger = make_ledger()
    case = await started(ledger)
    assert (await ledger.get(case.case_id)).handler == "xbo"
    assert fake_graph.sessionless_requests > 0


# -- someone else holds the workbook ---------------------------------------------------


async def test_an_access_conflict_waits_and_then_writes(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.inject("range.patch", status=409, code="conflict", inner="accessConflict", times=2)
    assert await ledger.update(case, claimed(case)) == claimed(case)
    assert len(vtime.sleeps) == 2 and all(s >= 0.25 for s in vtime.sleeps)


async def test_a_lasting_access_conflict_gives_up_with_nothing_written(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=2.0)
    case = await ledger.add(registration(1))
    fake_graph.inject(
        "range.patch", status=409, code="conflict", inner="accessConflict", times=1000
    )
    with pytest.raises(GraphUnavailable):
        await ledger.update(case, claimed(case))
    assert fake_graph.workbook.cell_of(case.case_id, STATUS).value == "Ny"


async def test_a_missing_permission_is_told_as_such(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.denied.add("range.patch")
    with pytest.raises(AccessDenied) as caught:
        await ledger.update(case, claimed(case))
    assert "no access" in caught.value.message_en


# -- the workbook's shape ------------------------------------------------------------


async def test_a_missing_table_is_named(fake_graph: FakeGraph, make_ledger: MakeLedger) -> None:
    fake_graph.workbook.table = None
    with pytest.raises(WorkbookLayoutError) as caught:
        await make_ledger().add(registration(1))
    assert "StoraArenden" in caught.value.message_en


async def test_a_missing_header_is_named(fake_graph: FakeGraph, make_ledger: MakeLedger) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    wb = fake_graph.workbook
    wb.t.sheet.cell(wb.t.header_row, wb.col(STATUS)).value = "Läge"
    with pytest.raises(WorkbookLayoutError) as caught:
        await ledger.get(case.case_id)
    assert "Status" in caught.value.message_en


async def test_a_column_inserted_by_hand_is_found_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.workbook.person_inserts_column("Prio", at=2)
    fake_graph.workbook.person_types(case.case_id, "Prio", "Hög")
    stored = await ledger.update(case, claimed(case))
    assert stored == claimed(case)
    assert fake_graph.workbook.cell_of(case.case_id, "Prio").value == "Hög"
    assert fake_graph.workbook.cell_of(case.case_id, HANTERAS_AV).value == "xbo"


async def test_rows_sorted_by_hand_are_found_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    first = await ledger.add(registration(1))
    await ledger.add(registration(2))
    fake_graph.workbook.person_sorts_descending()
    stored = await ledger.update(first, claimed(first))
    assert (await make_ledger().get(first.case_id)) == stored
    assert_whole(fake_graph)


async def test_a_row_deleted_by_hand_is_not_found(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.workbook.person_deletes_row(case.case_id)
    with pytest.raises(CaseNotFound):
        await ledger.update(case, claimed(case))


# -- a person in Excel at the same time -------------------------------------------------


async def test_a_claim_made_in_excel_after_the_card_was_read_wins(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    added = await ledger.add(registration(1))
    case = await ledger.get(added.case_id)  # the bot reads the case for the click
    fake_graph.workbook.person_types(case.case_id, STATUS, "Påbörjad")  # ... and Excel changes it
    fake_graph.workbook.person_types(case.case_id, HANTERAS_AV, "XPER")
    with pytest.raises(Conflict) as caught:
        await ledger.update(case, claimed(case, by="xbo"))
    assert caught.value.who == "xper"
    assert "xper" in caught.value.message
    assert fake_graph.workbook.cell_of(case.case_id, HANTERAS_AV).value == "XPER"


async def test_edits_to_other_cells_between_read_and_write_are_kept(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    wb = fake_graph.workbook
    wb.person_inserts_column("Anteckning", at=wb.t.last_col)  # the team's own column
    ledger = make_ledger()
    case = await ledger.add(registration(1))

    def person(wb_: object) -> None:  # types while the bot's write is on its way
        wb.person_types(case.case_id, "Anteckning", "ring tisdag")
        wb.person_types(case.case_id, "Eventuell kommentar", "från Excel")

    fake_graph.before("range.patch", person)
    stored = await ledger.update(case, claimed(case))
    assert stored.handler == "xbo"
    assert wb.cell_of(case.case_id, "Anteckning").value == "ring tisdag"
    assert wb.cell_of(case.case_id, "Eventuell kommentar").value == "från Excel"


# -- the wipe --------------------------------------------------------------------------


async def test_a_wipe_that_did_not_take_raises(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await started(ledger)
    fake_graph.workbook.stuck_columns.add(KUNDNUMMER)
    with pytest.raises(WipeNotVerified) as caught:
        await ledger.update(case, closed(case))
    assert "Kundnummer" in caught.value.message_en
    assert SECRET not in caught.value.message + caught.value.message_en


async def test_a_close_wipes_every_customer_cell(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await started(ledger)
    case = await ledger.update(case, handed_over(case, "Ring kunden 070-1234567"))
    done = await ledger.update(case, closed(case))
    row = next(r for r in fake_graph.workbook.rows() if r[ARENDE_ID] == done.case_id)
    assert (row[KUNDNUMMER], row["Ärendenummer CAB"], row["Vad gäller ärendet"]) == ("", "", "")
    assert row["Eventuell kommentar"] == "" and row[STATUS] == Status.HANTERAD


# -- one at a time, and never anything in the logs ------------------------------------


async def test_requests_go_one_at_a_time(fake_graph: FakeGraph, make_ledger: MakeLedger) -> None:
    fake_graph.latency = 0.02
    ledger = make_ledger()
    # Start-up waits for the session: a session made in the background is the one
    # request that may run beside a click's (graph.session).
    await ledger.warm_up()
    cases = [await ledger.add(registration(n)) for n in range(3)]
    await asyncio.gather(
        *(ledger.update(c, claimed(c)) for c in cases),
        *(ledger.get(c.case_id) for c in cases),
        ledger.list(),
        ledger.add(registration(9)),
    )
    assert fake_graph.max_in_flight == 1


async def test_customer_data_never_reaches_logs_or_errors(
    fake_graph: FakeGraph,
    make_ledger: MakeLedger,
    vtime: VirtualTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ledger = make_ledger(deadline=0.5)
    case = await ledger.add(registration(1, customer_number=SECRET, description=f"om {SECRET}"))
    errors: list[Exception] = []
    for fault in (
        {"status": 429, "retry_after": "1"},
        {"status": 503},
        {"status": 400},
        {"status": 504, "process": True},
        {"status": 409, "inner": "accessConflict"},
    ):
        fake_graph.inject(None, times=1000, **fault)
        try:
            await ledger.update(case, case.replace(description=f"{SECRET} igen"))
        except Exception as failed:  # noqa: BLE001
            errors.append(failed)
        fake_graph.clear_faults()
        vtime.skipped += 2  # past any Retry-After
        case = await ledger.get(case.case_id)
    assert errors
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.__dict__)
    for error in errors:
        assert SECRET not in str(error) and SECRET not in repr(error)


async def test_ids_keep_rising_through_faults(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=1.0)
    stored = []
    for n, fault in enumerate(
        [{"status": 503}, {"status": 504, "process": True}, {"status": 429, "retry_after": "0"}]
    ):
        fake_graph.inject({"rows.add", "range.patch"}, **fault)
        stored.append(await ledger.add(registration(n)))
    numbers = [case_id_number(c.case_id) for c in stored]
    assert numbers == sorted(set(numbers))
    assert sorted(ids_in(fake_graph)) == [c.case_id for c in stored]
    assert_whole(fake_graph)

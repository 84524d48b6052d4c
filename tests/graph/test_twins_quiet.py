"""A twin row in a quiet team: found without a next registration, and never left with data.

A rows/add answered 504 is repeated under its own ID; the first request may
land after the one read for twins that follows the repeat (``graph.twins``).
In a quiet team no further registration comes to look again. The keep-alive's
beat looks, an update of the case looks first, and a close wipes the customer
data of every row of the ID: after a close it is nowhere, whichever row the
team looks at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.reservations import StorageReservations
from bot.storage import JsonFileStorage
from cases.columns import (
    ARENDE_ID,
    BESKRIVNING,
    CAB,
    HANTERAS_AV,
    KOMMENTAR,
    KUNDNUMMER,
    REGISTRERAT_AV,
    STATUS,
)
from cases.model import Case
from graph.errors import WipeNotVerified
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, closed, handed_over, registration
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import VirtualTime
from tests.graph.test_add_queue import steady
from tests.graph.test_faults import assert_whole
from tests.graph.test_sessions import Beats

MakeLedger = Callable[..., GraphLedger]

SECRET = "KUND-HEMLIG"
CUSTOMER = (KUNDNUMMER, CAB, BESKRIVNING, KOMMENTAR)


def rows_of(fake: FakeGraph, case_id: str) -> list[dict[str, object]]:
    return [r for r in fake.workbook.rows() if r[ARENDE_ID] == case_id]


def customer_cells(fake: FakeGraph) -> list[str]:
    return [str(r[h]) for r in fake.workbook.rows() for h in CUSTOMER if r[h] not in ("", None)]


async def repeated(fake: FakeGraph, ledger: GraphLedger) -> Case:
    """A registration answered 504 and repeated; the drain's one twin read is over."""
    fake.inject("rows.add", status=504, lands=1000)
    case = await ledger.add(registration(1, customer_number=SECRET))
    await ledger.list()
    return case


def person_types_in_late_row(fake: FakeGraph, header: str, text: str) -> None:
    """In Excel: the first request's row, below the repeat's (the table's last)."""
    wb = fake.workbook
    wb.t.sheet.cell(wb.t.last_row, wb.col(header)).type_in(text)


async def test_a_twin_landing_after_the_last_read_is_gone_before_a_claim_and_close(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """The reviewer's case: on main the close wiped one row; the other kept the data."""
    ledger = await steady(fake_graph, make_ledger)
    case = await repeated(fake_graph, ledger)
    await fake_graph.land_late()  # after the repeat and its twin read
    assert len(rows_of(fake_graph, case.case_id)) == 2
    taken = await ledger.update(case, claimed(case))
    assert [r[STATUS] for r in rows_of(fake_graph, case.case_id)] == ["Påbörjad"]
    done = await ledger.update(taken, closed(taken))
    assert [(r[STATUS], r[KUNDNUMMER]) for r in rows_of(fake_graph, case.case_id)] == [
        ("Hanterad", "")
    ]
    assert SECRET not in customer_cells(fake_graph)
    assert (await ledger.list())[1] == done
    assert_whole(fake_graph)


async def test_in_a_quiet_team_the_keep_alive_takes_the_twin_out(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    beats = Beats(vtime)
    ledger = await steady(fake_graph, lambda: make_ledger(beat=beats))
    case = await repeated(fake_graph, ledger)
    await fake_graph.land_late()
    await beats.run(60)  # one beat; nobody registers, nobody clicks
    assert len(rows_of(fake_graph, case.case_id)) == 1
    assert fake_graph.counts["rows.delete"] == 1
    assert_whole(fake_graph)
    fake_graph.reset_counts()
    await beats.run(60)  # settled: the beats read no table any more
    assert fake_graph.counts["table.range"] == 0
    assert fake_graph.max_in_flight == 1


async def test_a_beat_leaves_the_clean_up_to_a_busy_workbook(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = await steady(fake_graph, make_ledger)
    case = await repeated(fake_graph, ledger)
    await fake_graph.land_late()
    async with ledger._lock:  # a click at the workbook
        assert await ledger.keep_alive.beat() == "busy"
    assert len(rows_of(fake_graph, case.case_id)) == 2
    assert await ledger.keep_alive.beat() == "twins"
    assert len(rows_of(fake_graph, case.case_id)) == 1


@pytest.mark.parametrize("found_before", [False, True])
async def test_a_close_wipes_a_twin_both_changed_by_hand(
    fake_graph: FakeGraph,
    make_ledger: MakeLedger,
    caplog: pytest.LogCaptureFixture,
    found_before: bool,
) -> None:
    """Two rows someone changed are left for a person; the close wipes the customer data of
    both, and the twin keeps what the person put in its other cells.

    ``found_before``: a round of registrations found them (and forgot the ID, on main);
    else the close's own look finds them."""
    ledger = await steady(fake_graph, make_ledger)
    case = await repeated(fake_graph, ledger)
    taken = await ledger.update(case, claimed(case))  # the repeat's row
    taken = await ledger.update(taken, handed_over(taken, "Ring kunden"))
    await fake_graph.land_late()
    person_types_in_late_row(fake_graph, HANTERAS_AV, "xper")
    with caplog.at_level(logging.INFO):
        if found_before:
            await ledger.add(registration(2))
            await ledger.list()
        await ledger.update(taken, closed(taken))
    rows = rows_of(fake_graph, case.case_id)
    assert [(r[STATUS], r[HANTERAS_AV], r[REGISTRERAT_AV]) for r in rows] == [
        ("Hanterad", "xbo", "xanna"),
        ("Ny", "xper", "xanna"),  # the person's row: wiped, the rest as they left it
    ]
    assert [[r[h] for h in CUSTOMER] for r in rows] == [["", "", "", ""]] * 2
    assert fake_graph.counts["rows.delete"] == 0
    assert any("left for a person" in r.getMessage() for r in caplog.records)
    assert any("second row" in r.getMessage() for r in caplog.records)
    assert not any(SECRET in repr(r.__dict__) for r in caplog.records)


async def test_a_twin_wipe_that_does_not_take_is_told_as_the_wipe(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """Only the twin's cell keeps its data (the close's first PATCH, as if protected): the
    close stands, and the agent hears the wipe did not take. On main: told nothing."""
    ledger = await steady(fake_graph, make_ledger)
    case = await repeated(fake_graph, ledger)
    taken = await ledger.update(case, claimed(case))
    await fake_graph.land_late()
    person_types_in_late_row(fake_graph, HANTERAS_AV, "xper")
    stuck = fake_graph.workbook.stuck_columns
    patches: list[int] = []

    def twin_cell_stuck(_wb: object) -> None:
        patches.append(1)
        if len(patches) == 1:
            stuck.add(KUNDNUMMER)
        else:
            stuck.discard(KUNDNUMMER)

    fake_graph.before("range.patch", twin_cell_stuck, times=2)
    with pytest.raises(WipeNotVerified) as caught:
        await ledger.update(taken, closed(taken))
    assert "Kundnummer" in caught.value.message_en
    assert SECRET not in caught.value.message + caught.value.message_en
    rows = rows_of(fake_graph, case.case_id)
    assert [(r[STATUS], r[KUNDNUMMER]) for r in rows] == [("Hanterad", ""), ("Ny", SECRET)]


async def test_a_twin_landing_after_the_close_and_changed_by_hand_is_wiped_by_a_beat(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    """The close came first; the late row then lands, and someone edits it before the
    clean-up could delete it. The late-edit check reads the closed row only: the beat's
    clean-up, which sees every row of the ID, wipes it."""
    beats = Beats(vtime)
    ledger = await steady(fake_graph, lambda: make_ledger(beat=beats))
    case = await repeated(fake_graph, ledger)
    taken = await ledger.update(case, claimed(case))
    done = await ledger.update(taken, closed(taken))
    await fake_graph.land_late()
    person_types_in_late_row(fake_graph, HANTERAS_AV, "xper")
    assert SECRET in customer_cells(fake_graph)
    await beats.run(60)
    assert SECRET not in customer_cells(fake_graph)
    assert [r[STATUS] for r in rows_of(fake_graph, case.case_id)] == ["Hanterad", "Ny"]
    assert await ledger.get(case.case_id) == done


# -- with the cases' turns held in shared state (two instances) -------------------------


class Recorded(StorageReservations):
    """Each hold (name's last part, holder) and each give-back, in order."""

    def __init__(self, directory: Path) -> None:
        super().__init__(JsonFileStorage(directory))
        self.seen: list[tuple[str, str, str]] = []

    async def hold(self, name: str, holder: str, seconds: float) -> bool:
        self.seen.append(("hold", name.rsplit("/", 1)[-1], holder))
        return await super().hold(name, holder, seconds)

    async def release(self, name: str) -> None:
        self.seen.append(("give back", name.rsplit("/", 1)[-1], ""))
        await super().release(name)


async def test_an_update_looks_for_its_twins_and_then_takes_its_own_turn(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    """The clean-up holds the case (its spare row's) and gives it back before the update
    holds it: no instance waits for a turn while holding one."""
    ledger = make_ledger()
    ledger.use_reservations(turns := Recorded(tmp_path))
    await steady(fake_graph, lambda: ledger)
    case = await repeated(fake_graph, ledger)
    await fake_graph.land_late()
    turns.seen.clear()
    taken = await ledger.update(case, claimed(case))
    key = case.case_id
    [(_, _, clean_up), _, (_, _, update), _] = turns.seen
    assert turns.seen == [
        ("hold", key, clean_up),
        ("give back", key, ""),
        ("hold", key, update),
        ("give back", key, ""),
    ]
    assert clean_up != update
    await ledger.update(taken, closed(taken))
    assert [r[STATUS] for r in rows_of(fake_graph, case.case_id)] == ["Hanterad"]
    assert SECRET not in customer_cells(fake_graph)


async def test_a_close_made_on_another_instance_has_the_twin_wiped_by_a_beat(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime, tmp_path: Path
) -> None:
    """B knows nothing of A's repeat and wipes the row it knows; A's next beat finds the
    other row of a closed case, changed by hand, and wipes its customer cells."""
    beats = Beats(vtime)
    a, b = make_ledger(beat=beats), make_ledger()
    for ledger in (a, b):
        ledger.use_reservations(StorageReservations(JsonFileStorage(tmp_path)))
    await steady(fake_graph, lambda: a)
    case = await repeated(fake_graph, a)
    await fake_graph.land_late()
    person_types_in_late_row(fake_graph, HANTERAS_AV, "xper")
    taken = await b.update(case, claimed(case))
    await b.update(taken, closed(taken))
    assert SECRET in customer_cells(fake_graph)
    await beats.run(60)
    assert SECRET not in customer_cells(fake_graph)
    assert [r[STATUS] for r in rows_of(fake_graph, case.case_id)] == ["Hanterad", "Ny"]

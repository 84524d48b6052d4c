"""The twin clean-up with two instances: no claim another instance was told of is deleted.

Instance A's first write (the "_bot" mark and the template's blank row) is
answered 504 and lands late, after A wrote the case again below it: the case
is in two rows under one ID, and A takes its spare row out at the end of its
next turn (``graph.twins``). Instance B saw the repeat's row only. Each test
makes B act at one moment of A's clean-up, by a hook on the request or the
hold that starts that moment, so the race is there every time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.reservations import StorageReservations
from cases.columns import ARENDE_ID, HANTERAS_AV, STATE_SHEET, STATUS
from cases.model import Case
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import FakeGraph
from tests.graph.test_faults import assert_whole
from tests.graph.test_instances import Watched

MakeLedger = Callable[..., GraphLedger]


class HookedHolds(StorageReservations):
    """Instance A's reservations: ``on_hold`` runs (once) before A's first case hold."""

    on_hold: Callable[[], Any] | None = None

    async def hold(self, name: str, holder: str, seconds: float) -> bool:
        run, self.on_hold = self.on_hold, None
        if run is not None:
            await run()
        return await super().hold(name, holder, seconds)


async def twins_seen_by_b(
    fake: FakeGraph, make_ledger: MakeLedger, state: Path, taken: asyncio.Event
) -> tuple[GraphLedger, HookedHolds, GraphLedger, Case]:
    """A's case in the template's row (landed late) and in the repeat's row below it."""
    fake.workbook.add_sheet(STATE_SHEET)
    # Real time: B waits its turn as for Graph's own access conflicts.
    a, b = make_ledger(virtual=False), make_ledger(virtual=False)
    a_holds = HookedHolds(Watched(state, taken))
    a.use_reservations(a_holds)
    b.use_reservations(StorageReservations(Watched(state, taken)))
    await a.warm_up()
    fake.inject("$batch")  # the read
    fake.inject("$batch", status=504, lands=1000)  # the write: mark, template row; lands late
    case = await a.add(registration(1))
    await b.warm_up()  # B knows the case by the repeat's row
    await fake.land_late()
    assert [r[ARENDE_ID] for r in fake.workbook.rows()] == [case.case_id, case.case_id]
    return a, a_holds, b, case


def rows_of(fake: FakeGraph, case_id: str) -> list[tuple[str, str]]:
    return [(r[STATUS], r[HANTERAS_AV]) for r in fake.workbook.rows() if r[ARENDE_ID] == case_id]


@pytest.mark.parametrize("moment", ["before A deletes", "before A holds the case"])
async def test_a_claim_made_on_another_instance_during_the_clean_up_stands(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path, moment: str
) -> None:
    taken = asyncio.Event()
    a, a_holds, b, case = await twins_seen_by_b(fake_graph, make_ledger, tmp_path, taken)
    started: list[asyncio.Task[Case]] = []

    async def b_claims() -> None:
        if started:
            return  # once
        taken.clear()
        started.append(asyncio.ensure_future(b.update(case, claimed(case, by="xb"))))
        if moment == "before A holds the case":
            await started[0]
            return
        # Until B finds the case held, or (without holds) is done: then A deletes.
        waits = [started[0], asyncio.ensure_future(taken.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        waits[1].cancel()

    fake_graph.before("rows.delete", lambda _wb: b_claims())
    if moment == "before A holds the case":
        a_holds.on_hold = b_claims
    await a.add(registration(2))  # A's turn ends with the clean-up,
    await a.list()  # which the next call waits for
    b_was_told = await started[0]
    assert rows_of(fake_graph, case.case_id) == [("Påbörjad", b_was_told.handler)]
    assert await a.get(case.case_id) == b_was_told
    assert_whole(fake_graph)


async def test_the_clean_up_waits_for_an_update_of_a_case_its_delete_would_move(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    """B has read the row of a case below the spare and is about to write it: the delete
    would move that row up under B's write, onto the next case's row."""
    a, _, b, case = await twins_seen_by_b(fake_graph, make_ledger, tmp_path, asyncio.Event())
    below = await b.add(registration(2))  # B watches no twins: no clean-up on B
    cleaned: list[Case] = []

    async def a_cleans_up(_wb: object) -> None:
        cleaned.append(await a.add(registration(3)))  # A's turn ends with the clean-up,
        await a.list()  # which the next call waits for

    fake_graph.before("range.patch", a_cleans_up)  # B's write, after B's read of the row
    taken = await b.update(below, claimed(below, by="xb"))
    assert rows_of(fake_graph, below.case_id) == [("Påbörjad", taken.handler)]
    assert rows_of(fake_graph, cleaned[0].case_id) == [("Ny", "")]
    await a.add(registration(4))  # B is done: now the spare row goes
    await a.list()
    assert len(rows_of(fake_graph, case.case_id)) == 1
    assert_whole(fake_graph)

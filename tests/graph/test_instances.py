"""Two bot instances on one workbook: each with its own Graph session, sharing the bot state.

Each test holds the first write until the other instance has read too (or,
for an update, found the case held), so the race is there every time, not by
timing. The instances share their reservations as the bot does: the state
folder here, Azure Blob storage in Azure (tests/bot/test_instances_e2e.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.reservations import StorageReservations
from bot.storage import CREATE_ONLY, JsonFileStorage, StorageConflict
from cases.columns import ARENDE_ID, HANTERAS_AV, KUNDNUMMER, STATE_SHEET
from cases.ledger import Conflict
from cases.model import Case
from graph.errors import GraphUnavailable
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import DRIVE_ID, ITEM_ID, FakeGraph
from tests.graph.test_faults import assert_whole, ids_in

MakeLedger = Callable[..., GraphLedger]


class Watched(JsonFileStorage):
    """The state folder, telling the test when a write finds its key taken."""

    def __init__(self, directory: Path, taken: asyncio.Event) -> None:
        super().__init__(directory)
        self.taken = taken

    async def write(self, changes: Any) -> None:
        try:
            await super().write(changes)
        except StorageConflict:
            self.taken.set()
            raise


def instances(
    make_ledger: MakeLedger, state: Path, taken: asyncio.Event | None = None, **options: Any
) -> tuple[GraphLedger, GraphLedger]:
    """Two ledgers on the fake's workbook (two sessions), reserving in one state folder."""
    pair = make_ledger(**options), make_ledger(**options)
    for ledger in pair:
        ledger.use_reservations(StorageReservations(Watched(state, taken or asyncio.Event())))
    return pair


def both_read_before_either_writes(
    fake: FakeGraph,
    first_write: str,
    read: str = "table.lastRow",
    taken: asyncio.Event | None = None,
) -> None:
    """Hold the first ``first_write`` request until both instances have made their ``read``,
    or until one found what it needs taken (``taken``), so it cannot read yet."""
    reads = 0
    both = asyncio.Event()

    def count(_wb: object) -> None:
        nonlocal reads
        reads += 1
        if reads == 2:
            both.set()

    async def hold(_wb: object) -> None:
        waits = [asyncio.ensure_future(e.wait()) for e in (both, taken) if e is not None]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()

    fake.before(read, count, times=2)
    fake.before(first_write, hold)


def rows_by_customer(fake: FakeGraph) -> dict[str, str]:
    return {str(r[KUNDNUMMER]): r[ARENDE_ID] for r in fake.workbook.rows() if r[ARENDE_ID]}


async def test_two_instances_that_read_the_same_mark_issue_different_ids(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    one, other = instances(make_ledger, tmp_path / "state")
    await one.add(registration(0))  # the blank row filled, the "_bot" sheet made
    await other.warm_up()
    both_read_before_either_writes(fake_graph, "range.patch")  # the mark, first in each write
    a, b = await asyncio.gather(one.add(registration(1)), other.add(registration(2)))
    assert a.case_id != b.case_id
    assert sorted(ids_in(fake_graph)) == ["SA-000001", "SA-000002", "SA-000003"]
    assert rows_by_customer(fake_graph) == {
        "1000000": "SA-000001",
        "1000001": a.case_id,
        "1000002": b.case_id,
    }
    assert fake_graph.workbook.sheets[STATE_SHEET].peek(1, 2).value in (2, 3)
    assert_whole(fake_graph)


async def test_only_one_instance_fills_the_templates_blank_row(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    fake_graph.workbook.add_sheet(STATE_SHEET)  # made before: each write starts with the mark
    one, other = instances(make_ledger, tmp_path / "state")
    await asyncio.gather(one.warm_up(), other.warm_up())
    both_read_before_either_writes(fake_graph, "range.patch")
    a, b = await asyncio.gather(one.add(registration(1)), other.add(registration(2)))
    # Both saw the blank row; the one that reserved it filled it, the other added a row.
    assert rows_by_customer(fake_graph) == {"1000001": a.case_id, "1000002": b.case_id}
    assert len(fake_graph.workbook.rows()) == 2 and a.case_id != b.case_id
    assert (fake_graph.counts["rows.add"], fake_graph.counts["range.patch"]) == (1, 3)
    assert_whole(fake_graph)


async def test_the_instance_that_loses_making_the_bot_sheet_writes_all_the_same(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    one, other = instances(make_ledger, tmp_path / "state")
    await asyncio.gather(one.warm_up(), other.warm_up())
    both_read_before_either_writes(fake_graph, "worksheets.add")
    a, b = await asyncio.gather(one.add(registration(1)), other.add(registration(2)))
    assert rows_by_customer(fake_graph) == {"1000001": a.case_id, "1000002": b.case_id}
    assert fake_graph.counts["worksheets.add"] == 2  # the second refused: itemAlreadyExists
    assert list(fake_graph.workbook.sheets).count(STATE_SHEET) == 1
    assert_whole(fake_graph)


async def test_an_id_another_instance_reserved_is_skipped_even_before_it_is_written(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    one, _ = instances(make_ledger, tmp_path / "state")
    await one.add(registration(0))
    # Another instance has reserved SA-000002 and not written its row yet: the
    # workbook's mark and table still say 1.
    taken = f"reserved/{DRIVE_ID}/{ITEM_ID}/SA-000002"
    await JsonFileStorage(tmp_path / "state").write({taken: {"e_tag": CREATE_ONLY}})
    case = await one.add(registration(1))
    assert case.case_id == "SA-000003"
    assert fake_graph.workbook.sheets[STATE_SHEET].peek(1, 2).value == 3


async def test_of_two_instances_claiming_one_case_at_once_one_wins_and_the_other_is_told(
    fake_graph: FakeGraph, make_ledger: MakeLedger, tmp_path: Path
) -> None:
    taken = asyncio.Event()
    # Real time: the loser waits its turn as for Graph's own access conflicts.
    one, other = instances(make_ledger, tmp_path / "state", taken, virtual=False)
    case = await one.add(registration(1))
    await other.warm_up()
    fake_graph.reset_counts()
    both_read_before_either_writes(fake_graph, "range.patch", read="range.get", taken=taken)
    outcomes = await asyncio.gather(
        one.update(case, claimed(case, by="xa")),
        other.update(case, claimed(case, by="xb")),
        return_exceptions=True,
    )
    (won,) = [o for o in outcomes if isinstance(o, Case)]
    (lost,) = [o for o in outcomes if not isinstance(o, Case)]
    (row,) = fake_graph.workbook.rows()
    assert row[HANTERAS_AV] == won.handler  # the winner's write stands
    # The loser read the row after the winner wrote it, or gave up waiting:
    # either way it was told the truth, and wrote nothing.
    assert isinstance(lost, Conflict | GraphUnavailable), lost
    if isinstance(lost, Conflict):
        assert lost.who == won.handler
    assert fake_graph.counts["range.patch"] == 1

"""Two bot instances on one workbook: each with its own Graph session, sharing the bot state.

Each test makes both instances read before either writes (the fake holds the
first write until both reads are in), so the race is there every time, not
by timing. The instances share their reservations as the bot does: the state
folder here, Azure Blob storage in Azure (tests/bot/test_instances_e2e.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.id_reservations import StorageReservations
from bot.storage import CREATE_ONLY, JsonFileStorage
from cases.columns import ARENDE_ID, KUNDNUMMER, STATE_SHEET
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import registration
from tests.fakes.graph import DRIVE_ID, ITEM_ID, FakeGraph
from tests.graph.test_faults import assert_whole, ids_in

MakeLedger = Callable[..., GraphLedger]


def instances(make_ledger: MakeLedger, state: Path) -> tuple[GraphLedger, GraphLedger]:
    """Two ledgers on the fake's workbook (two sessions), reserving in one state folder."""
    pair = make_ledger(), make_ledger()
    for ledger in pair:
        ledger.use_reservations(StorageReservations(JsonFileStorage(state)))
    return pair


def both_read_before_either_writes(fake: FakeGraph, first_write: str) -> None:
    """Hold the first ``first_write`` request until both instances have read the last row."""
    reads = 0
    both = asyncio.Event()

    def read(_wb: object) -> None:
        nonlocal reads
        reads += 1
        if reads == 2:
            both.set()

    fake.before("table.lastRow", read, times=2)
    fake.before(first_write, lambda _wb: both.wait())


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
    assert [name for name in fake_graph.workbook.sheets].count(STATE_SHEET) == 1
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

"""The bot's "_bot" sheet stays "very hidden": its ID mark is not there to be edited by hand.

The sheet is made and hidden by the first registration's write. Whatever
becomes of the hide (refused, not carried out, or undone by a person), the
next registration's read sees the sheet's visibility and hides it again, at
no extra request; a registration never fails for it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cases.columns import STATE_SHEET
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import registration
from tests.fakes.graph import FakeGraph
from tests.graph.test_faults import ids_in

MakeLedger = Callable[..., GraphLedger]


def visibility(fake: FakeGraph) -> str:
    return fake.workbook.sheets[STATE_SHEET].visibility


@pytest.mark.parametrize("status", [503, 403])
async def test_a_hide_that_failed_is_done_by_the_next_registration(
    fake_graph: FakeGraph, make_ledger: MakeLedger, status: int
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    fake_graph.inject("worksheet.patch", status=status)  # the hide, in the first write
    first = await ledger.add(registration(1))
    assert fake_graph.counts["worksheet.patch"] == 1
    second = await ledger.add(registration(2))
    assert visibility(fake_graph) == "VeryHidden"
    assert ids_in(fake_graph) == [first.case_id, second.case_id]
    assert fake_graph.workbook.sheets[STATE_SHEET].peek(1, 2).value == 2


async def test_a_sheet_a_person_made_visible_is_hidden_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    await ledger.add(registration(1))
    assert visibility(fake_graph) == "VeryHidden"
    fake_graph.workbook.sheets[STATE_SHEET].visibility = "Visible"  # Unhide, in Excel
    fake_graph.reset_counts()
    await ledger.add(registration(2))
    assert visibility(fake_graph) == "VeryHidden"
    assert fake_graph.http == {"$batch": 2}  # still one read and one write
    fake_graph.reset_counts()
    await ledger.add(registration(3))
    assert fake_graph.counts["worksheet.patch"] == 0  # hidden: nothing more to do

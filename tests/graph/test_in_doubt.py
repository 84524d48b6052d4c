"""A write sent whose answer never came stays in doubt, whatever ends the call after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cases.columns import STATUS
from cases.ledger import LedgerUnavailable
from graph.errors import WriteUnconfirmed
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import FakeGraph
from tests.graph.test_faults import ids_in

MakeLedger = Callable[..., GraphLedger]


async def test_a_lost_answer_stays_in_doubt_when_the_check_is_refused(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """Not "nothing was saved" for a write that may have taken (it did here)."""
    ledger = make_ledger(deadline=1.0)
    case = await ledger.add(registration(1))
    fake_graph.inject("rows.add", status=504, process=True)
    fake_graph.inject("table.range", status=503, times=1000)  # the check read
    with pytest.raises(WriteUnconfirmed) as caught:
        await ledger.add(registration(2))
    assert caught.value.case_id == "SA-000002" == ids_in(fake_graph)[-1]

    fake_graph.clear_faults()
    fake_graph.inject("range.patch", status=504, process=True)
    fake_graph.before(
        "range.patch", lambda _wb: fake_graph.inject("$batch", status=503, times=1000)
    )
    with pytest.raises(LedgerUnavailable) as caught_update:
        await ledger.update(case, claimed(case))
    assert isinstance(caught_update.value, WriteUnconfirmed)
    assert fake_graph.workbook.cell_of(case.case_id, STATUS).value == "Påbörjad"

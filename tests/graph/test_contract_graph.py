"""The Ledger contract, unchanged, against the Graph Ledger: msgraph-sdk, fake Graph, HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cases.ledger import Ledger
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import LedgerContract
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import FixedToken


class TestGraphLedger(LedgerContract):
    @pytest.fixture
    async def ledger(
        self, fake_graph: FakeGraph, make_ledger: Callable[..., GraphLedger]
    ) -> Ledger:
        ledger = make_ledger()
        self.fake = fake_graph
        self.make = make_ledger
        return ledger

    async def reopen(self, ledger: Ledger) -> Ledger:
        assert isinstance(ledger, GraphLedger)
        # A second process: its own client, session and caches, the same workbook.
        return self.make(credential=FixedToken())

    async def delete_row_by_hand(self, ledger: Ledger, case_id: str) -> None:
        self.fake.workbook.person_deletes_row(case_id)

"""Issue 12: a workbook from before the count and kinds gets their columns at the first
registration that has them, and a close keeps them (they are not customer data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cases.columns import ANTAL_ANDRINGAR, HEADERS, KUNDTYP, TYP_AV_ANDRING
from cases.model import NewCase
from cases.triage import ChangeKind, CustomerKind
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import T0, claimed, closed, registration
from tests.fakes.graph_workbook import Workbook

MakeLedger = Callable[..., GraphLedger]
NEW_COLUMNS = (ANTAL_ANDRINGAR, TYP_AV_ANDRING, KUNDTYP)
BEFORE = tuple(h for h in HEADERS if h not in NEW_COLUMNS)  # the eleven columns of before


async def test_an_old_table_gets_the_columns_and_keeps_its_rows_readable(
    make_ledger: MakeLedger, other_fake: Callable[..., Any]
) -> None:
    wb = Workbook(BEFORE)
    ledger = make_ledger(fake=await other_fake(wb))
    old = await ledger.add(registration(1))  # before: no count to write, no column yet
    assert not set(NEW_COLUMNS) & set(wb.headers())
    new = NewCase(
        "5012345", "9876543", "16 flyttar", "xanna", T0,
        change_count=16, change_kind=ChangeKind.MOVE, customer_kind=CustomerKind.FORVALTARE,
    )  # fmt: skip
    case = await ledger.add(new)
    assert wb.headers() == [*BEFORE, *NEW_COLUMNS]
    row = {r["Ärende-ID"]: r for r in wb.rows()}[case.case_id]
    assert [str(row[h]) for h in NEW_COLUMNS] == ["16", "flytt", "förvaltare"]
    assert (await ledger.get(old.case_id)).change_count is None

    case = await ledger.update(case, claimed(case))
    await ledger.update(case, closed(case))
    row = {r["Ärende-ID"]: r for r in wb.rows()}[case.case_id]
    assert row["Kundnummer"] in (None, "") and row["Status"] == "Hanterad"
    assert [str(row[h]) for h in NEW_COLUMNS] == ["16", "flytt", "förvaltare"]

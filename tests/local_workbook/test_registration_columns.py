"""Issue 12 on the local store: the template and the converter carry the count and kinds,
and a workbook from before gets them at its next write, with its rows kept readable."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cases.columns import ANTAL_ANDRINGAR, HEADERS, KUNDTYP, TYP_AV_ANDRING, case_to_cells
from cases.model import NewCase
from cases.triage import ChangeKind, CustomerKind
from local_workbook import template
from local_workbook.convert import convert
from local_workbook.ledger import LocalWorkbookLedger
from tests.contract.ledger_contract import T0, claimed, closed
from tests.local_workbook.test_ledger import (
    col_of,
    find_table,
    make_workbook,
    row_of,
    table_headers,
)

NEW_COLUMNS = [ANTAL_ANDRINGAR, TYP_AV_ANDRING, KUNDTYP]
BEFORE = [h for h in HEADERS if h not in NEW_COLUMNS]  # the eleven columns of before


def sixteen() -> NewCase:
    return NewCase(
        "5012345", "9876543", "16 fakturaadresser", "xanna", T0, change_count=16,
        change_kind=ChangeKind.INVOICE, customer_kind=CustomerKind.BOSTADSRATTSFORENING,
    )  # fmt: skip


def test_the_template_has_the_columns_after_overlamnad(tmp_path: Path) -> None:
    path = template.create_workbook(tmp_path / "ny.xlsx")
    headers = table_headers(path)
    assert headers[headers.index("Överlämnad") + 1 :] == NEW_COLUMNS
    ws, _ = find_table(load_workbook(path))
    assert all(ws.cell(2, headers.index(h) + 1).number_format == "@" for h in NEW_COLUMNS)


def test_the_converter_adds_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    make_workbook(path, [*BEFORE[:7], "Team-anteckning"], [["1", "2", "x", "xa", "Ny", "", ""]])
    report = convert(path)
    assert report.appended_columns[-3:] == NEW_COLUMNS
    assert table_headers(path)[-3:] == NEW_COLUMNS


async def test_an_old_workbook_gets_the_columns_and_a_close_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "gammal.xlsx"
    make_workbook(path, BEFORE)
    ledger = LocalWorkbookLedger(path)
    case = await ledger.add(sixteen())
    assert table_headers(path) == [*BEFORE, *NEW_COLUMNS]
    case = await ledger.update(case, claimed(case))
    case = await ledger.update(case, closed(case))

    ws, table = find_table(load_workbook(path))
    row = row_of(ws, table, case.case_id)
    cells = {h: ws.cell(row, col_of(ws, table, h)).value for h in HEADERS}
    assert cells["Kundnummer"] is None and cells["Status"] == "Hanterad"
    assert [cells[h] for h in NEW_COLUMNS] == ["16", "faktura", "bostadsrättsförening"]
    assert [case_to_cells(case)[h] for h in NEW_COLUMNS] == [
        "16",
        "faktura",
        "bostadsrättsförening",
    ]

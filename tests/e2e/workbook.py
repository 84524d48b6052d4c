"""The workbook as a person opening it in Excel reads it: plain openpyxl, not the bot's Ledger."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

SHEET = "Stora ärenden"
ID_HEADER = "Ärende-ID"


def rows(path: Path) -> list[dict[str, str]]:
    """Every case row, header text to cell text ("" for an empty cell)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        values = list(wb[SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    header_at = next(i for i, row in enumerate(values) if ID_HEADER in row)
    headers = [str(h) if h is not None else "" for h in values[header_at]]
    found = []
    for row in values[header_at + 1 :]:
        cells = {h: "" if v is None else str(v) for h, v in zip(headers, row, strict=False) if h}
        if cells.get(ID_HEADER):
            found.append(cells)
    return found


def row(path: Path, case_id: str) -> dict[str, str]:
    matching = [r for r in rows(path) if r[ID_HEADER] == case_id]
    assert len(matching) == 1, f"{case_id}: {len(matching)} rows in the workbook"
    return matching[0]

"""The workbook as a person opening it would see it, and what every row must be.

A row the bot touched is a whole case or untouched: an Ärende-ID, a status of
the lifecycle, each field the status needs, in the one spelling validation
stores, no cell Excel would run as a formula, and no customer data once the
case is closed. One click changes at most one row.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl.utils import column_index_from_string

from cases import validation
from cases.columns import (
    ARENDE_ID,
    FORMULA_TRIGGERS,
    SHEET_NAME,
    UnreadableRow,
    case_from_cells,
    case_id_number,
    map_headers,
)
from cases.model import CUSTOMER_FIELDS, Case, Status

Row = tuple[object, ...]


class Snapshot:
    """The workbook file as it was, read into rows only when a click changed it."""

    def __init__(self, key: tuple[int, int, int], data: bytes) -> None:
        self.key = key
        self._data = data
        self._rows: tuple[Row, ...] | None = None

    @property
    def rows(self) -> tuple[Row, ...]:
        if self._rows is None:
            self._rows = _rows(self._data) if self._data else ()
        return self._rows


def file_key(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (0, 0, 0)
    return _key(st)


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def snapshot(path: Path) -> Snapshot:
    try:
        # The ledger saves by renaming a new file into place: one open file is one version.
        with open(path, "rb") as fh:
            return Snapshot(_key(os.fstat(fh.fileno())), fh.read())
    except FileNotFoundError:
        return Snapshot((0, 0, 0), b"")


def _rows(data: bytes) -> tuple[Row, ...]:
    """The sheet's rows of cell values, read from the .xlsx's XML itself.

    Not through openpyxl, which the ledger writes with: a reader of its own
    sees the file as Excel would. No formula anywhere, and text Excel would
    run as one keeps its apostrophe (the style's quotePrefix).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        strings = _shared_strings(package)
        quoted = _quoted_styles(package)
        sheet = etree.fromstring(package.read(_sheet_path(package, SHEET_NAME)))
    rows: dict[int, dict[int, object]] = {}
    for cell in sheet.iter(f"{{{_MAIN}}}c"):
        ref = cell.get("r", "")
        letters = ref.rstrip("0123456789")
        row, col = int(ref[len(letters) :]), column_index_from_string(letters) - 1
        where = f"row {row}, {letters}"
        assert cell.find(f"{{{_MAIN}}}f") is None, f"{where}: a formula"
        value = _value(cell, strings)
        if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            assert int(cell.get("s", "0")) in quoted, (
                f"{where}: formula-like text without quotePrefix"
            )
        rows.setdefault(row, {})[col] = value
    width = max((max(cells) + 1 for cells in rows.values() if cells), default=0)
    return tuple(
        tuple(rows.get(r, {}).get(c) for c in range(width))
        for r in range(1, max(rows, default=0) + 1)
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_path(package: zipfile.ZipFile, name: str) -> str:
    workbook = etree.fromstring(package.read("xl/workbook.xml"))
    rel_id = next(
        s.get(f"{{{_REL}}}id") for s in workbook.iter(f"{{{_MAIN}}}sheet") if s.get("name") == name
    )
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    target = next(
        r.get("Target")
        for r in rels.iter(f"{{{_PACKAGE_REL}}}Relationship")
        if r.get("Id") == rel_id
    )
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _shared_strings(package: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in package.namelist():
        return []
    table = etree.fromstring(package.read("xl/sharedStrings.xml"))
    return [
        "".join(t.text or "" for t in si.iter(f"{{{_MAIN}}}t"))
        for si in table.iter(f"{{{_MAIN}}}si")
    ]


def _quoted_styles(package: zipfile.ZipFile) -> set[int]:
    styles = etree.fromstring(package.read("xl/styles.xml"))
    cell_xfs = styles.find(f"{{{_MAIN}}}cellXfs")
    xfs = [] if cell_xfs is None else cell_xfs.findall(f"{{{_MAIN}}}xf")
    return {i for i, xf in enumerate(xfs) if xf.get("quotePrefix") in ("1", "true")}


def _value(cell: etree._Element, strings: list[str]) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{_MAIN}}}t"))
    v = cell.find(f"{{{_MAIN}}}v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        return strings[int(v.text)]
    if kind in ("str", "e"):
        return v.text
    if kind == "b":
        return v.text == "1"
    number = float(v.text)
    return int(number) if number.is_integer() else number


def check(before: Snapshot, after: Snapshot) -> str | None:
    """Every row is a whole valid case; at most one row differs from ``before``.

    Returns the Ärende-ID written (added or changed), or None when nothing changed.
    """
    assert after.rows, "the workbook has no header row"
    header = after.rows[0]
    assert before.rows[:1] in ((), (header,)) or _grown_header(before.rows[0], header), (
        "the header row changed"
    )
    positions = map_headers(header)
    changed: list[str] = []
    for index, row in enumerate(after.rows[1:], start=1):
        old = before.rows[index] if index < len(before.rows) else None
        if not any(value not in (None, "") for value in row):
            assert old is None or not any(v not in (None, "") for v in old), (
                f"row {index + 1} was emptied"
            )
            continue
        case = _case(row, positions, index + 1)
        if old is None or _padded(old, len(row)) != row:
            changed.append(case.case_id)
    assert len(set(changed)) <= 1, f"one click changed several rows: {changed}"
    assert len(after.rows) >= len(before.rows), "a row disappeared"
    return changed[0] if changed else None


def _grown_header(old: Row, new: Row) -> bool:
    return new[: len(old)] == old


def _padded(row: Row, width: int) -> Row:
    return row + (None,) * (width - len(row))


def _case(row: Row, positions: dict[str, int], number: int) -> Case:
    cells = {name: row[pos] if pos < len(row) else None for name, pos in positions.items()}
    assert case_id_number(cells.get(ARENDE_ID)) is not None, f"row {number}: no Ärende-ID"
    try:
        case = case_from_cells(cells)
    except UnreadableRow as unreadable:
        raise AssertionError(f"row {number}: {unreadable.header} unreadable") from None
    where = f"row {number} ({case.case_id}, {case.status})"
    assert case.status in set(Status), where
    assert validation.signature(case.registered_by) == case.registered_by, f"{where}: registered by"
    assert case.changed_at >= case.registered_at, f"{where}: changed before registered"
    for name in ("description", "comment"):
        text = getattr(case, name)
        assert validation.clean_text(text) == text, f"{where}: {name} not as validation stores it"
    if case.status is Status.HANTERAD:
        assert not case.has_customer_data, f"{where}: closed with customer data"
        assert not any(getattr(case, name) for name in CUSTOMER_FIELDS), where
        assert case.handler and case.handed_over_at is None, where
        return case
    assert validation.customer_number(case.customer_number) == case.customer_number, (
        f"{where}: Kundnummer"
    )
    assert validation.cab_number(case.cab_number) == case.cab_number, f"{where}: CAB"
    assert 0 < len(case.description) <= validation.DESCRIPTION_MAX, f"{where}: description"
    assert len(case.comment) <= validation.COMMENT_MAX, f"{where}: comment"
    if case.status is Status.NY:
        assert not case.handler and not case.comment and case.handed_over_at is None, where
    else:
        assert validation.signature(case.handler) == case.handler, f"{where}: handler"
        if case.handed_over_at is not None:
            assert case.comment, f"{where}: handed over without a note"
    return case

"""The table StoraArenden as Graph shows it: addresses, header layout, cell values.

Pure functions and small value types, no requests: ``graph.ledger`` decides
what to read and write, this module says where the cells are and what to send.
Header matching, IDs and value conversion come from ``cases.columns``, shared
with the local workbook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from cases.columns import (
    ARENDE_ID,
    UnreadableRow,
    case_id_number,
    id_key,
    map_headers,
)
from cases.model import Case

log = logging.getLogger(__name__)

TEXT_FORMAT = "@"


@dataclass(frozen=True)
class Address:
    """A rectangle on one sheet; rows and columns 1-based, as Excel counts."""

    sheet: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def cells(self) -> str:
        """The address without the sheet, e.g. ``B7:K7``: what ``range(address=...)`` takes."""
        first = f"{get_column_letter(self.min_col)}{self.min_row}"
        last = f"{get_column_letter(self.max_col)}{self.max_row}"
        return first if first == last else f"{first}:{last}"


def parse_address(text: str) -> Address:
    """``'Stora ärenden'!A1:K57`` (Graph's form: sheet quoted when it has spaces)."""
    sheet, _, cells = text.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    min_col, min_row, max_col, max_row = range_boundaries(cells)
    if None in (min_col, min_row, max_col, max_row):
        raise ValueError("not a rectangular address")
    return Address(sheet, min_col, min_row, max_col, max_row)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Layout:
    """Where the table's header row is, and which known header sits in which column."""

    sheet: str
    first_col: int
    header_row: int
    headers: tuple[Any, ...]  # every header cell, the team's own columns too
    columns: Mapping[str, int] = field(compare=False)  # known header -> offset from first_col

    @classmethod
    def from_header_range(cls, address: str, values: Sequence[Sequence[Any]]) -> Layout:
        where = parse_address(address)
        headers = tuple(values[0]) if values else ()
        columns = map_headers(headers)  # raises WorkbookLayoutError for a missing column
        return cls(where.sheet, where.min_col, where.min_row, headers, columns)

    @property
    def width(self) -> int:
        return len(self.headers)

    def row_address(self, row: int, first: int = 0, last: int | None = None) -> Address:
        """Row ``row`` (absolute), columns ``first``..``last`` as offsets in the table."""
        last = self.width - 1 if last is None else last
        return Address(self.sheet, self.first_col + first, row, self.first_col + last, row)

    def known_cells(self, values: Sequence[Any]) -> dict[str, Any]:
        return {
            header: values[offset]
            for header, offset in self.columns.items()
            if offset < len(values)
        }

    def row_values(self, cells: Mapping[str, Any]) -> list[Any]:
        """A whole table row for ``rows/add``: the known cells, ``None`` (untouched) elsewhere."""
        row: list[Any] = [None] * self.width
        for header, value in cells.items():
            row[self.columns[header]] = value
        return row

    def span(self, headers: Sequence[str]) -> tuple[int, int]:
        offsets = [self.columns[h] for h in headers]
        return min(offsets), max(offsets)


def encode_text(text: str, number_format: Any) -> str:
    """What to send as a cell's value so that Excel stores exactly ``text``, as text.

    Graph's ``values`` are taken as if typed: ``=1+1`` becomes a formula,
    ``0012345`` the number 12345. Excel's own escape is a leading apostrophe
    (the cell's quote prefix, not part of its value), which also keeps a
    text's own first apostrophe. A cell formatted as Text (``@``, as in the
    bot's template) takes what is typed verbatim, so it gets the text as it
    is. ``graph.writes`` checks Graph's answer and writes a cell once more the
    other way should it come back otherwise. An empty string clears the value
    and keeps the format.
    """
    if not text:
        return ""
    if number_format == TEXT_FORMAT:
        return text
    return "'" + text


def read_back(value: Any) -> str:
    """A value in Graph's answer, as the text it holds ("" for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def whole_number(value: Any) -> int:
    """A cell read as a count (the "_bot" sheet's high-water mark); 0 for anything else."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(str(value).strip().lstrip("'"))
    except ValueError:
        return 0


def is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or v == "" for v in values)


@dataclass
class Snapshot:
    """The whole table as one read showed it: layout, where each case is, the cases."""

    layout: Layout
    rows: dict[str, int]  # id key -> absolute row (the first, for an ID copied by hand)
    cases: list[Case]
    highest_number: int

    def case(self, case_id: str) -> Case | None:
        key = id_key(case_id)
        return next((c for c in self.cases if id_key(c.case_id) == key), None)

    @classmethod
    def from_table_range(
        cls,
        address: str,
        values: Sequence[Sequence[Any]],
        parse: Callable[[Layout], Callable[[Sequence[Any]], Case]],
    ) -> Snapshot:
        """``parse(layout)``: what turns a row into its case (``graph.parsed_rows``)."""
        where = parse_address(address)
        layout = Layout.from_header_range(address, values[:1])
        case_of = parse(layout)
        rows: dict[str, int] = {}
        cases: list[Case] = []
        highest = 0
        id_offset = layout.columns.get(ARENDE_ID)
        for number, row in enumerate(values[1:], start=where.min_row + 1):
            if id_offset is None:
                continue
            key = id_key(row[id_offset])
            if not key:
                continue
            highest = max(highest, case_id_number(key) or 0)
            if key in rows:
                log.warning("%s is in more than one row; the first one is used", key)
                continue
            rows[key] = number
            try:
                cases.append(case_of(row))
            except UnreadableRow as problem:
                # Names the case and column only: the value may be customer data.
                log.warning("Skipping %s: column %r unreadable", problem.case_id, problem.header)
        return cls(layout, rows, cases, highest)

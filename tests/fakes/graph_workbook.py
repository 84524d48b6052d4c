"""The workbook behind the fake Graph: sheets of cells, one table, Excel's typing rules.

Strict where a lenient fake would hide bugs: a value sent through Graph is
taken as if a person typed it, the way Excel does (``=1+1`` becomes a formula,
``0012345`` the number 12345, a leading apostrophe makes text), except in a
cell formatted as Text (``@``), which keeps what is typed verbatim, the
apostrophe too. ``None`` leaves a cell as it is.

Sources: values written through the API are read as Excel reads what is typed
(learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-ranges-set-get-values:
values "starting with =" are taken as formulas; the Graph range-update page
says no more than "values", so the stricter reading, Excel's, is the fake's);
``null`` leaves a cell and ``""`` clears it (excel-add-ins-blank-null-values);
a table grows with its formats when rows are added (tablerowcollection-add).
Numbers, booleans and ISO dates turning into Excel's own types is Excel's
behaviour for typed text; Microsoft does not spell it out for Graph: the
stricter choice, since it is what would turn ``0012345`` into 12345.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from cases.columns import ARENDE_ID, HEADERS, SHEET_NAME, TABLE_NAME, id_key, normalise_header

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_EPOCH = date(1899, 12, 30)


@dataclass
class Cell:
    value: Any = ""
    formula: str | None = None
    number_format: str = "General"

    def type_in(self, raw: Any) -> None:
        """Excel's reading of a value typed (or sent through Graph's ``values``)."""
        if raw is None:
            return
        self.formula = None
        if isinstance(raw, bool | int | float):
            self.value = raw
            return
        text = str(raw)
        if text == "" or self.number_format == "@":
            self.value = text
        elif text.startswith("'"):
            self.value = text[1:]
        elif text.startswith(("=", "@")) or (text[0] in "+-" and not _NUMBER.fullmatch(text)):
            self.formula = "=" + text.lstrip("=@")
            self.value = "#NAME?"
        elif _NUMBER.fullmatch(text):
            number = float(text.replace(",", "."))
            self.value = int(number) if number.is_integer() else number
        elif text.upper() in ("TRUE", "FALSE"):
            self.value = text.upper() == "TRUE"
        elif match := _DATE.fullmatch(text):
            self.value = (date(*map(int, match.groups())) - _EPOCH).days
        else:
            self.value = text

    @property
    def value_type(self) -> str:
        if self.value == "" or self.value is None:
            return "Empty"
        if isinstance(self.value, bool):
            return "Boolean"
        if isinstance(self.value, int | float):
            return "Double"
        if isinstance(self.value, str) and self.value.startswith("#"):
            return "Error"
        return "String"


@dataclass
class Sheet:
    name: str
    id: str
    visibility: str = "Visible"
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.setdefault((row, col), Cell())

    def peek(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col)) or Cell()

    def quoted(self) -> str:
        return f"'{self.name}'" if re.search(r"[^A-Za-z0-9_]", self.name) else self.name


@dataclass
class Table:
    name: str
    sheet: Sheet
    first_col: int
    header_row: int
    last_col: int
    last_row: int
    id: str = "{00000000-0001-0000-0000-000000000001}"


class Workbook:
    """One .xlsx as Excel for the web holds it while people and the bot edit it."""

    def __init__(
        self,
        headers: Sequence[str] | None = HEADERS,
        *,
        number_format: str = "General",
        first_col: int = 1,
        header_row: int = 1,
        with_table: bool = True,
    ) -> None:
        self.sheets: dict[str, Sheet] = {}
        # Columns whose cells ignore what Graph sends (as if protected): a wipe that does not take.
        self.stuck_columns: set[str] = set()
        main = self.add_sheet(SHEET_NAME)
        self.table: Table | None = None
        headers = list(headers or [])
        for offset, header in enumerate(headers):
            main.cell(header_row, first_col + offset).value = header
            # One empty data row, as Excel tables (and the bot's template) always have.
            main.cell(header_row + 1, first_col + offset).number_format = number_format
        if with_table:
            self.table = Table(
                TABLE_NAME,
                main,
                first_col,
                header_row,
                first_col + len(headers) - 1,
                header_row + 1,
            )

    def add_sheet(self, name: str) -> Sheet:
        sheet = Sheet(name, f"{{{len(self.sheets) + 1:08d}-0000-0000-0000-000000000000}}")
        self.sheets[name] = sheet
        return sheet

    def sheet(self, key: str) -> Sheet | None:
        return self.sheets.get(key) or next((s for s in self.sheets.values() if s.id == key), None)

    # -- the table as a person sees it ----------------------------------------------

    @property
    def t(self) -> Table:
        assert self.table is not None, "the workbook has no table"
        return self.table

    def headers(self) -> list[Any]:
        t = self.t
        return [t.sheet.peek(t.header_row, c).value for c in range(t.first_col, t.last_col + 1)]

    def col(self, header: str) -> int:
        for offset, text in enumerate(self.headers()):
            if normalise_header(text) == normalise_header(header):
                return self.t.first_col + offset
        raise KeyError(header)

    def rows(self) -> list[dict[str, Any]]:
        """Every data row, header -> value (the team's own columns too)."""
        t = self.t
        headers = self.headers()
        return [
            {str(h): t.sheet.peek(r, t.first_col + i).value for i, h in enumerate(headers)}
            for r in range(t.header_row + 1, t.last_row + 1)
        ]

    def row_of(self, case_id: str) -> int:
        t = self.t
        col = self.col(ARENDE_ID)
        for row in range(t.header_row + 1, t.last_row + 1):
            if id_key(t.sheet.peek(row, col).value) == id_key(case_id):
                return row
        raise KeyError(case_id)

    def cell_of(self, case_id: str, header: str) -> Cell:
        return self.t.sheet.cell(self.row_of(case_id), self.col(header))

    def person_types(self, case_id: str, header: str, text: Any) -> None:
        """Someone in Excel for the web types into the case's row."""
        self.cell_of(case_id, header).type_in(text)

    def person_deletes_row(self, case_id: str) -> None:
        """Right-click › Delete › Table Rows: the rows below move up."""
        self.delete_row(self.row_of(case_id))

    def delete_row(self, gone: int) -> None:
        """Table row ``gone`` (absolute) out of the table; the rows below move up."""
        t = self.t
        cells = t.sheet.cells
        for row, col in sorted(
            k for k in list(cells) if k[0] >= gone and t.first_col <= k[1] <= t.last_col
        ):
            below = cells.get((row + 1, col))
            if below is None:
                cells.pop((row, col), None)
            else:
                cells[(row, col)] = below
        t.last_row -= 1

    def person_inserts_column(self, header: str, at: int) -> None:
        """A new column in the table at offset ``at``: everything right of it moves right."""
        t = self.t
        col = t.first_col + at
        cells = t.sheet.cells
        for row, c in sorted((k for k in list(cells) if k[1] >= col), key=lambda k: -k[1]):
            cells[(row, c + 1)] = cells.pop((row, c))
        t.sheet.cell(t.header_row, col).value = header
        t.last_col += 1

    def person_sorts_descending(self) -> None:
        """Sort › Z to A on the Ärende-ID: every row moves."""
        t = self.t
        rows = [
            [t.sheet.peek(r, c) for c in range(t.first_col, t.last_col + 1)]
            for r in range(t.header_row + 1, t.last_row + 1)
        ]
        id_offset = self.col(ARENDE_ID) - t.first_col
        rows.sort(key=lambda cells: str(cells[id_offset].value), reverse=True)
        for r, cells in enumerate(rows, start=t.header_row + 1):
            for c, cell in enumerate(cells, start=t.first_col):
                t.sheet.cells[(r, c)] = cell

    # -- what Graph's workbook API does -------------------------------------------

    def add_rows(self, rows: Sequence[Sequence[Any]]) -> int:
        """``rows/add``: rows below the last, each formatted like the one above; the top one's
        0-based index.

        Every row is checked before any is added: Microsoft's pages are silent on a
        request with one bad row among good ones, so the fake takes the stricter
        choice, all or nothing (a refused request adds no row at all).
        """
        t = self.t
        width = t.last_col - t.first_col + 1
        if not rows or any(not isinstance(r, list) or len(r) != width for r in rows):
            raise ValueError("row width")
        top = t.last_row + 1
        for values in rows:
            row = t.last_row + 1
            for col in range(t.first_col, t.last_col + 1):
                above = t.sheet.peek(row - 1, col)
                t.sheet.cell(row, col).number_format = above.number_format
            t.last_row = row
            for offset, raw in enumerate(values):
                t.sheet.cell(row, t.first_col + offset).type_in(raw)
        return top - t.header_row - 1

    def add_column(self, name: str) -> int:
        t = self.t
        t.last_col += 1
        t.sheet.cell(t.header_row, t.last_col).value = name
        return t.last_col - t.first_col

    def write(
        self, sheet: Sheet, box: tuple[int, int, int, int], values: Sequence[Sequence[Any]]
    ) -> None:
        min_col, min_row, max_col, max_row = box
        if len(values) != max_row - min_row + 1 or any(
            len(r) != max_col - min_col + 1 for r in values
        ):
            raise ValueError("values do not match the range's size")
        stuck = self._stuck(sheet)
        for r, row in enumerate(values):
            for c, raw in enumerate(row):
                if min_col + c not in stuck:
                    sheet.cell(min_row + r, min_col + c).type_in(raw)

    def _stuck(self, sheet: Sheet) -> set[int]:
        if self.table is None or sheet is not self.table.sheet:
            return set()
        return {self.col(h) for h in self.stuck_columns}

    def range_json(
        self, sheet: Sheet, box: tuple[int, int, int, int], select: Iterable[str] | None
    ) -> dict[str, Any]:
        """A ``workbookRange`` as Graph returns it (its ``$select`` honoured)."""
        min_col, min_row, max_col, max_row = box
        grid = [
            [sheet.peek(r, c) for c in range(min_col, max_col + 1)]
            for r in range(min_row, max_row + 1)
        ]
        cells = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        address = f"{sheet.quoted()}!{cells}"
        wanted = set(select) if select else None
        full: dict[str, Any] = {
            "@odata.type": "#microsoft.graph.workbookRange",
            "address": address,
            "addressLocal": address,
            "cellCount": len(grid) * (max_col - min_col + 1),
            "columnCount": max_col - min_col + 1,
            "columnHidden": False,
            "columnIndex": min_col - 1,
            "hidden": False,
            "rowCount": len(grid),
            "rowHidden": False,
            "rowIndex": min_row - 1,
        }
        # Only the grids asked for: the stall bench reads 10,000 rows' values,
        # and the time the fake spends on the others is not the bot's.
        for name, shown in _GRIDS.items():
            if wanted is None or name in wanted:
                full[name] = [[shown(c) for c in row] for row in grid]
        if wanted:
            return {k: v for k, v in full.items() if k in wanted or k.startswith("@")}
        return full

    def table_box(self, part: str) -> tuple[int, int, int, int]:
        t = self.t
        if part == "range":
            return t.first_col, t.header_row, t.last_col, t.last_row
        if part == "headerRowRange":
            return t.first_col, t.header_row, t.last_col, t.header_row
        if part == "lastRow":
            return t.first_col, t.last_row, t.last_col, t.last_row
        raise KeyError(part)


_GRIDS: dict[str, Callable[[Cell], Any]] = {
    "formulas": lambda c: c.formula or c.value,
    "formulasLocal": lambda c: c.formula or c.value,
    "formulasR1C1": lambda c: c.formula or c.value,
    "numberFormat": lambda c: c.number_format,
    "text": lambda c: "" if c.value is None else str(c.value),
    "valueTypes": lambda c: c.value_type,
    "values": lambda c: c.value,
}


def box_of(address: str) -> tuple[int, int, int, int]:
    min_col, min_row, max_col, max_row = range_boundaries(address.rpartition("!")[2])
    return min_col, min_row, max_col or min_col, max_row or min_row  # type: ignore[return-value]

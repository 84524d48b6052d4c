"""The StoraArenden table inside a loaded openpyxl workbook: every openpyxl detail.

``local_workbook.ledger`` decides when to load, lock and save; this module only reads
and edits the table in memory, the way a careful person would: it finds
columns by header, writes the values of the bot's cells and nothing else, and
grows the table the way Excel does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from copy import copy
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import Table, TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from cases.columns import (
    ARENDE_ID,
    BOT_HEADERS,
    LAST_ID_LABEL,
    SAVED_AT_LABEL,
    STATE_SHEET,
    TABLE_NAME,
    UnreadableRow,
    WorkbookLayoutError,
    case_from_cells,
    case_id_number,
    format_case_id,
    format_datetime,
    id_key,
    looks_like_formula,
    map_headers,
)
from cases.model import Case

from .row_cache import RowCache

log = logging.getLogger(__name__)

FileKey = tuple[int, int, int, int]


class TableBook:
    """One loaded workbook and its StoraArenden table.

    ``key`` identifies the file version it was loaded from; ``dirty`` says it
    holds changes not yet saved.
    """

    def __init__(self, wb: Workbook, key: FileKey) -> None:
        self.wb = wb
        self.key = key
        self.dirty = False
        self.ws, self.table = _find_table(wb)
        self._read_geometry()
        self._ids: dict[str, int] | None = None
        self._highest_number = 0
        # Parsed once per file version and kept current by write(): the queue
        # card and the notifier list far more often than anyone saves.
        self._cases: list[Case] | None = None
        self._case_positions: dict[str, int] = {}
        # The table sheet's rows as last saved; every edit below names its row.
        self.saved_rows = RowCache(self.ws)

    def _read_geometry(self) -> None:
        if self.table.headerRowCount == 0:
            raise WorkbookLayoutError(
                f"tabellen {TABLE_NAME} saknar rubrikrad.",
                f"the table {TABLE_NAME} has no header row.",
            )
        if self.table.totalsRowCount:
            raise WorkbookLayoutError(
                f"tabellen {TABLE_NAME} har en summarad; ta bort den.",
                f"the table {TABLE_NAME} has a totals row; remove it.",
            )
        self.min_col, self.header_row, self.max_col, self.last_row = table_bounds(self.table.ref)
        self.first_row = self.header_row + 1
        headers = [self.ws.cell(self.header_row, c).value for c in self._table_cols()]
        positions = map_headers(headers)
        self.columns = {header: self.min_col + pos for header, pos in positions.items()}
        # Cells of a calculated column hold Excel's formula in every row, even
        # an otherwise empty one: they do not make a row "in use".
        self._calculated = {
            col
            for column, col in zip(self.table.tableColumns, self._table_cols(), strict=False)
            if column.calculatedColumnFormula is not None
        }

    def _table_cols(self) -> range:
        return range(self.min_col, self.max_col + 1)

    # -- reading ---------------------------------------------------------------

    def case_rows(self) -> Iterator[dict[str, object]]:
        """The known cells of every row that has an Ärende-ID, in workbook order."""
        if ARENDE_ID not in self.columns:
            return
        offsets = {header: col - self.min_col for header, col in self.columns.items()}
        id_offset = offsets[ARENDE_ID]
        for values in self.ws.iter_rows(
            min_row=self.first_row,
            max_row=self.last_row,
            min_col=self.min_col,
            max_col=self.max_col,
            values_only=True,
        ):
            if id_key(values[id_offset]):
                yield {header: values[offset] for header, offset in offsets.items()}

    def cases(self) -> list[Case]:
        """Every readable case in workbook order; rows a person made unreadable are skipped."""
        if self._cases is None:
            self._cases, self._case_positions = [], {}
            for cells in self.case_rows():
                try:
                    self._keep(case_from_cells(cells))
                except UnreadableRow as problem:
                    # Names the case and column only: the value may be customer data.
                    log.warning(
                        "Skipping %s: column %r unreadable", problem.case_id, problem.header
                    )
        return self._cases

    def _keep(self, case: Case) -> None:
        assert self._cases is not None
        key = id_key(case.case_id)
        if key in self._case_positions:  # a row copied by hand: the first one counts
            self._cases[self._case_positions[key]] = case
        else:
            self._case_positions[key] = len(self._cases)
            self._cases.append(case)

    def read_case(self, row: int) -> Case:
        return case_from_cells({h: self.ws.cell(row, c).value for h, c in self.columns.items()})

    def row_of(self, case_id: str) -> int | None:
        return self._index().get(id_key(case_id))

    def _index(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {}
            col = self.columns.get(ARENDE_ID)
            if col is not None:
                cells = self.ws.iter_rows(
                    min_row=self.first_row, max_row=self.last_row,
                    min_col=col, max_col=col, values_only=True,
                )  # fmt: skip
                for row, (value,) in enumerate(cells, start=self.first_row):
                    self._remember(value, row)
        return self._ids

    def remember(self, case_id: str, row: int) -> None:
        self._index()
        self._remember(case_id, row)

    def _remember(self, value: object, row: int) -> None:
        assert self._ids is not None
        key = id_key(value)
        if not key:
            return
        if key in self._ids:
            log.warning("%s is in more than one row; the first one is used", key)
        else:
            self._ids[key] = row
        self._highest_number = max(self._highest_number, case_id_number(key) or 0)

    # -- writing ---------------------------------------------------------------

    def issue_case_id(self) -> str:
        """A fresh Ärende-ID, above every ID in the table and every ID ever issued."""
        self._index()
        state = self._state_sheet()
        stored = state["B1"].value
        last = (
            int(stored) if isinstance(stored, int | float) and not isinstance(stored, bool) else 0
        )
        number = max(last, self._highest_number) + 1
        state["B1"] = number
        self.dirty = True
        return format_case_id(number)

    def stamp(self, moment: datetime) -> None:
        _set_text(self._state_sheet()["B2"], format_datetime(moment))

    def write(self, row: int, cells: Mapping[str, str]) -> None:
        """Set the value of the bot's cells only; style and other columns stay as they are."""
        for header, text in cells.items():
            _set_text(self.ws.cell(row, self.columns[header]), text)
        self.dirty = True
        self.saved_rows.changed(row)
        if self._cases is not None:
            # A case row written is at its old place in the list, or, being
            # new, after every other case: new rows only ever go at the end.
            try:
                self._keep(self.read_case(row))
            except UnreadableRow:
                self._cases = None

    def new_row(self) -> int:
        """A row for a new case: the first of any empty rows closing the table, else one more."""
        reusable = None
        for row in range(self.last_row, self.first_row - 1, -1):
            if self._in_use(row):
                break
            reusable = row
        if reusable is not None:
            return reusable
        row = self.last_row + 1
        if any(_filled(self.ws.cell(row, col)) for col in self._table_cols()):
            raise WorkbookLayoutError(
                f"raden under tabellen {TABLE_NAME} är inte tom, så tabellen kan inte växa.",
                f"the row below the table {TABLE_NAME} is not empty, so the table cannot grow.",
            )
        self.last_row = row
        self._store_ref()
        if row - 1 >= self.first_row:
            self._copy_row_format(row - 1, row)
        self.dirty = True
        return row

    def _in_use(self, row: int) -> bool:
        cols = (col for col in self._table_cols() if col not in self._calculated)
        return any(_filled(self.ws.cell(row, col)) for col in cols)

    def _copy_row_format(self, source: int, target: int) -> None:
        """What Excel does when a table grows: the new row looks like the one above."""
        self.saved_rows.changed(target)
        for col in self._table_cols():
            _copy_format(self.ws.cell(source, col), self.ws.cell(target, col))
        # A calculated column (a formula the team gave the whole column) continues.
        for col in self._calculated:
            above = self.ws.cell(source, col)
            if above.data_type == "f" and isinstance(above.value, str):
                cell = self.ws.cell(target, col)
                try:
                    formula = Translator(above.value, above.coordinate)
                    cell.value = formula.translate_formula(cell.coordinate)
                except Exception:  # noqa: BLE001 - a formula openpyxl cannot parse
                    # An empty cell is a small loss; failing the registration is not.
                    log.warning("Could not continue the calculated column %s", above.column_letter)
        # A drop-down list (data validation) that reached the old last row reaches the new one.
        for validation in self.ws.data_validations.dataValidation:
            for cell_range in validation.sqref.ranges:
                overlaps = cell_range.min_col <= self.max_col and cell_range.max_col >= self.min_col
                if cell_range.max_row == source and overlaps:
                    cell_range.expand(down=1)

    def ensure_bot_columns(self) -> None:
        """Append the bot's columns (``BOT_HEADERS``) a workbook made before the bot lacks."""
        for header in BOT_HEADERS:
            if header not in self.columns:
                self._append_column(header)

    def _append_column(self, header: str) -> None:
        col = self.max_col + 1
        rows = range(self.header_row, self.last_row + 1)
        self.saved_rows.clear()  # every row of the table gets a cell
        if any(_filled(self.ws.cell(row, col)) for row in rows):
            raise WorkbookLayoutError(
                f"kolumnen {header} saknas och kolumnen till höger om tabellen är inte tom.",
                f"the column {header} is missing and the column right of the table is not empty.",
            )
        # Look like the rightmost column the bot knows, not like the team's own columns.
        model = max(self.columns.values())
        for row in rows:
            _copy_format(self.ws.cell(row, model), self.ws.cell(row, col))
        _set_text(self.ws.cell(self.header_row, col), header)
        width = self.ws.column_dimensions[get_column_letter(model)].width
        self.ws.column_dimensions[get_column_letter(col)].width = width or 16
        if self.table.tableColumns:  # openpyxl names the columns itself when there are none
            next_id = max(c.id for c in self.table.tableColumns) + 1
            self.table.tableColumns.append(TableColumn(id=next_id, name=header))
        self.max_col = col
        self.columns[header] = col
        self._store_ref()
        self.dirty = True
        self._cases = None

    def _store_ref(self) -> None:
        ref = (
            f"{get_column_letter(self.min_col)}{self.header_row}:"
            f"{get_column_letter(self.max_col)}{self.last_row}"
        )
        self.table.ref = ref
        if self.table.autoFilter is not None:
            self.table.autoFilter.ref = ref

    def _state_sheet(self) -> Worksheet:
        if STATE_SHEET in self.wb.sheetnames:
            return self.wb[STATE_SHEET]
        state = self.wb.create_sheet(STATE_SHEET)
        # "veryHidden": Excel's Unhide dialog does not list it, so nobody edits it by accident.
        state.sheet_state = "veryHidden"
        state["A1"] = LAST_ID_LABEL
        state["A2"] = SAVED_AT_LABEL
        return state


def _find_table(wb: Workbook) -> tuple[Worksheet, Table]:
    wanted = TABLE_NAME.casefold()
    for ws in wb.worksheets:
        for table in ws.tables.values():
            if wanted in (str(table.name).casefold(), str(table.displayName).casefold()):
                return ws, table
    raise WorkbookLayoutError(
        f"tabellen {TABLE_NAME} finns inte.", f"there is no table named {TABLE_NAME}."
    )


def table_bounds(ref: str) -> tuple[int, int, int, int]:
    """min_col, min_row, max_col, max_row of a table's ref, which names both corners."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise ValueError(f"not a table's range: {ref}")
    return min_col, min_row, max_col, max_row


def _copy_format(source: Cell | MergedCell, target: Cell | MergedCell) -> None:
    """The whole format at once, as Excel copies it; types-openpyxl leaves ``_style`` out."""
    target._style = copy(source._style)  # type: ignore[union-attr]


def _filled(cell: Cell | MergedCell) -> bool:
    return cell.value is not None and cell.value != ""


def _set_text(cell: Cell | MergedCell, text: str) -> None:
    # openpyxl refuses to write a merged cell's value as well, with an AttributeError.
    assert isinstance(cell, Cell), "a merged cell where the bot writes"
    if not text:
        cell.value = None
        return
    cell.value = text
    # openpyxl saves any string starting with "=" as a formula; the team's
    # text is never a formula.
    cell.data_type = "s"
    if looks_like_formula(text):
        # Excel's leading apostrophe: the cell stays text when a person edits it.
        cell.quotePrefix = True

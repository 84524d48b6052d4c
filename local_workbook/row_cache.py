"""Save a workbook the way openpyxl does, byte for byte, without re-serialising unchanged rows.

openpyxl writes every cell of every row at each save: about 9 µs a cell, so
~100 ms a click at 1,000 cases and over a second at 10,000 (bench/ledger.py),
while a click changes one row. ``RowCache`` keeps each row's ``<row>`` XML as
openpyxl wrote it; ``save_workbook`` writes the table's sheet from those bytes
and asks openpyxl's own ``write_row`` only for rows that are new or that
``TableBook`` said it changed. Every other part of the file (the other sheets,
styles, the table, validations) is written by openpyxl as before.

A row is cached only when writing it has no side effect beyond its bytes:
openpyxl collects comments and hyperlinks while it writes cells, so a row
holding either is written afresh at every save. Style ids in the bytes stay
right because a workbook's style list only ever grows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from io import BytesIO
from operator import itemgetter
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML, Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import xmlfile


class RowCache:
    """The serialised ``<row>`` elements of one worksheet, by row number."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self._rows: dict[int, bytes] = {}
        # The rows and columns that hold cells, and how many cells there were:
        # openpyxl only ever adds cells unless rows or columns are deleted,
        # which the bot never does, so an unchanged count means unchanged sets.
        self._cells_seen = -1
        self._cell_rows: set[int] = set()
        self._cell_cols: set[int] = set()

    def cell_rows_and_cols(self) -> tuple[set[int], set[int]]:
        cells: Any = self.ws  # types-openpyxl leaves _cells out
        keys = cells._cells.keys()
        if len(keys) != self._cells_seen:
            self._cell_rows = set(map(itemgetter(0), keys))
            self._cell_cols = set(map(itemgetter(1), keys))
            self._cells_seen = len(keys)
        return self._cell_rows, self._cell_cols

    def changed(self, row: int) -> None:
        """Row ``row`` has other values or formats now: write it afresh at the next save."""
        self._rows.pop(row, None)

    def clear(self) -> None:
        self._rows.clear()
        self._cells_seen = -1

    def __len__(self) -> int:
        return len(self._rows)


def save_workbook(wb: Workbook, fh: IO[bytes], cache: RowCache) -> None:
    """``wb.save(fh)``, with the sheet of ``cache`` written from its cached rows."""
    if wb.read_only or wb.write_only:
        raise TypeError("only a normal, loaded workbook can be saved through a row cache")
    if not LXML:  # OPENPYXL_LXML=False: et_xmlfile's writer cannot hand over its bytes
        wb.save(fh)
        return
    # As openpyxl.writer.excel.save_workbook, with our ExcelWriter.
    # Deflate level 1, not zlib's default 6: at 10,000 rows a sixth of the
    # time for a file a third larger (6.6 MB of sheet XML: 16 ms and 645 KB
    # against 76 ms and 499 KB).
    archive = ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    now = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    wb.properties.modified = now
    _BookWriter(wb, archive, cache).save()


def fill(cache: RowCache) -> None:
    """Serialise every row not cached yet, so that the next save need not."""
    _SheetWriter(cache.ws, cache)._row_bytes()


class _BookWriter(ExcelWriter):
    def __init__(self, wb: Workbook, archive: ZipFile, cache: RowCache) -> None:
        super().__init__(wb, archive)
        self._zip = archive
        self._cache = cache

    def write_worksheet(self, ws: Worksheet) -> None:
        if ws is not self._cache.ws:
            super().write_worksheet(ws)
            return
        # As ExcelWriter.write_worksheet, with the sheet's XML kept in memory
        # rather than in a temporary file. (Any: types-openpyxl leaves these private parts out.)
        sheet: Any = ws
        sheet._drawing = SpreadsheetDrawing()
        sheet._drawing.charts = sheet._charts
        sheet._drawing.images = sheet._images
        writer = _SheetWriter(ws, self._cache)
        writer.write()
        sheet._rels = writer.rels
        self._zip.writestr(ws.path[1:], writer.buffer.getvalue())
        self.manifest.append(ws)


class _SheetWriter(WorksheetWriter):
    def __init__(self, ws: Worksheet, cache: RowCache) -> None:
        self.buffer = BytesIO()
        super().__init__(ws, out=self.buffer)
        self._sheet: Any = ws
        self._cache = cache
        # The rows and columns for both the dimension and the rows, where
        # openpyxl goes over every cell twice and sorts them.
        self._rows, self._cols = cache.cell_rows_and_cols()

    def write_dimensions(self) -> None:
        """As Worksheet.calculate_dimension, from the cells' rows and columns already known."""
        if not self._rows:
            ref = "A1:A1"
        else:
            first = f"{get_column_letter(min(self._cols))}{min(self._rows)}"
            ref = f"{first}:{get_column_letter(max(self._cols))}{max(self._rows)}"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_rows(self) -> None:
        stream: Any = self.xf
        xf = stream.send(True)
        with xf.element("sheetData"):
            xf.flush()  # what lxml holds goes out before the rows' bytes
            self.buffer.write(b"".join(self._row_bytes()))
        stream.send(None)

    @property
    def rels(self) -> Any:
        return self._rels  # type: ignore[attr-defined]

    def _row_bytes(self) -> list[bytes]:
        cached = self._cache._rows
        # The rows openpyxl writes (WorksheetWriter.rows): any with a cell, even
        # an empty one, and any with a row format.
        rows = self._rows | self._sheet.row_dimensions.keys()
        missing = rows.difference(cached)
        fresh: dict[int, list[Any]] = {row: [] for row in missing}
        if len(missing) * len(self._cols) < len(self._rows):
            cells, cols = self._sheet._cells, sorted(self._cols)
            for row in missing:
                fresh[row] = [cells[row, col] for col in cols if (row, col) in cells]
        else:  # most rows: one pass over every cell beats a look-up per row and column
            for (row, _col), cell in sorted(self._sheet._cells.items()):
                if row in fresh:
                    fresh[row].append(cell)
        written = self._write_fresh(fresh) if fresh else {}
        return [cached[row] if row in cached else written[row] for row in sorted(rows)]

    def _write_fresh(self, fresh: dict[int, list[Any]]) -> dict[int, bytes]:
        """openpyxl's own ``write_row`` for each row in ``fresh``; the bytes of each."""
        buffer = BytesIO()
        bounds: list[tuple[int, int, int, bool]] = []
        with xmlfile(buffer) as xf, xf.element("sheetData"):
            xf.flush()
            for row in sorted(fresh):
                cells = fresh[row]
                start = buffer.tell()
                self.write_row(xf, cells, row)
                xf.flush()
                bounds.append((row, start, buffer.tell(), _has_side_effects(cells)))
        data = buffer.getbuffer()
        written: dict[int, bytes] = {}
        for row, start, end, side_effects in bounds:
            written[row] = bytes(data[start:end])
            if not side_effects:
                self._cache._rows[row] = written[row]
        return written

    def cleanup(self) -> None:
        """Nothing to remove: the XML never went to a temporary file."""


def _has_side_effects(cells: Iterable[Any]) -> bool:
    return any(cell._comment is not None or cell.hyperlink for cell in cells)

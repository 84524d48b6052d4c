"""Saving through the row cache writes what openpyxl writes, serialising only changed rows.

``local_workbook.row_cache`` replaces openpyxl's serialisation of the table's
sheet by the rows' XML kept from earlier saves. Whatever the bot does to the
table (write cells, grow the table, append its columns to a team's workbook),
each part of the saved file must be byte for byte what ``wb.save`` writes for
the same workbook, comments and hyperlinks in the team's columns included,
while openpyxl serialises only the rows that changed since the last save.
"""

from __future__ import annotations

import contextlib
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet._writer import WorksheetWriter

from cases.columns import HEADERS, REQUIRED_HEADERS, SHEET_NAME
from local_workbook import template
from local_workbook.row_cache import fill, save_workbook
from local_workbook.table import TableBook

ROWS = 30
NOTE_COL = 30  # the team's own column, well right of the table and the bot's columns


def team_workbook(path: Path) -> None:
    """A workbook from before the bot: the routine's columns only, a column of the
    team's own beside them with a comment and a link, and ROWS filled rows."""
    template.create_workbook(path)
    wb = load_workbook(path)
    ws = wb[SHEET_NAME]
    table = next(iter(ws.tables.values()))
    ws.delete_cols(len(REQUIRED_HEADERS) + 1, len(HEADERS))
    table.tableColumns = table.tableColumns[: len(REQUIRED_HEADERS)]
    ws.cell(1, len(REQUIRED_HEADERS), "Eventuell kommentar")
    for n in range(ROWS):
        for col in range(1, len(REQUIRED_HEADERS) + 1):
            ws.cell(2 + n, col, f"v{n}-{col}")
    ws.cell(2 + ROWS // 2, 1).font = Font(bold=True)
    ref = f"A1:G{1 + ROWS}"
    table.ref = table.autoFilter.ref = ref
    wb.save(path)
    # The team's column is outside the table, as a person adds one next to it.
    wb = load_workbook(path, rich_text=True)
    ws = wb[SHEET_NAME]
    ws.cell(1, NOTE_COL, "Anteckning")
    ws.cell(3, NOTE_COL, "se kommentaren").comment = Comment("Ring först", "Anna")
    ws.cell(4, NOTE_COL, "länk").hyperlink = "https://example.com/ärende"
    wb.save(path)


class RowCount:
    """Rows of the table's sheet that openpyxl's ``write_row`` serialised, in this thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        self._local = threading.local()
        write_row = WorksheetWriter.write_row

        def counted(writer: WorksheetWriter, *args: object) -> None:
            if getattr(self._local, "on", False) and writer.ws.title == SHEET_NAME:
                self.rows += 1
            write_row(writer, *args)

        monkeypatch.setattr(WorksheetWriter, "write_row", counted)

    @contextlib.contextmanager
    def saving(self) -> Iterator[None]:
        self._local.on = True
        try:
            yield
        finally:
            self._local.on = False


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # core.xml holds the time of the save.
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


TEXTS = st.sampled_from(["", "Ny", "=SUM(A1)", "  med mellanslag ", "räksmörgås & <b>", "x" * 40])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, ROWS + 3), st.sampled_from(HEADERS), TEXTS),
        st.tuples(st.just("grow"), st.just(0), st.just(""), st.just("")),
        st.tuples(st.just("columns"), st.just(0), st.just(""), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_each_save_is_openpyxls_and_serialises_only_changed_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ops: list[tuple[str, int, str, str]]
) -> None:
    path = tmp_path / "team.xlsx"
    if not path.exists():
        team_workbook(path)
    count = RowCount(monkeypatch)
    wb = load_workbook(path, rich_text=True)
    book = TableBook(wb, (0, 0, 0, 0))
    book.ensure_bot_columns()  # the bot's first write to a team's workbook
    wb.save(io.BytesIO())  # openpyxl's first save of a loaded book adds a default it lacked
    fill(book.saved_rows)
    for op, row_offset, header, text in ops:
        changed: set[int] = set()
        if op == "write":
            row = min(book.first_row + row_offset, book.last_row)
            book.write(row, {header: text})
            changed = {row}
        elif op == "grow":
            row = book.new_row()
            changed = {row}
        else:  # a bot column the team deleted: appended again, in every row
            changed = set(range(book.header_row, book.last_row + 1))
            book.columns.pop("Kundtyp", None)
            book.ensure_bot_columns()
        count.rows = 0
        ours = io.BytesIO()
        with count.saving():
            save_workbook(wb, ours, book.saved_rows)
        # Rows 3 and 4 hold a comment and a link: openpyxl collects those while writing.
        assert count.rows <= len(changed | {3, 4}), (op, count.rows)
        theirs = io.BytesIO()
        wb.save(theirs)
        assert parts(ours.getvalue()) == parts(theirs.getvalue()), op


def test_the_saved_file_keeps_the_teams_comment_and_link(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    team_workbook(path)
    wb = load_workbook(path, rich_text=True)
    book = TableBook(wb, (0, 0, 0, 0))
    book.ensure_bot_columns()
    for _ in range(3):  # cached rows from the second save on
        book.write(book.first_row, {"Status": "Påbörjad"})
        with path.open("wb") as fh:
            save_workbook(wb, fh, book.saved_rows)
    ws = load_workbook(path)[SHEET_NAME]
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    commented = [c for c in cells.values() if c.comment is not None]
    linked = [c for c in cells.values() if c.hyperlink is not None]
    assert [c.comment.text for c in commented] == ["Ring först"]
    assert [c.hyperlink.target for c in linked] == ["https://example.com/ärende"]
    assert ws.cell(2, 5).value == "Påbörjad"

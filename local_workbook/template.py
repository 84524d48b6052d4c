"""A new, empty "Stora ärenden" workbook, and saving any workbook without tearing it.

python -m local_workbook.template PATH [--force]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableStyleInfo

from cases.columns import BESKRIVNING, HEADERS, KOMMENTAR, SHEET_NAME, TABLE_NAME

TEXT_FORMAT = "@"
# Wide enough to read a typical value without resizing; the free-text columns wrap.
_WIDTHS = {
    "Kundnummer": 14,
    "Ärendenummer CAB": 18,
    "Vad gäller ärendet": 45,
    "Registrerat av": 15,
    "Status": 12,
    "Hanteras av": 13,
    "Eventuell kommentar": 45,
    "Ärende-ID": 12,
    "Registrerad": 26,
    "Senast ändrad": 26,
    "Överlämnad": 26,
    "Antal ändringar": 16,
    "Typ av ändring": 16,
    "Kundtyp": 21,
}
_WRAPPED = (BESKRIVNING, KOMMENTAR)


def build_workbook() -> Workbook:
    """The template in memory: one sheet, one table, a header and one empty row.

    Excel tables always hold at least one data row, so the template has an
    empty one; the first registration fills it.
    """
    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet, the active one
    ws.title = SHEET_NAME
    for col, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(col)
        head = ws.cell(row=1, column=col, value=header)
        head.font = Font(bold=True)
        head.alignment = Alignment(vertical="center")
        body = ws.cell(row=2, column=col)
        # Text format everywhere: Excel would otherwise drop Kundnummer's leading
        # zeros and turn typed dates and numbers into something else.
        body.number_format = TEXT_FORMAT
        body.alignment = Alignment(vertical="top", wrap_text=header in _WRAPPED)
        dimension = ws.column_dimensions[letter]
        dimension.width = _WIDTHS.get(header, 16)
        dimension.number_format = TEXT_FORMAT
    ref = f"A1:{get_column_letter(len(HEADERS))}2"
    table = Table(displayName=TABLE_NAME, name=TABLE_NAME, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table.autoFilter = AutoFilter(ref=ref)
    # openpyxl's default column names, renamed below; types-openpyxl leaves the method out.
    table._initialise_columns()  # type: ignore[attr-defined]
    for column, header in zip(table.tableColumns, HEADERS, strict=True):
        column.name = header
    ws.add_table(table)
    ws.freeze_panes = "A2"
    return wb


def create_workbook(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the template to ``path``. Raises FileExistsError unless ``overwrite``."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_atomically(build_workbook(), target, overwrite=overwrite)
    return target


def save_atomically(
    wb: Workbook,
    path: Path,
    *,
    overwrite: bool = True,
    write: Callable[[IO[bytes]], None] | None = None,
) -> None:
    """Save so that readers see the old file or the new one, never a torn one.

    ``write`` writes the workbook to an open file; openpyxl's ``wb.save`` by default.

    Temp file in the same directory (same file system, so the rename is
    atomic), fsync, then rename over the target and fsync the directory so
    the rename itself survives a power cut.
    """
    temp = temp_path_for(path)
    mode = 0o666
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o777
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            if write is None:
                wb.save(fh)
            else:
                write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            _link_without_clobbering(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_directory(path.parent)


def temp_path_for(path: Path) -> Path:
    return path.with_name(f"{temp_prefix(path)}{uuid.uuid4().hex}.tmp")


def temp_prefix(path: Path) -> str:
    """Hidden, and recognisable so a later writer can sweep up after a crashed one."""
    return f".~{path.name}."


def _link_without_clobbering(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)  # fails if path exists: two creators cannot both win
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links: a plain rename is the best we have.
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)
        return
    temp.unlink()


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_workbook.template",
        description='Create an empty "Stora ärenden" workbook (table StoraArenden).',
    )
    parser.add_argument("path", type=Path, help="the .xlsx file to create")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = parser.parse_args(argv)
    try:
        created = create_workbook(args.path, overwrite=args.force)
    except FileExistsError:
        print(f"{args.path} finns redan; använd --force för att skriva över.", file=sys.stderr)
        return 1
    print(f"Skapade {created}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

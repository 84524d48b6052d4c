"""Turn the team's existing "Stora ärenden" workbook into one the bot can use.

python -m local_workbook.convert PATH [--sheet NAME] [--dry-run] [--allow-losing-drawings]

What it does, in this order:

1. Finds the sheet and its header row: the first of the top 20 rows holding the
   routine's seven columns (Kundnummer ... Eventuell kommentar), in any order
   and among any other columns.
2. Checks, before anything is written, what would make the result wrong:
   merged cells or another table in the range, a non-empty column where the
   bot's columns go, pictures or charts (openpyxl cannot keep them).
3. Copies the file to ``NAME.backup-YYYYMMDD-HHMMSS.xlsx`` beside it.
4. Makes the used range an Excel table named ``StoraArenden`` (or renames the
   table already there, and the formulas that name it), keeping every row,
   column, value, style, drop-down list and formula of the team's.
5. Appends the bot's columns on the right (Ärende-ID, Registrerad, Senast
   ändrad, Överlämnad, Antal ändringar, Typ av ändring, Kundtyp) and gives each
   existing row an Ärende-ID. The real registration date of an old row is
   unknown: Registrerad gets the time of the conversion; its count and kinds
   stay empty (unknown).
6. Saves atomically, reads the result back through the bot's own Ledger and
   prints what the bot will see. Nothing it prints is customer data: rows are
   named by number and Ärende-ID.

Run it again on a converted file and it only fills what is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cases.clock import Clock, stockholm_now
from cases.columns import (
    ARENDE_ID,
    BOT_HEADERS,
    HEADER_BY_FIELD,
    REGISTRERAD,
    REQUIRED_HEADERS,
    SENAST_ANDRAD,
    SHEET_NAME,
    STATUS,
    TABLE_NAME,
    WorkbookLayoutError,
    canonical_header,
    format_datetime,
    id_key,
    map_headers,
    parse_status,
)
from cases.model import CUSTOMER_FIELDS, Status

from .ledger import LocalWorkbookLedger
from .table import TableBook, table_bounds
from .template import save_atomically

HEADER_SEARCH_ROWS = 20
# Parts of an .xlsx that openpyxl drops when it saves.
_LOSSY_PARTS = ("xl/drawings/", "xl/charts/", "xl/media/", "xl/ctrlProps/", "xl/vbaProject.bin")


class ConversionRefused(Exception):
    """The file cannot be converted safely; nothing was written."""


@dataclass
class Report:
    sheet: str = ""
    table_ref: str = ""
    backup: Path | None = None
    created_table: bool = False
    renamed_table: str = ""
    renamed_formulas: int = 0
    named_headers: list[str] = field(default_factory=list)
    appended_columns: list[str] = field(default_factory=list)
    issued_ids: list[str] = field(default_factory=list)
    unreadable_status_rows: list[tuple[int, str]] = field(default_factory=list)
    closed_rows_with_customer_data: list[tuple[int, str]] = field(default_factory=list)
    other_columns: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(
            self.created_table or self.renamed_table or self.named_headers
            or self.appended_columns or self.issued_ids
        )  # fmt: skip


def convert(
    path: str | Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    allow_losing_drawings: bool = False,
    clock: Clock = stockholm_now,
) -> Report:
    """Convert the workbook at ``path`` in place, after a backup. Raises ``ConversionRefused``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ConversionRefused(f"{path.name}: bara .xlsx-filer kan konverteras.")
    lossy = _lossy_parts(path)
    if lossy and not allow_losing_drawings:
        raise ConversionRefused(
            f"{path.name} innehåller bilder, diagram eller former ({', '.join(lossy)}), som inte "
            "skulle följa med. Flytta dem till ett annat blad eller en annan fil, eller kör med "
            "--allow-losing-drawings (säkerhetskopian behåller dem)."
        )
    wb = load_workbook(path, rich_text=True)
    report = Report()
    now = clock()
    ws, header_row = _find_sheet(wb, sheet)
    report.sheet = ws.title
    table = _table_on(ws)
    # Everything below changes the workbook in memory only, until the save at
    # the end: a dry run is the same conversion, not saved.
    if table is None:
        ref = _plan_table(ws, header_row, report)
        _check_range_is_free(wb, ws, ref)
        _create_table(ws, ref)
        report.created_table = True
    elif table.name != TABLE_NAME or table.displayName != TABLE_NAME:
        report.renamed_table = str(table.displayName or table.name)
        report.renamed_formulas = _rename_table(wb, table)

    book = TableBook(wb, (0, 0, 0, 0))
    report.table_ref = book.table.ref
    before = set(book.columns)
    _check_right_of_table_is_free(book)
    book.ensure_bot_columns()
    report.appended_columns = [h for h in BOT_HEADERS if h not in before]
    report.other_columns = _other_columns(book)
    stamp = format_datetime(now)
    for row in range(book.first_row, book.last_row + 1):
        if not book._in_use(row):
            continue
        case_id = id_key(ws.cell(row, book.columns[ARENDE_ID]).value)
        if not case_id:
            case_id = book.issue_case_id()
            cells = {ARENDE_ID: case_id}
            for header in (REGISTRERAD, SENAST_ANDRAD):
                if ws.cell(row, book.columns[header]).value in (None, ""):
                    cells[header] = stamp
            book.write(row, cells)
            report.issued_ids.append(case_id)
        status = parse_status(ws.cell(row, book.columns[STATUS]).value)
        if status is None:
            report.unreadable_status_rows.append((row, case_id))
        else:
            report.statuses[status.value] += 1
            if status is Status.HANTERAD and _holds_customer_data(ws, book, row):
                report.closed_rows_with_customer_data.append((row, case_id))
    report.table_ref = book.table.ref
    if dry_run or not report.changed:
        return report
    report.backup = backup(path, now)
    book.stamp(now)
    save_atomically(wb, path)
    _read_back(path, report)
    return report


def backup(path: Path, now: datetime) -> Path:
    """A copy beside the original, named by the time; never overwrites an earlier one."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.backup-{stamp}-{n}{path.suffix}")
    shutil.copy2(path, target)
    return target


# -- finding the data ----------------------------------------------------------


def _find_sheet(wb: Workbook, wanted: str | None) -> tuple[Worksheet, int]:
    if wanted is not None:
        if wanted not in wb.sheetnames:
            raise ConversionRefused(
                f"Bladet {wanted!r} finns inte. Blad: {', '.join(wb.sheetnames)}."
            )
        sheets = [ws for ws in wb.worksheets if ws.title == wanted]
    else:
        sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        sheets.sort(key=lambda ws: ws.title != SHEET_NAME)  # "Stora ärenden" first
    found: list[tuple[Worksheet, int]] = []
    best: tuple[int, list[str]] = (-1, list(REQUIRED_HEADERS))
    for ws in sheets:
        table = _table_on(ws)
        if table is not None:
            found.append((ws, table_bounds(table.ref)[1]))
            continue
        for row in range(1, min(ws.max_row, HEADER_SEARCH_ROWS) + 1):
            values = [cell.value for cell in ws[row]]
            known = {canonical_header(v) for v in values} - {None}
            missing = [h for h in REQUIRED_HEADERS if h not in known]
            if not missing:
                try:
                    map_headers(values)
                except WorkbookLayoutError as problem:
                    raise ConversionRefused(
                        f"Blad {ws.title!r}, rad {row}: {problem.message}"
                    ) from None
                found.append((ws, row))
                break
            if len(known) > best[0]:
                best = (len(known), missing)
    if not found:
        raise ConversionRefused(
            "Hittar inga rubriker för Stora ärenden i de första "
            f"{HEADER_SEARCH_ROWS} raderna. Saknas: {', '.join(best[1])}."
        )
    if len(found) > 1 and wanted is None and found[0][0].title != SHEET_NAME:
        names = ", ".join(repr(ws.title) for ws, _ in found)
        raise ConversionRefused(
            f"Flera blad ser ut som Stora ärenden ({names}); välj ett med --sheet."
        )
    return found[0]


def _table_on(ws: Worksheet) -> Table | None:
    """A table on ``ws`` that holds the routine's columns (the bot's, or one the team made)."""
    for table in ws.tables.values():
        min_col, header_row, max_col, _ = table_bounds(table.ref)
        headers = [ws.cell(header_row, col).value for col in range(min_col, max_col + 1)]
        known = {canonical_header(v) for v in headers}
        if all(h in known for h in REQUIRED_HEADERS):
            return table
    return None


def _plan_table(ws: Worksheet, header_row: int, report: Report) -> str:
    """The range of the new table: the header's span, down to the last row with a value."""
    filled = [c.column for c in ws[header_row] if c.value not in (None, "")]
    min_col, max_col = min(filled), max(filled)
    last_row = header_row
    rows = ws.iter_rows(min_row=header_row + 1, min_col=min_col, max_col=max_col)
    for number, row in enumerate(rows, start=header_row + 1):
        if any(cell.value not in (None, "") for cell in row):
            last_row = number
    if last_row == header_row:
        last_row += 1  # an Excel table always has a data row
    # Excel needs a unique text header over every column of a table.
    seen: set[str] = set()
    for col in range(min_col, max_col + 1):
        cell = ws.cell(header_row, col)
        text = "" if cell.value is None else str(cell.value).strip()
        name = text or f"Kolumn{col - min_col + 1}"
        base, n = name, 1
        while name.casefold() in seen:
            n += 1
            name = f"{base} {n}"
        seen.add(name.casefold())
        if name != cell.value:
            report.named_headers.append(f"{get_column_letter(col)}{header_row}: {name}")
            cell.value = name
    return f"{get_column_letter(min_col)}{header_row}:{get_column_letter(max_col)}{last_row}"


def _check_range_is_free(wb: Workbook, ws: Worksheet, ref: str) -> None:
    min_col, min_row, max_col, max_row = table_bounds(ref)
    for merged in ws.merged_cells.ranges:
        if not (merged.max_col < min_col or merged.min_col > max_col or merged.max_row < min_row
                or merged.min_row > max_row):  # fmt: skip
            raise ConversionRefused(
                f"Sammanfogade celler ({merged.coord}) ligger i tabellens område {ref}; "
                "dela upp dem först (Start › Sammanfoga och centrera › Dela upp celler)."
            )
    for other in ws.tables.values():
        o_min_col, o_min_row, o_max_col, o_max_row = table_bounds(other.ref)
        if not (
            o_max_col < min_col or o_min_col > max_col or o_max_row < min_row or o_min_row > max_row
        ):
            raise ConversionRefused(f"Tabellen {other.displayName} ({other.ref}) överlappar {ref}.")
    for sheet in wb.worksheets:
        for name in sheet.tables:
            if name.casefold() == TABLE_NAME.casefold():
                raise ConversionRefused(
                    f"Det finns redan en tabell {TABLE_NAME} på bladet {sheet.title!r}."
                )


def _create_table(ws: Worksheet, ref: str) -> None:
    if ws.auto_filter.ref:
        # A sheet filter over the same cells would clash with the table's own.
        ws.auto_filter = AutoFilter()
    table = Table(displayName=TABLE_NAME, name=TABLE_NAME, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table.autoFilter = AutoFilter(ref=ref)
    # openpyxl's default column names, renamed below; types-openpyxl leaves the method out.
    table._initialise_columns()  # type: ignore[attr-defined]
    min_col, header_row, _, _ = table_bounds(ref)
    for offset, column in enumerate(table.tableColumns):
        column.name = str(ws.cell(header_row, min_col + offset).value)
    ws.add_table(table)


def _rename_table(wb: Workbook, table: Table) -> int:
    """Rename the team's table; formulas that name it (``Tabell1[Status]``) follow, as in Excel."""
    old = f"{table.displayName or table.name}["
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if (
                    cell.data_type == "f"
                    and isinstance(value, str)
                    and old.casefold() in value.casefold()
                ):
                    cell.value = _replace_ci(value, old, f"{TABLE_NAME}[")
                    changed += 1
    # openpyxl keys ws.tables by name: re-key it under the new one.
    for ws in wb.worksheets:
        if table.name in ws.tables:
            del ws.tables[table.name]
            table.name = TABLE_NAME
            table.displayName = TABLE_NAME
            ws.add_table(table)
            break
    return changed


def _replace_ci(text: str, old: str, new: str) -> str:
    out, low, start = [], text.casefold(), 0
    while (at := low.find(old.casefold(), start)) >= 0:
        out.append(text[start:at] + new)
        start = at + len(old)
    return "".join(out) + text[start:]


def _check_right_of_table_is_free(book: TableBook) -> None:
    missing = [h for h in BOT_HEADERS if h not in book.columns]
    for offset in range(1, len(missing) + 1):
        col = book.max_col + offset
        for row in range(book.header_row, book.last_row + 1):
            if book.ws.cell(row, col).value not in (None, ""):
                raise ConversionRefused(
                    f"Boten behöver kolumnerna {', '.join(missing)} till höger om tabellen, men "
                    f"kolumn {get_column_letter(col)} är inte tom (t.ex. {get_column_letter(col)}{row}). "
                    "Flytta innehållet och försök igen."
                )


def _other_columns(book: TableBook) -> list[str]:
    known = set(book.columns.values())
    return [
        str(book.ws.cell(book.header_row, col).value)
        for col in range(book.min_col, book.max_col + 1)
        if col not in known
    ]


def _holds_customer_data(ws: Worksheet, book: TableBook, row: int) -> bool:
    headers = [HEADER_BY_FIELD[name] for name in CUSTOMER_FIELDS]
    return any(
        ws.cell(row, book.columns[h]).value not in (None, "") for h in headers if h in book.columns
    )


def _lossy_parts(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except zipfile.BadZipFile:
        raise ConversionRefused(f"{path.name} är ingen .xlsx-fil som går att läsa.") from None
    return sorted(
        {part.rstrip("/") for part in _LOSSY_PARTS for name in names if name.startswith(part)}
    )


def _read_back(path: Path, report: Report) -> None:
    """What the bot will see: its own Ledger reads the converted file."""
    cases = asyncio.run(LocalWorkbookLedger(path).list())
    seen = Counter(case.status.value for case in cases)
    if sum(seen.values()) != sum(report.statuses.values()):
        raise ConversionRefused(
            f"Kontrolläsningen hittade {sum(seen.values())} ärenden, väntade {sum(report.statuses.values())}. "
            f"Säkerhetskopian finns i {report.backup}."
        )


# -- the command ---------------------------------------------------------------


def describe(report: Report, *, dry_run: bool) -> str:
    lines = []
    prefix = "Skulle göra (--dry-run, inget skrivet):" if dry_run else "Klart."
    lines.append(prefix)
    lines.append(f"  Blad: {report.sheet}   Tabell {TABLE_NAME}: {report.table_ref}")
    if report.backup:
        lines.append(f"  Säkerhetskopia: {report.backup}")
    if report.created_table:
        lines.append(f"  Området {'blir' if dry_run else 'blev'} tabellen {TABLE_NAME}.")
    if report.renamed_table:
        lines.append(
            f"  Tabellen {report.renamed_table} {'döps' if dry_run else 'döptes'} om till {TABLE_NAME}"
            f" ({report.renamed_formulas} formler uppdaterade)."
        )
    for header in report.named_headers:
        lines.append(f"  Tom eller dubbel rubrik fick namn: {header}")
    if report.appended_columns:
        lines.append(f"  Nya kolumner till höger: {', '.join(report.appended_columns)}")
    if report.other_columns:
        lines.append(f"  Teamets egna kolumner, orörda: {', '.join(report.other_columns)}")
    if report.issued_ids:
        lines.append(
            f"  Ärende-ID till {len(report.issued_ids)} rader: {report.issued_ids[0]} … {report.issued_ids[-1]}"
        )
    if report.statuses:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items()))
        lines.append(f"  Boten ser: {counts}")
    for row, case_id in report.unreadable_status_rows:
        lines.append(
            f"  OBS rad {row} ({case_id}): Status är tom eller inte Ny/Påbörjad/Hanterad; "
            "boten visar raden först när Status är rättad."
        )
    for row, case_id in report.closed_rows_with_customer_data:
        lines.append(
            f"  OBS rad {row} ({case_id}): Hanterad men har kvar kunduppgifter; rutinen säger radera dem."
        )
    if not report.changed and not dry_run:
        lines.append("  Filen var redan konverterad; inget ändrades.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_workbook.convert",
        description=(
            'Gör om teamets "Stora ärenden" till tabellen StoraArenden som boten använder: '
            "behåller alla rader och kolumner, lägger till botens kolumner och Ärende-ID, "
            "och sparar först en säkerhetskopia bredvid filen."
        ),
    )
    parser.add_argument(
        "path", type=Path, help="arbetsboken (.xlsx), nedladdad från kanalens Filer"
    )
    parser.add_argument("--sheet", help="bladet med ärendena, om det inte hittas av sig självt")
    parser.add_argument(
        "--dry-run", action="store_true", help="visa vad som skulle göras, skriv inget"
    )
    parser.add_argument(
        "--allow-losing-drawings", action="store_true",
        help="konvertera trots bilder/diagram i filen (de följer inte med; säkerhetskopian har dem)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    # The read-back's warnings about unreadable rows are in the summary already.
    logging.basicConfig(level=logging.ERROR)
    if not args.path.is_file():
        print(f"{args.path} finns inte.", file=sys.stderr)
        return 2
    try:
        report = convert(
            args.path, sheet=args.sheet, dry_run=args.dry_run,
            allow_losing_drawings=args.allow_losing_drawings,
        )  # fmt: skip
    except ConversionRefused as refused:
        print(f"Inget ändrades: {refused}", file=sys.stderr)
        return 1
    except WorkbookLayoutError as problem:
        print(f"Inget ändrades: {problem.message}", file=sys.stderr)
        return 1
    print(describe(report, dry_run=args.dry_run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

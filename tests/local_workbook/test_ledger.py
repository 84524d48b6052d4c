"""The local Ledger: the shared contract, then what only a real .xlsx on disk can show."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableFormula
from openpyxl.worksheet.worksheet import Worksheet

from cases.clock import STOCKHOLM
from cases.columns import (
    BOT_HEADERS,
    HEADERS,
    REQUIRED_HEADERS,
    SHEET_NAME,
    STATE_SHEET,
    TABLE_NAME,
    UnreadableRow,
    WorkbookLayoutError,
    case_to_cells,
    normalise_header,
)
from cases.ledger import Conflict, Ledger, LedgerUnavailable
from cases.model import Case, Status
from local_workbook import template
from local_workbook.ledger import LocalWorkbookLedger
from tests.contract.ledger_contract import (
    T0,
    LedgerContract,
    claimed,
    closed,
    handed_over,
    registration,
    taken_over,
)

REPO = Path(__file__).resolve().parents[2]
YELLOW = PatternFill(fill_type="solid", fgColor="FFFF00")
GREEN = PatternFill(fill_type="solid", fgColor="00B050")


class TestLocalWorkbookLedger(LedgerContract):
    @pytest.fixture
    async def ledger(self, tmp_path: Path) -> Ledger:
        return LocalWorkbookLedger(tmp_path / "stora.xlsx")

    async def reopen(self, ledger: Ledger) -> Ledger:
        assert isinstance(ledger, LocalWorkbookLedger)
        return LocalWorkbookLedger(ledger.path)

    async def delete_row_by_hand(self, ledger: Ledger, case_id: str) -> None:
        assert isinstance(ledger, LocalWorkbookLedger)
        with edit(ledger.path) as (ws, table):
            row = row_of(ws, table, case_id)
            ws.delete_rows(row)
            first, top, last_col, bottom = range_boundaries(table.ref)
            set_ref(table, first, top, last_col, bottom - 1)


# -- a person's hand in Excel, through openpyxl ------------------------------------


@contextlib.contextmanager
def edit(path: Path) -> Iterator[tuple[Worksheet, Table]]:
    """Open, change and save in place, as Excel would: no lock, no atomic rename."""
    wb = load_workbook(path, rich_text=True)
    ws, table = find_table(wb)
    yield ws, table
    wb.save(path)


def find_table(wb: Workbook) -> tuple[Worksheet, Table]:
    for ws in wb.worksheets:
        if TABLE_NAME in ws.tables:
            return ws, ws.tables[TABLE_NAME]
    raise AssertionError("no table")


def col_of(ws: Worksheet, table: Table, header: str) -> int:
    first, top, last, _ = range_boundaries(table.ref)
    for col in range(first, last + 1):
        if normalise_header(ws.cell(top, col).value) == normalise_header(header):
            return col
    raise AssertionError(f"no column {header}")


def row_of(ws: Worksheet, table: Table, case_id: str) -> int:
    col = col_of(ws, table, "Ärende-ID")
    _, top, _, bottom = range_boundaries(table.ref)
    for row in range(top + 1, bottom + 1):
        if ws.cell(row, col).value == case_id:
            return row
    raise AssertionError(f"no row {case_id}")


def set_ref(table: Table, first: int, top: int, last: int, bottom: int) -> None:
    table.ref = f"{get_column_letter(first)}{top}:{get_column_letter(last)}{bottom}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def make_workbook(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]] = ()
) -> None:
    """A team's own workbook: their headers, in their order, on a sheet of their naming."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws.append(list(headers))
    for row in rows or [[None] * len(headers)]:
        ws.append(list(row))
    bottom = 1 + max(1, len(rows))
    table = Table(displayName=TABLE_NAME, ref=f"A1:{get_column_letter(len(headers))}{bottom}")
    ws.add_table(table)
    wb.save(path)


def table_headers(path: Path) -> list[object]:
    ws, table = find_table(load_workbook(path))
    first, top, last, _ = range_boundaries(table.ref)
    cells = [ws.cell(top, col).value for col in range(first, last + 1)]
    assert cells == [column.name for column in table.tableColumns]
    return cells


# -- the team's columns and formatting survive ----------------------------------------


async def test_the_teams_column_and_formatting_survive_a_whole_lifecycle(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    headers = (*HEADERS[:5], "Team-anteckning", *HEADERS[5:])
    make_workbook(path, headers)
    ledger = LocalWorkbookLedger(path)
    case = await ledger.add(registration())
    with edit(path) as (ws, table):
        row = row_of(ws, table, case.case_id)
        note = ws.cell(row, col_of(ws, table, "Team-anteckning"))
        note.value, note.fill, note.font = "Ring kunden först", YELLOW, Font(bold=True)
        ws.cell(row, col_of(ws, table, "Status")).fill = GREEN
        # A row a person keeps in the table for their own use: no Ärende-ID.
        ws.cell(row + 1, col_of(ws, table, "Kundnummer")).value = "egen rad"
        set_ref(table, 1, 1, len(headers), row + 1)

    case = await ledger.get(case.case_id)
    for step in (
        claimed,
        lambda c: handed_over(c, "Hälften klar"),
        lambda c: taken_over(c, "xcia"),
    ):
        case = await ledger.update(case, step(case))
    case = await ledger.update(case, closed(case))

    assert table_headers(path) == list(headers)
    ws, table = find_table(load_workbook(path))
    row = row_of(ws, table, case.case_id)
    note = ws.cell(row, col_of(ws, table, "Team-anteckning"))
    assert note.value == "Ring kunden först"
    assert note.font.b and note.fill.fgColor.rgb.endswith("FFFF00")
    status = ws.cell(row, col_of(ws, table, "Status"))
    assert status.value == "Hanterad" and status.fill.fgColor.rgb.endswith("00B050")
    assert ws.cell(row, col_of(ws, table, "Kundnummer")).value is None
    assert ws.cell(row + 1, col_of(ws, table, "Kundnummer")).value == "egen rad"
    assert await LocalWorkbookLedger(path).list() == [case]


async def test_columns_reordered_and_respelled_by_hand_still_map_by_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stora.xlsx"
    headers = [" ärende-id", "STATUS", "Hanteras  av", *HEADERS[:4], "eventuell kommentar"]
    headers += ["Senast ändrad", "Överlämnad", "Registrerad "]
    make_workbook(path, headers)
    ledger = LocalWorkbookLedger(path)
    case = await ledger.add(registration())
    case = await ledger.update(case, claimed(case, by="xbo"))

    ws, table = find_table(load_workbook(path))
    row = row_of(ws, table, case.case_id)
    cells = {h: ws.cell(row, col_of(ws, table, h)).value for h in headers}
    assert cells[" ärende-id"] == case.case_id
    assert (cells["STATUS"], cells["Hanteras  av"]) == ("Påbörjad", "xbo")
    assert cells["Kundnummer"] == case.customer_number
    assert cells["Registrerad "] == case_to_cells(case)["Registrerad"]
    # The bot's columns the workbook lacked are appended on the right.
    assert table_headers(path) == [*headers, "Antal ändringar", "Typ av ändring", "Kundtyp"]
    assert await LocalWorkbookLedger(path).get(case.case_id) == case


async def test_the_table_grows_by_one_row_per_add_and_new_rows_look_like_the_last(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    refs = []
    for n in range(3):
        if n == 1:  # a person colours the last row; the next row copies the look
            with edit(path) as (ws, _):
                ws["C2"].fill = YELLOW
        await ledger.add(registration(n))
        refs.append(find_table(load_workbook(path))[1].ref)
    # The template's empty row takes the first case; then one row per add.
    assert refs == ["A1:N2", "A1:N3", "A1:N4"]
    ws, table = find_table(load_workbook(path))
    assert table.autoFilter.ref == "A1:N4"
    assert ws["A4"].number_format == "@" and ws["A4"].value == "1000002"
    assert ws["C3"].fill.fgColor.rgb.endswith("FFFF00")


async def test_a_drop_down_and_a_calculated_column_reach_new_rows(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    template.create_workbook(path)
    ledger = LocalWorkbookLedger(path)
    await ledger.add(registration(1))
    with edit(path) as (ws, table):
        drop_down = DataValidation(type="list", formula1='"Ny,Påbörjad,Hanterad"')
        drop_down.add("E2:E2")
        ws.add_data_validation(drop_down)
        ws["O1"] = "Tecken"
        ws["O2"] = "=LEN(C2)"
        table.tableColumns.append(TableColumn(id=15, name="Tecken"))
        table.tableColumns[-1].calculatedColumnFormula = TableFormula(attr_text="LEN(C2)")
        set_ref(table, 1, 1, 15, 2)
    await ledger.add(registration(2))
    ws, _ = find_table(load_workbook(path))
    assert "E3" in ws.data_validations.dataValidation[0].sqref
    assert ws["O3"].value == "=LEN(C3)"


async def test_formula_like_text_is_saved_as_a_string_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    case = await ledger.add(
        registration(customer_number="-0012", cab_number="+4670", description="=1+1")
    )
    case = await ledger.update(case, claimed(case))
    await ledger.update(case, handed_over(case, '@SUM(A1)\n=HYPERLINK("x")'))

    ws, table = find_table(load_workbook(path))
    row = row_of(ws, table, case.case_id)
    for header, text in [
        ("Kundnummer", "-0012"),
        ("Ärendenummer CAB", "+4670"),
        ("Vad gäller ärendet", "=1+1"),
        ("Eventuell kommentar", '@SUM(A1)\n=HYPERLINK("x")'),
    ]:
        cell = ws.cell(row, col_of(ws, table, header))
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


# -- reading what a person typed ----------------------------------------------------


async def test_values_a_person_typed_are_read_leniently_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    added = await ledger.add(registration())
    started = await ledger.update(added, claimed(added))
    with edit(path) as (ws, table):
        row = row_of(ws, table, added.case_id)
        ws.cell(row, col_of(ws, table, "Status")).value = "påbörjad "
        ws.cell(row, col_of(ws, table, "Hanteras av")).value = " XBO"
        ws.cell(row, col_of(ws, table, "Senast ändrad")).value = datetime(2026, 11, 24, 10, 0)
        ws.cell(row, col_of(ws, table, "Kundnummer")).value = 1234567

    case = await ledger.get(added.case_id)
    assert (case.status, case.handler, case.customer_number) == (Status.PABORJAD, "xbo", "1234567")
    assert case.changed_at == datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
    assert case.registered_at == started.registered_at
    with pytest.raises(Conflict):  # the typed date counts as a change
        await ledger.update(started, handed_over(started, "x"))

    await ledger.update(case, handed_over(case, "Hälften klar"))
    ws, table = find_table(load_workbook(path))
    row = row_of(ws, table, added.case_id)
    # Cells the update had no reason to change keep what the person typed.
    assert ws.cell(row, col_of(ws, table, "Status")).value == "påbörjad "
    assert ws.cell(row, col_of(ws, table, "Kundnummer")).value == 1234567
    assert ws.cell(row, col_of(ws, table, "Senast ändrad")).value == "2026-11-24T10:30:00+01:00"


async def test_an_unreadable_row_is_skipped_in_lists_without_logging_customer_data(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    good = await ledger.add(registration(1))
    bad = await ledger.add(registration(2, customer_number="5566778", description="Hemlig"))
    with edit(path) as (ws, table):
        ws.cell(row_of(ws, table, bad.case_id), col_of(ws, table, "Status")).value = "Klar?"

    with caplog.at_level(logging.DEBUG):
        assert await ledger.list() == [good]
        with pytest.raises(UnreadableRow) as caught:
            await ledger.get(bad.case_id)
    assert caught.value.header == "Status" and bad.case_id in caught.value.message
    assert bad.case_id in caplog.text
    for secret in ("5566778", "Hemlig", "Klar?", bad.cab_number):
        assert secret not in caplog.text and secret not in caught.value.message


async def test_a_workbook_from_before_the_bot_gets_the_bots_columns(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    old_row = ["0001", "C1", "Gammalt ärende", "xold", "Påbörjad", "xold", "anteckning"]
    make_workbook(path, REQUIRED_HEADERS, [old_row])
    ledger = LocalWorkbookLedger(path)
    assert await ledger.list() == []  # rows without an Ärende-ID are not the bot's

    case = await ledger.add(registration())
    assert case.case_id == "SA-000001"
    assert table_headers(path) == list(REQUIRED_HEADERS + BOT_HEADERS)
    ws, table = find_table(load_workbook(path))
    assert [c.value for c in ws[2][:7]] == old_row
    assert row_of(ws, table, case.case_id) == 3
    assert await LocalWorkbookLedger(path).list() == [case]


async def test_a_workbook_without_the_handover_column_gets_it_when_needed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stora.xlsx"
    case = claimed(registration().with_id("SA-000007"))
    cells = case_to_cells(case)
    make_workbook(path, HEADERS[:-1], [[cells[h] for h in HEADERS[:-1]]])
    ledger = LocalWorkbookLedger(path)
    assert await ledger.get("SA-000007") == case

    free = await ledger.update(case, handed_over(case, "Över till nästa pass"))
    assert free.is_handed_over
    assert table_headers(path) == list(HEADERS)
    assert await LocalWorkbookLedger(path).get("SA-000007") == free
    assert (await ledger.add(registration(2))).case_id == "SA-000008"


@pytest.mark.parametrize(
    ("headers", "wanted"),
    [(HEADERS[:4] + HEADERS[5:], "Status"), (("Namn", "Datum"), "Kundnummer")],
)
async def test_a_workbook_without_a_routine_column_is_refused(
    tmp_path: Path, headers: Sequence[str], wanted: str
) -> None:
    path = tmp_path / "stora.xlsx"
    make_workbook(path, headers)
    with pytest.raises(WorkbookLayoutError) as caught:
        await LocalWorkbookLedger(path).list()
    assert wanted in caught.value.message


async def test_a_workbook_without_the_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    wb = Workbook()
    wb.active.append(list(HEADERS))
    wb.save(path)
    with pytest.raises(WorkbookLayoutError, match=TABLE_NAME):
        await LocalWorkbookLedger(path).get("SA-000001")


async def test_a_table_that_cannot_grow_is_refused_and_nothing_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    await ledger.add(registration(1))
    with edit(path) as (ws, _):
        ws["D3"] = "summa"
    before = path.read_bytes()
    with pytest.raises(WorkbookLayoutError):
        await ledger.add(registration(2))
    assert path.read_bytes() == before
    assert len(await ledger.list()) == 1


# -- IDs ----------------------------------------------------------------------------


async def test_ids_continue_above_ids_typed_by_hand_and_above_deleted_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    first = await ledger.add(registration(1))
    with edit(path) as (ws, table):
        ws.cell(
            row_of(ws, table, first.case_id), col_of(ws, table, "Ärende-ID")
        ).value = "SA-000100"
    assert (await ledger.add(registration(2))).case_id == "SA-000101"
    with edit(path) as (ws, table):  # every row emptied by hand
        for row in ws.iter_rows(min_row=2, max_row=3):
            for cell in row:
                cell.value = None
    assert (await ledger.add(registration(3))).case_id == "SA-000102"
    state = load_workbook(path)[STATE_SHEET]
    assert state.sheet_state == "veryHidden"
    assert (state["A1"].value, state["B1"].value) == ("last_id", 102)


async def test_the_clock_stamps_the_bots_state_sheet(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path, clock=lambda: T0)
    await ledger.add(registration())
    assert load_workbook(path)[STATE_SHEET]["B2"].value == "2026-11-23T09:00:00+01:00"


# -- file handling ------------------------------------------------------------------


async def test_a_missing_workbook_is_created_from_the_template(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "stora.xlsx"
    assert await LocalWorkbookLedger(path).list() == []
    assert table_headers(path) == list(HEADERS)
    assert load_workbook(path).sheetnames == [SHEET_NAME]


async def test_an_unchanged_file_is_not_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import local_workbook.ledger as module

    loads = []
    real_load = module.load_workbook
    monkeypatch.setattr(
        module, "load_workbook", lambda *a, **k: loads.append(1) or real_load(*a, **k)
    )
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    case = await ledger.add(registration())
    await ledger.get(case.case_id)
    await ledger.list()
    await ledger.update(case, claimed(case))
    assert len(loads) == 1  # its own saves do not make it reload

    other = await LocalWorkbookLedger(path).get(case.case_id)
    await LocalWorkbookLedger(path).update(other, handed_over(other, "från annan process"))
    assert (await ledger.get(case.case_id)).comment == "från annan process"
    assert len(loads) == 4


async def test_lists_from_a_warm_handle_match_a_fresh_read(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    a = await ledger.add(registration(1))
    assert await ledger.list() == [a]  # parsed and kept
    b = await ledger.add(registration(2))
    a2 = await ledger.update(a, claimed(a))
    await ledger.update(b, b)
    assert await ledger.list() == [a2, b] == await LocalWorkbookLedger(path).list()
    assert await ledger.list([Status.NY]) == [b]


async def test_two_handles_on_one_file_let_exactly_one_update_win(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    case = await LocalWorkbookLedger(path).add(registration())
    bo, cia = LocalWorkbookLedger(path), LocalWorkbookLedger(path)
    outcomes = await asyncio.gather(
        bo.update(case, claimed(case, by="xbo")),
        cia.update(case, claimed(case, by="xcia")),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Case", "Conflict"]
    winner = next(o for o in outcomes if isinstance(o, Case))
    assert await LocalWorkbookLedger(path).get(case.case_id) == winner


async def test_a_held_lock_makes_writes_unavailable_but_not_reads(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path, lock_timeout=0.2)
    case = await ledger.add(registration())
    with FileLock(f"{path}.lock"):
        with pytest.raises(LedgerUnavailable):
            await ledger.update(case, claimed(case))
        assert await LocalWorkbookLedger(path).get(case.case_id) == case
    assert await ledger.update(case, claimed(case)) == claimed(case)


async def test_saves_leave_no_temp_files_and_sweep_a_dead_writers(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    ledger = LocalWorkbookLedger(path)
    await ledger.add(registration(1))
    dead = tmp_path / ".~stora.xlsx.0123abcd.tmp"
    dead.write_bytes(b"half a zip")
    await ledger.add(registration(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stora.xlsx", "stora.xlsx.lock"]


async def test_a_corrupt_file_is_reported_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    path.write_bytes(b"Kundnummer 5566778 not a zip")
    with pytest.raises(LedgerUnavailable) as caught:
        await LocalWorkbookLedger(path).list()
    assert "5566778" not in caught.value.detail + caught.value.message


# -- other processes ----------------------------------------------------------------

WRITER = r"""
import asyncio, sys
from datetime import datetime
from cases.clock import STOCKHOLM
from cases.model import NewCase
from local_workbook.ledger import LocalWorkbookLedger

async def main(path, count, tag):
    ledger = LocalWorkbookLedger(path, lock_timeout=60)
    when = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
    for n in range(count):
        case = await ledger.add(NewCase(f"{n:07d}", f"{tag}-{n}", f"{tag} rad {n}", "xkid", when))
        print(case.case_id, flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
"""


def start_writer(path: Path, count: int, tag: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(count), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )


def prefill(path: Path, rows: int) -> None:
    """Enough rows that a save takes long enough to be caught in the middle."""
    template.create_workbook(path)
    with edit(path) as (ws, table):
        for n in range(rows):
            case = registration(n).with_id(f"SA-{n + 1:06d}")
            cells = case_to_cells(case)
            for col, header in enumerate(HEADERS, start=1):
                ws.cell(2 + n, col).value = cells[header] or None
        set_ref(table, 1, 1, len(HEADERS), 1 + rows)


def temp_files(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.endswith(".tmp")]


def spin_until(condition: Callable[[], object], what: str) -> None:
    """Busy-poll (no sleeping): the point is to catch a short moment."""
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")


def test_a_writer_killed_mid_save_loses_no_confirmed_row(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    prefill(path, 300)
    rng = random.Random(20261128)
    confirmed: list[str] = []
    killed_mid_save = 0
    for round_ in range(8):
        writer = start_writer(path, 10_000, f"r{round_}")
        assert writer.stdout is not None
        for _ in range(rng.randint(1, 3)):  # progress first: at least one add has returned
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else ""
            confirmed.append(line.strip())
        moment = round_ % 4  # 0: between saves, whatever it is doing right now
        if moment == 1:
            spin_until(lambda: temp_files(tmp_path), "a save to start")
        elif moment == 2:
            spin_until(
                lambda: any(size > 4096 for size in temp_sizes(tmp_path)),
                "a save to be half written",
            )
        elif moment == 3:  # the instant the workbook itself changes: a torn write shows here
            seen = file_identity(path)
            spin_until(lambda seen=seen: file_identity(path) != seen, "the workbook to change")
        writer.kill()
        writer.wait()
        confirmed += writer.stdout.read().split()  # confirmed before it died
        killed_mid_save += bool(temp_files(tmp_path))
        writer.stdout.close()
        if writer.stderr:
            writer.stderr.close()

    assert killed_mid_save >= 3
    load_workbook(path)  # still a whole workbook
    ledger = LocalWorkbookLedger(path)
    stored = {case.case_id: case for case in asyncio.run(ledger.list())}
    assert set(confirmed) <= set(stored)
    assert len(confirmed) == len(set(confirmed))
    assert all(stored[case_id].registered_by == "xkid" for case_id in confirmed)
    asyncio.run(ledger.add(registration()))  # the lock is free, the dead writers' temp swept
    assert temp_files(tmp_path) == []


def file_identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def temp_sizes(directory: Path) -> list[int]:
    sizes = []
    for path in temp_files(directory):
        with contextlib.suppress(FileNotFoundError):  # renamed into place meanwhile
            sizes.append(path.stat().st_size)
    return sizes


def test_two_processes_adding_at_once_lose_no_row_and_share_no_id(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    template.create_workbook(path)
    writers = [start_writer(path, 12, tag) for tag in ("p1", "p2")]
    ids = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        ids += out.split()
    assert len(ids) == len(set(ids)) == 24
    cases = asyncio.run(LocalWorkbookLedger(path).list())
    assert sorted(c.case_id for c in cases) == sorted(ids)
    assert {c.cab_number for c in cases} == {f"p{p}-{n}" for p in (1, 2) for n in range(12)}


# -- the template -------------------------------------------------------------------


def test_the_template_cli_creates_a_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "not-yet" / "stora.xlsx"  # its folder is made too
    cli = [sys.executable, "-m", "local_workbook.template", str(path)]
    done = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert table_headers(path) == list(HEADERS)

    wb = load_workbook(path)
    ws = wb[SHEET_NAME]
    table = ws.tables[TABLE_NAME]
    assert (table.ref, table.autoFilter.ref) == ("A1:N2", "A1:N2")
    assert all(cell.font.b for cell in ws[1])
    assert all(cell.number_format == "@" for cell in ws[2])
    assert ws.column_dimensions["C"].width >= 30

    with edit(path) as (ws, _):
        ws["A2"] = "ändrad för hand"
    before = path.read_bytes()
    refused = subprocess.run(cli, cwd=REPO, capture_output=True, text=True, check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert path.read_bytes() == before

    assert template.main([str(path), "--force"]) == 0
    assert load_workbook(path)[SHEET_NAME]["A2"].value is None


def test_create_workbook_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "stora.xlsx"
    path.write_bytes(b"someone's file")
    with pytest.raises(FileExistsError):
        template.create_workbook(path)
    assert path.read_bytes() == b"someone's file"
    assert [p.name for p in tmp_path.iterdir()] == ["stora.xlsx"]

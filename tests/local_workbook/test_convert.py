"""``python -m local_workbook.convert``: the team's own "Stora ärenden" file, made usable by the bot.

The workbook here is made by hand the way a team keeps such a file: a title
over the header, the routine's columns in their own order among the team's
own ("Datum", "Antal konfigs"), a drop-down on Status, a status typed in lower
case, one nobody can read ("Klar"), a closed case whose data was never wiped,
a customer number Excel turned into a number, a second sheet of instructions.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from cases.clock import STOCKHOLM
from cases.columns import SHEET_NAME, TABLE_NAME
from cases.model import NewCase, Status
from local_workbook import convert as conversion
from local_workbook.convert import ConversionRefused, convert, main
from local_workbook.ledger import LocalWorkbookLedger

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=STOCKHOLM)
HEADER = [
    "Datum", "Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet", "Antal konfigs",
    "Registrerat av", "Status", "Hanteras av", "Eventuell kommentar",
]  # fmt: skip
ROWS = [
    [
        datetime(2026, 10, 1),
        "0501234",
        "CAB-100",
        "Fakturaadress 40 konfigs",
        40,
        "xanna",
        "Ny",
        None,
        None,
    ],
    [
        datetime(2026, 10, 3),
        5012345,
        "CAB-101",
        "Intervall kvartal",
        18,
        "XBO",
        "påbörjad",
        "xbo",
        "Klar med 5",
    ],
    [datetime(2026, 9, 2), None, None, None, 22, "xcia", "Hanterad", "xcia", None],
    [datetime(2026, 9, 5), "7000001", "CAB-103", "Flytt 16 st", 16, "xbo", "Hanterad", "xbo", None],
    [datetime(2026, 10, 9), "7000002", "CAB-104", "E-faktura", 30, "xdan", "Klar", "xdan", None],
]
CUSTOMER_VALUES = (
    "0501234",
    "5012345",
    "CAB-10",
    "Fakturaadress",
    "Intervall",
    "Flytt 16",
    "Klar med 5",
)


def team_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws["A1"] = "Stora ärenden – Backoffice"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    for col, text in enumerate(HEADER, start=1):
        cell = ws.cell(2, col, text)
        cell.fill = PatternFill("solid", fgColor="FFD9E1F2")
        cell.font = Font(bold=True)
    for r, values in enumerate(ROWS, start=3):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
    ws.column_dimensions["D"].width = 40
    ws.freeze_panes = "A3"
    status = DataValidation(type="list", formula1='"Ny,Påbörjad,Hanterad"', allow_blank=True)
    status.add("G3:G7")
    ws.add_data_validation(status)
    help_sheet = wb.create_sheet("Instruktioner")
    help_sheet["A1"] = "Registrera ärenden med fler än 15 ändringar här."
    wb.save(path)
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return team_workbook(tmp_path / "Stora ärenden.xlsx")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


def test_the_team_file_becomes_the_table_with_every_row_and_column_kept(workbook: Path) -> None:
    before = openpyxl.load_workbook(workbook)["Stora ärenden"]
    original = digest(workbook)

    report = convert(workbook, clock=lambda: NOW)

    (backup,) = backups(workbook)
    assert backup == report.backup and backup.name == "Stora ärenden.backup-20261123-083000.xlsx"
    assert digest(backup) == original
    wb = openpyxl.load_workbook(workbook)
    ws = wb[SHEET_NAME]
    table = ws.tables[TABLE_NAME]
    assert table.ref == "A2:P7"  # the nine columns and five rows, then the bot's seven
    # Every value the team had is where it was.
    for row in before.iter_rows(min_row=1, max_row=7, max_col=9):
        for cell in row:
            assert ws[cell.coordinate].value == cell.value, cell.coordinate
    assert [ws.cell(2, c).value for c in range(10, 17)] == [
        "Ärende-ID",
        "Registrerad",
        "Senast ändrad",
        "Överlämnad",
        "Antal ändringar",
        "Typ av ändring",
        "Kundtyp",
    ]
    assert [ws.cell(r, 10).value for r in range(3, 8)] == [f"SA-00000{i}" for i in range(1, 6)]
    assert {ws.cell(r, 11).value for r in range(3, 8)} == {"2026-11-23T08:30:00+01:00"}
    # Formatting, the drop-down, the title, the other sheet: all kept.
    assert ws["A2"].fill.fgColor.rgb == "FFD9E1F2" and ws["A1"].font.b
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["D"].width == 40 and ws.freeze_panes == "A3"
    assert any("G3:G7" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert wb["Instruktioner"]["A1"].value.startswith("Registrera")

    assert report.issued_ids == [f"SA-00000{i}" for i in range(1, 6)]
    assert report.other_columns == ["Datum", "Antal konfigs"]
    assert report.unreadable_status_rows == [(7, "SA-000005")]
    assert report.closed_rows_with_customer_data == [(6, "SA-000004")]
    assert report.statuses == {"Ny": 1, "Påbörjad": 1, "Hanterad": 2}


def test_the_bot_reads_the_converted_file_and_registers_after_the_last_row(workbook: Path) -> None:
    convert(workbook, clock=lambda: NOW)
    ledger = LocalWorkbookLedger(workbook)
    cases = asyncio.run(ledger.list())
    assert [(c.case_id, c.status) for c in cases] == [
        ("SA-000001", Status.NY), ("SA-000002", Status.PABORJAD),
        ("SA-000003", Status.HANTERAD), ("SA-000004", Status.HANTERAD),
    ]  # fmt: skip
    assert cases[1].customer_number == "5012345" and cases[1].registered_by == "xbo"
    assert cases[0].registered_at == NOW

    new = NewCase(
        customer_number="5099999", cab_number="CAB-200", description="Ny registrering",
        registered_by="xanna", registered_at=NOW,
    )  # fmt: skip
    added = asyncio.run(ledger.add(new))
    assert added.case_id == "SA-000006"  # above every ID the conversion gave
    ws = openpyxl.load_workbook(workbook)[SHEET_NAME]
    assert ws.tables[TABLE_NAME].ref == "A2:P8"
    assert ws["B8"].value == "5099999" and ws["A8"].value is None and ws["E8"].value is None


def test_converting_again_changes_nothing_and_makes_no_backup(workbook: Path) -> None:
    convert(workbook, clock=lambda: NOW)
    once = digest(workbook)
    report = convert(workbook, clock=lambda: NOW.replace(hour=9))
    assert not report.changed and report.backup is None
    assert digest(workbook) == once
    assert len(backups(workbook)) == 1


def test_a_dry_run_writes_nothing(workbook: Path) -> None:
    original = digest(workbook)
    report = convert(workbook, dry_run=True, clock=lambda: NOW)
    assert report.created_table and len(report.issued_ids) == 5 and report.table_ref == "A2:P7"
    assert digest(workbook) == original and backups(workbook) == []


def test_a_new_row_added_by_hand_later_gets_the_next_id(workbook: Path) -> None:
    convert(workbook, clock=lambda: NOW)
    wb = openpyxl.load_workbook(workbook)
    ws = wb[SHEET_NAME]
    table = ws.tables[TABLE_NAME]
    table.ref = table.autoFilter.ref = "A2:P8"
    for col, value in zip(
        (2, 3, 4, 6, 7), ("7000003", "CAB-105", "Hand", "xanna", "Ny"), strict=True
    ):
        ws.cell(8, col, value)
    wb.save(workbook)
    report = convert(workbook, clock=lambda: NOW)
    assert report.issued_ids == ["SA-000006"]


def test_a_table_the_team_made_is_renamed_and_formulas_follow(tmp_path: Path) -> None:
    path = team_workbook(tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_NAME]
    ws.add_table(Table(displayName="Tabell1", name="Tabell1", ref="A2:I7"))
    wb["Instruktioner"]["B2"] = '=COUNTIF(Tabell1[Status],"Ny")'
    wb.save(path)

    report = convert(path, clock=lambda: NOW)

    assert report.renamed_table == "Tabell1" and report.renamed_formulas == 1
    wb = openpyxl.load_workbook(path)
    assert list(wb[SHEET_NAME].tables) == [TABLE_NAME]
    assert wb["Instruktioner"]["B2"].value == '=COUNTIF(StoraArenden[Status],"Ny")'
    assert wb[SHEET_NAME].tables[TABLE_NAME].ref == "A2:P7"


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda ws: ws.delete_cols(7), "Status"),  # a routine column missing
        (lambda ws: ws.merge_cells("B4:C4"), "Sammanfogade"),
        (lambda ws: ws.__setitem__("K5", "anteckning"), "kolumn K"),  # where the bot's columns go
    ],
    ids=["missing column", "merged cells", "column to the right in use"],
)
def test_a_file_that_cannot_be_converted_safely_is_left_untouched(
    tmp_path: Path, spoil: Callable[[Worksheet], object], says: str
) -> None:
    path = team_workbook(tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path)
    spoil(wb[SHEET_NAME])
    wb.save(path)
    original = digest(path)
    with pytest.raises(ConversionRefused, match=says):
        convert(path, clock=lambda: NOW)
    assert digest(path) == original and backups(path) == []


def test_pictures_would_be_lost_so_it_asks_first(tmp_path: Path) -> None:
    from openpyxl.drawing.image import Image as SheetImage
    from PIL import Image

    path = team_workbook(tmp_path / "wb.xlsx")
    picture = tmp_path / "logo.png"
    Image.new("RGB", (8, 8), "red").save(picture)
    wb = openpyxl.load_workbook(path)
    wb["Instruktioner"].add_image(SheetImage(str(picture)), "C3")
    wb.save(path)
    with pytest.raises(ConversionRefused, match="--allow-losing-drawings"):
        convert(path, clock=lambda: NOW)
    assert backups(path) == []
    report = convert(path, allow_losing_drawings=True, clock=lambda: NOW)
    assert report.backup is not None and "xl/media/" in "".join(
        __import__("zipfile").ZipFile(report.backup).namelist()
    )


def test_the_command_prints_what_it_did_without_customer_data(
    workbook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversion, "stockholm_now", lambda: NOW)
    assert main([str(workbook)]) == 0
    out = capsys.readouterr().out
    assert "Säkerhetskopia" in out and "SA-000001 … SA-000005" in out
    assert "rad 7 (SA-000005)" in out and "Status" in out
    assert not [value for value in CUSTOMER_VALUES if value in out]


def test_the_command_says_why_it_refused_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Namn", "Telefon"])
    wb.save(path)
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert "Inget ändrades" in err and "Kundnummer" in err

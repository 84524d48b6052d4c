"""What lands in the cells: text stays text, the team's columns and formats stay theirs.

The fake workbook reads values the way Excel does (``=`` starts a formula,
digits make a number, a leading apostrophe makes text; a cell formatted as
Text keeps what it is sent verbatim), so these tests would catch a bot that
sent user text the naive way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cases.columns import (
    ARENDE_ID,
    BESKRIVNING,
    BOT_HEADERS,
    CAB,
    HEADERS,
    KUNDNUMMER,
    REQUIRED_HEADERS,
)
from graph.errors import WriteNotVerified
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, closed, handed_over, registration
from tests.fakes.graph import FakeGraph
from tests.fakes.graph_workbook import Workbook

MakeLedger = Callable[..., GraphLedger]

TRICKY = [
    '=HYPERLINK("http://example.invalid","klicka")',
    "=1+1",
    "+46701234567",
    "-12",
    "@SUM(A1:A2)",
    "0012345",
    "'apostrof först",
    "2026-11-23",
    "TRUE",
    "\tindragen",
]


@pytest.fixture(params=["General", "@"], ids=["general-format", "text-format"])
async def fake_graph(request: pytest.FixtureRequest) -> FakeGraph:  # type: ignore[override]
    fake = FakeGraph(Workbook(number_format=request.param))
    await fake.start()
    yield fake  # type: ignore[misc]
    await fake.stop()


@pytest.mark.parametrize("text", TRICKY)
async def test_text_that_excel_would_read_otherwise_is_stored_as_that_text(
    fake_graph: FakeGraph, make_ledger: MakeLedger, text: str
) -> None:
    ledger = make_ledger()
    case = await ledger.add(
        registration(1, description=text, customer_number=text, cab_number=text)
    )
    assert (case.description, case.customer_number, case.cab_number) == (text, text, text)
    for header in (BESKRIVNING, KUNDNUMMER, CAB):
        cell = fake_graph.workbook.cell_of(case.case_id, header)
        assert cell.formula is None, header
        assert cell.value == text, header
    assert await make_ledger().get(case.case_id) == case


async def test_a_tricky_hand_over_note_is_stored_as_text(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    case = await ledger.update(case, claimed(case))
    note = "=Resten imorgon\n+ ring kunden"
    stored = await ledger.update(case, handed_over(case, note))
    cell = fake_graph.workbook.cell_of(case.case_id, "Eventuell kommentar")
    assert (stored.comment, cell.value, cell.formula) == (note, note, None)


async def test_a_column_reformatted_as_text_meanwhile_is_still_right(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """The bot's second try: the cell showed the apostrophe, so it sends the text as it is."""
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    case = await ledger.update(case, claimed(case))
    wb = fake_graph.workbook

    def reformat(_wb: object) -> None:  # someone formats the column as Text just then
        wb.cell_of(case.case_id, "Eventuell kommentar").number_format = "@"

    fake_graph.before("range.patch", reformat)
    stored = await ledger.update(case, handed_over(case, "=inte en formel"))
    assert stored.comment == "=inte en formel"
    assert wb.cell_of(case.case_id, "Eventuell kommentar").value == "=inte en formel"


async def test_the_teams_columns_and_formats_are_never_touched(
    make_ledger: MakeLedger, other_fake: Callable[..., Any]
) -> None:
    wb = Workbook(["Prio", *HEADERS[:4], "Anteckning", *HEADERS[4:]])
    ledger = make_ledger(fake=await other_fake(wb))
    case = await ledger.add(registration(1))
    wb.person_types(case.case_id, "Prio", "Hög")
    wb.person_types(case.case_id, "Anteckning", "=1+1")  # the team's own formula
    wb.cell_of(case.case_id, "Registrerad").number_format = "yyyy-mm-dd hh:mm"
    formats = {k: c.number_format for k, c in wb.t.sheet.cells.items()}
    for step in (claimed, lambda c: handed_over(c, "Halvvägs"), closed):
        case = await ledger.update(case, step(case))
    assert wb.cell_of(case.case_id, "Prio").value == "Hög"
    assert wb.cell_of(case.case_id, "Anteckning").formula == "=1+1"
    assert {k: c.number_format for k, c in wb.t.sheet.cells.items() if k in formats} == formats


async def test_the_templates_empty_row_is_used_first(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    case = await make_ledger().add(registration(1))
    wb = fake_graph.workbook
    assert wb.t.last_row == wb.t.header_row + 1
    assert wb.rows()[0][ARENDE_ID] == case.case_id


async def test_a_workbook_made_before_the_bot_gets_the_bots_columns(
    make_ledger: MakeLedger, other_fake: Callable[..., Any]
) -> None:
    wb = Workbook(REQUIRED_HEADERS)  # the routine's seven columns only
    ledger = make_ledger(fake=await other_fake(wb))
    case = await ledger.add(registration(1))
    # Each column comes with the first value for it: this registration has no count.
    later = ("Överlämnad", "Antal ändringar", "Typ av ändring", "Kundtyp")
    assert [h for h in wb.headers() if h in BOT_HEADERS] == [
        h for h in BOT_HEADERS if h not in later
    ]
    case = await ledger.update(case, claimed(case))
    handed = await ledger.update(case, handed_over(case, "Klar med hälften"))
    assert "Överlämnad" in wb.headers()
    assert handed.is_handed_over


async def test_a_new_row_formatted_otherwise_than_read_never_gets_a_formula(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    """The rows above turn Text between the bot's read and its rows/add (someone formats them)."""
    ledger = make_ledger()
    await ledger.add(registration(1))
    wb = fake_graph.workbook
    if wb.t.sheet.peek(wb.t.last_row, wb.t.first_col).number_format == "@":
        pytest.skip("the workbook is Text-formatted from the start")

    def format_last_row(number_format: str) -> None:
        for col in range(wb.t.first_col, wb.t.last_col + 1):
            wb.t.sheet.cell(wb.t.last_row, col).number_format = number_format

    fake_graph.before("rows.add", lambda _wb: format_last_row("@"))
    case = await ledger.add(registration(2, customer_number="0012345"))
    assert wb.cell_of(case.case_id, KUNDNUMMER).value == "0012345"  # repaired: sent as it is

    format_last_row("General")  # what the bot's next read sees ...
    fake_graph.before("rows.add", lambda _wb: format_last_row("@"))  # ... and then it changes
    with pytest.raises(WriteNotVerified):
        await ledger.add(registration(3, description="=1+1"))
    cells = [c for c in wb.t.sheet.cells.values() if c.formula]
    assert cells == []  # text with a stray apostrophe at worst, never a formula

"""A read of the whole table parses only the rows that changed since the last read.

Every stall scan (``POST /api/notify``) and every ``kö`` reads the whole table
through ``list``; parsing each row into a case was most of the bot's CPU in a
scan of 10,000 rows (bench.scan, issue 13), nearly all of them the same as at
the last read. Counted here: the calls of ``cases.columns.case_from_cells``
made from ``graph`` (the real function, counted on its way through). What a
read shows must stay what parsing every row would show: a person's edit in
Excel, ``TRUE`` typed where ``1`` was (equal in Python, not in a cell), a
column inserted, a row that cannot be read (skipped at every read, never
remembered).
"""

from __future__ import annotations

import gc
import secrets
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import cases.columns
from bot.app import create_app
from cases.clock import STOCKHOLM
from cases.columns import (
    HEADERS,
    KOMMENTAR,
    KUNDNUMMER,
    REGISTRERAD,
    STATUS,
    case_to_cells,
    format_case_id,
)
from cases.model import Case, NewCase, Status
from graph.ledger import GraphLedger
from tests.bot.conftest import Clock, on_loopback
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import settings_for

ROWS = 30
SECRET = "a-long-shared-secret-for-the-tests-0123456789"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=STOCKHOLM)


def fill(fake: FakeGraph, rows: int = ROWS) -> None:
    """``rows`` cases as the bot's writes leave them: every third open, the rest closed."""
    wb = fake.workbook
    t = wb.t
    for n in range(rows):
        case = NewCase(
            f"{100000 + n:07d}", f"{5000000 + n}", f"Ärende {n}", "xpia", T0 + timedelta(hours=n)
        ).with_id(format_case_id(n + 1))
        if n % 3:
            case = case.replace(
                status=Status.HANTERAD, customer_number="", cab_number="", description=""
            )
        cells = case_to_cells(case)
        for header in HEADERS:
            wb.t.sheet.cell(t.header_row + 1 + n, wb.col(header)).value = cells[header]
    t.last_row = t.header_row + rows


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``[n]``: rows parsed into cases by ``graph`` so far (each module's own import counted)."""
    real = cases.columns.case_from_cells
    count = [0]

    def counted(cells: Any) -> Any:
        count[0] += 1
        return real(cells)

    for name, module in list(sys.modules.items()):
        if name.startswith("graph.") and getattr(module, "case_from_cells", None) is real:
            monkeypatch.setattr(module, "case_from_cells", counted)
    return count


async def listed(ledger: GraphLedger, parsed: list[int]) -> tuple[dict[str, Any], int]:
    before = parsed[0]
    found = {case.case_id: case for case in await ledger.list()}
    return found, parsed[0] - before


async def test_a_read_parses_only_what_changed_and_shows_what_a_full_parse_would(
    fake_graph: FakeGraph, make_ledger: Callable[..., GraphLedger], parsed: list[int]
) -> None:
    fill(fake_graph)
    ledger = make_ledger()
    first, count = await listed(ledger, parsed)
    assert (len(first), count) == (ROWS, ROWS)

    again, count = await listed(ledger, parsed)
    assert again == first
    assert count == 0, "an unchanged table is parsed again"

    one, two = format_case_id(1), format_case_id(2)
    fake_graph.workbook.person_types(one, STATUS, "Påbörjad")
    fake_graph.workbook.person_types(two, KOMMENTAR, "1")  # Excel keeps the number 1
    edited, count = await listed(ledger, parsed)
    assert count == 2
    assert edited[one].status is Status.PABORJAD and edited[two].comment == "1"
    assert {k: v for k, v in edited.items() if k not in (one, two)} == {
        k: v for k, v in first.items() if k not in (one, two)
    }

    fake_graph.workbook.person_types(two, KOMMENTAR, "TRUE")  # True == 1, but reads "True"
    edited, count = await listed(ledger, parsed)
    assert (edited[two].comment, count) == ("True", 1)

    fake_graph.workbook.person_inserts_column("Teamets anteckning", at=0)
    moved, count = await listed(ledger, parsed)
    assert moved == edited
    assert count == ROWS, "a new header row: every row parsed under it"

    three = format_case_id(3)
    fake_graph.workbook.person_types(three, REGISTRERAD, "igår")
    for _ in range(2):  # skipped at each read, never remembered as read
        shown, count = await listed(ledger, parsed)
        assert three not in shown and count == 1


async def test_each_stall_scan_reads_the_table_once_and_parses_what_a_person_changed(
    tmp_path: Path,
    fake_graph: FakeGraph,
    make_ledger: Callable[..., GraphLedger],
    parsed: list[int],
) -> None:
    fill(fake_graph)
    settings = settings_for(tmp_path, STORA_NOTIFY_SECRET=SECRET, STORA_GRAPH_LATE_EDIT_CHECK=0)
    ledger = make_ledger(virtual=False)
    app = create_app(settings, ledger=ledger, clock=Clock(T0 + timedelta(days=3)))
    headers = {"Authorization": f"Bearer {SECRET}"}
    async with on_loopback(app) as url, aiohttp.ClientSession() as session:

        async def scan() -> tuple[dict[str, Any], int, int]:
            trips, before = sum(fake_graph.http.values()), parsed[0]
            async with session.post(f"{url}/api/notify", headers=headers) as answer:
                assert answer.status == 200
                report = await answer.json()
            return report, sum(fake_graph.http.values()) - trips, parsed[0] - before

        await scan()  # the first scan ever: the baseline
        report, trips, count = await scan()
        assert (report["open_cases"], trips, count) == (10, 1, 0)

        fake_graph.workbook.person_types(format_case_id(1), STATUS, "Hanterad")
        report, trips, count = await scan()
        assert (report["open_cases"], trips, count) == (9, 1, 1)


async def test_a_close_leaves_no_parsed_copy_of_the_customer_data_behind(
    fake_graph: FakeGraph, make_ledger: Callable[..., GraphLedger], parsed: list[int]
) -> None:
    fill(fake_graph)
    open_id = format_case_id(1)  # row 0: open
    # A number no other test's leftovers hold, so that every copy found is this ledger's.
    number = f"7{secrets.randbelow(10**8):08d}"
    fake_graph.workbook.person_types(open_id, KUNDNUMMER, number)
    ledger = make_ledger()
    await listed(ledger, parsed)
    await listed(ledger, parsed)  # both reads remembered: the memo's two generations

    def parsed_copies() -> int:
        gc.collect()
        return sum(
            1 for o in gc.get_objects() if isinstance(o, Case) and o.customer_number == number
        )

    current = await ledger.get(open_id)
    done = current.replace(
        status=Status.HANTERAD, customer_number="", cab_number="", description="", handler="xpia"
    )
    await ledger.update(current, done)
    del current
    assert parsed_copies() == 0, "the closed case's data lives on in the ledger's memory"
    _, count = await listed(ledger, parsed)
    assert count == ROWS  # the price: one full parse after a close

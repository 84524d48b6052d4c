"""A click on the local workbook: no load, one save, and only its own row written (issue 13).

openpyxl serialises every row of the sheet at each save, so a click on a
workbook of 1,000 cases cost ~100 ms and one of 10,000 over a second
(``python -m bench.ledger``). The Ledger keeps each row's XML between saves
(``local_workbook.row_cache``) and has openpyxl write only the rows a click
changed. This test counts, over real HTTP, what each click costs the workbook:
loads, saves and table rows serialised, with spies on openpyxl's own functions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import openpyxl
import pytest

import local_workbook.ledger as local_ledger
from bench.ledger import prefill
from bot.config import Settings
from cases.columns import SHEET_NAME
from tests.bot.conftest import ANNA, BO, CIA, Office, seat_team, serve
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes import teams
from tests.fakes.connector import FakeConnector
from tests.local_workbook.test_row_cache import RowCount

ROWS = 200  # cases already in the workbook, most of them closed
SECRET = "a-long-shared-secret-for-the-tests-0123456789"


class WorkbookSpy:
    """What the Ledger asked of openpyxl since the last ``reset``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loads = self.saves = 0
        self.rows = RowCount(monkeypatch)  # rows of the table's sheet serialised by a save
        load, save = local_ledger.load_workbook, local_ledger.save_atomically

        def counted_load(*args: Any, **kwargs: Any) -> Any:
            self.loads += 1
            return load(*args, **kwargs)

        def counted_save(*args: Any, **kwargs: Any) -> None:
            self.saves += 1
            with self.rows.saving():
                save(*args, **kwargs)

        monkeypatch.setattr(local_ledger, "load_workbook", counted_load)
        monkeypatch.setattr(local_ledger, "save_atomically", counted_save)

    @property
    def rows_saved(self) -> int:
        return self.rows.rows

    def reset(self) -> None:
        self.loads = self.saves = self.rows.rows = 0


@pytest.fixture
async def filled_office(tmp_path: Path) -> AsyncIterator[Office]:
    workbook = tmp_path / "stora-arenden.xlsx"
    prefill(workbook, ROWS, open_cases=5)
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    settings = Settings(
        _env_file=None,
        MicrosoftAppId="",
        STORA_STATE_DIR=tmp_path / "state",
        STORA_WORKBOOK=workbook,
        STORA_TENANT_ID=teams.TENANT,
        STORA_TEAM_ID=teams.TEAM,
        STORA_NOTIFY_INTERVAL_SECONDS=0,  # no scan reading the workbook between clicks
        STORA_NOTIFY_SECRET=SECRET,  # but one when the test asks: POST /api/notify
    )
    try:
        async with (
            aiohttp.ClientSession() as session,
            serve(settings, connector, session) as office,
        ):
            yield office
    finally:
        await connector.stop()


async def test_a_click_saves_once_and_serialises_only_its_own_row(
    filled_office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = filled_office
    spy = WorkbookSpy(monkeypatch)
    for agent, signature in ((ANNA, "xanna"), (BO, "xbo"), (CIA, "xcia")):
        await office.sign_up(agent, signature)
    assert spy.loads == 1  # the first look at the workbook
    await office.ledger.settle()  # its rows serialised in the background meanwhile

    async def click(name: str, what: Callable[[], Any], *, saves: int = 1) -> Any:
        spy.reset()
        answer = await what()
        assert (spy.loads, spy.saves) == (0, saves), name
        assert spy.rows_saved <= 1, (name, spy.rows_saved)  # ROWS + 1 before the cache
        return answer

    form = await office.say(ANNA, "registrera")
    await click("register", lambda: office.click(ANNA, form, "register", REGISTRATION))
    post = office.connector.top_level_posts()[-1]
    claimed = card_of(await click("claim", lambda: office.click(BO, post, "claim")))
    form = card_of(
        await click("form", lambda: office.click(BO, post, "handover.form", card=claimed), saves=0)
    )
    await click("hand over", lambda: office.click(BO, post, "handover", {"note": "Nä"}, card=form))
    notice = office.connector.last()
    await click("take over", lambda: office.click(CIA, notice, "takeover"))
    taken = card_of(await click("refresh", lambda: office.refresh(CIA, post), saves=0))
    form = card_of(
        await click("form", lambda: office.click(CIA, post, "close.form", card=taken), saves=0)
    )
    typed = {
        "changedIds": make_gsrn("73599910200000001"),
        "greeting": "AB",
        "emailChange": "fakturaadress",
        "emailValue": "Gatan 1",
    }
    sure = card_of(
        await click(
            "review", lambda: office.click(CIA, post, "close.review", typed, card=form), saves=0
        )
    )
    await click("close", lambda: office.click(CIA, post, "close", card=sure))

    # The file holds every row, the cached ones as the click-written one.
    rows = list(_table_rows(office.workbook))
    assert len(rows) == ROWS + 1
    last = rows[-1]
    assert (last["Status"], last["Hanteras av"], last["Kundnummer"]) == ("Hanterad", "xcia", None)
    assert rows[0]["Ärende-ID"] == "SA-000001" and rows[0]["Status"] == "Påbörjad"


async def test_after_an_edit_in_excel_one_load_and_the_edit_is_kept(
    filled_office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = filled_office
    spy = WorkbookSpy(monkeypatch)
    await office.sign_up(ANNA, "xanna")
    await office.ledger.settle()
    form = await office.say(ANNA, "registrera")
    await office.click(ANNA, form, "register", REGISTRATION)

    # Someone edits a cell of an old case in Excel, which saves the whole file.
    book = openpyxl.load_workbook(office.workbook)
    book[SHEET_NAME]["G3"] = "Ringt kunden"  # Eventuell kommentar of SA-000002
    book.save(office.workbook)

    spy.reset()
    form = await office.say(ANNA, "registrera")
    await office.click(ANNA, form, "register", REGISTRATION)
    assert (spy.loads, spy.saves) == (1, 1)  # the edit seen, once
    rows = list(_table_rows(office.workbook))
    assert rows[1]["Eventuell kommentar"] == "Ringt kunden"
    assert [row["Ärende-ID"] for row in rows[-2:]] == [f"SA-{ROWS + 1:06d}", f"SA-{ROWS + 2:06d}"]

    await office.ledger.settle()
    spy.reset()
    form = await office.say(ANNA, "registrera")
    await office.click(ANNA, form, "register", REGISTRATION)
    assert (spy.loads, spy.saves, spy.rows_saved) == (0, 1, 1)  # the cache again
    assert list(_table_rows(office.workbook))[1]["Eventuell kommentar"] == "Ringt kunden"


async def test_the_scan_that_reads_an_edit_readies_the_next_clicks_save(
    filled_office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = filled_office
    spy = WorkbookSpy(monkeypatch)
    await office.sign_up(ANNA, "xanna")
    book = openpyxl.load_workbook(office.workbook)
    book[SHEET_NAME]["G3"] = "Ringt kunden"  # an edit in Excel, whole file saved
    book.save(office.workbook)

    spy.reset()
    headers = {"Authorization": f"Bearer {SECRET}"}
    async with office.session.post(f"{office.url}/api/notify", headers=headers) as answer:
        assert answer.status == 200, await answer.text()
    assert spy.loads == 1  # the stall scan read the edited file
    # The rows are serialised after the load, off the scan's and the click's time.
    await office.ledger.settle()

    spy.reset()
    form = await office.say(ANNA, "registrera")
    await office.click(ANNA, form, "register", REGISTRATION)
    assert (spy.loads, spy.saves, spy.rows_saved) == (0, 1, 1)  # ROWS + 2 before
    assert list(_table_rows(office.workbook))[1]["Eventuell kommentar"] == "Ringt kunden"


def _table_rows(path: Path) -> Iterator[dict[str, object]]:
    sheet = openpyxl.load_workbook(path)[SHEET_NAME]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    for row in rows:
        if row[header.index("Ärende-ID")]:
            yield dict(zip(header, row, strict=True))

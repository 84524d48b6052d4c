"""A person's edit in Excel for the web that reaches Graph after the bot's write to the row.

End to end over HTTP: the bot's real app on the Graph Ledger, the fake Graph,
the fake Bot Connector. The fake makes a person's edit visible a few seconds
after it was made (``FakeGraph.person_edit``), on a clock the test moves, as
it moves the bot's; the read-back is run as an outside scheduler runs it,
``POST /api/notify``, once the bot's clock has passed the check's time.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from tests.bot.conftest import ANNA, BO, Clock, Office, on_loopback, seat_team
from tests.bot.test_lifecycle_e2e import CUSTOMER_VALUES, REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import texts
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import MakeLedger, settings_for

SECRET = "a-long-shared-secret-for-the-late-edit-tests-7"
CHECK_AFTER = 10  # STORA_GRAPH_LATE_EDIT_CHECK, the default
EXCEL_TEXT = "Kalle Ankas nya adress"  # what the person types in a customer column
CLOSE_INPUTS = {
    "changedIds": ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(2)),
    "greeting": "Fastighets AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123, 111 11 Staden",
}


class Bench:
    """Bot instances, one after another, on one fake Graph, one state folder and one clock."""

    def __init__(
        self,
        tmp_path: Path,
        fake: FakeGraph,
        make_ledger: MakeLedger,
        session: aiohttp.ClientSession,
    ) -> None:
        self.tmp_path = tmp_path
        self.fake = fake
        self.make_ledger = make_ledger
        self.session = session
        self.clock = Clock()
        # The person's edits become visible on the bot's own clock.
        fake.clock = lambda: self.clock.now.timestamp()
        self.connector = FakeConnector()

    @contextlib.asynccontextmanager
    async def bot(self) -> AsyncIterator[Office]:
        settings = settings_for(
            self.tmp_path, STORA_NOTIFY_SECRET=SECRET, STORA_NOTIFY_POSTS_PER_SECOND=1000,
            STORA_REDRAW_RETRY_SECONDS=0,
        )  # fmt: skip
        ledger = self.make_ledger(virtual=False)
        app = create_app(settings, ledger=ledger, clock=self.clock)
        async with on_loopback(app) as url:
            yield Office(url, self.connector, ledger, self.clock, self.tmp_path, self.session, app)  # type: ignore[arg-type]

    async def read_back(self, office: Office) -> None:
        """The bot's clock past the check's time, then ``POST /api/notify``."""
        self.clock.advance(seconds=CHECK_AFTER + 1)
        headers = {"Authorization": f"Bearer {SECRET}"}
        async with self.session.post(f"{office.url}/api/notify", headers=headers) as response:
            assert response.status == 200, await response.text()


@pytest.fixture
async def bench(
    tmp_path: Path, fake_graph: FakeGraph, make_ledger: MakeLedger
) -> AsyncIterator[Bench]:
    async with aiohttp.ClientSession() as session:
        bench = Bench(tmp_path, fake_graph, make_ledger, session)
        await bench.connector.start()
        seat_team(bench.connector)
        try:
            yield bench
        finally:
            await bench.connector.stop()


async def registered(office: Office) -> Post:
    """Anna registers a case, Bo signs up: the case's card in the channel."""
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    (post,) = office.connector.top_level_posts()
    return post


def olle_claims_in_excel(fake: FakeGraph) -> None:
    """Olle types his claim into the row in Excel for the web; Graph sees it 5 s later."""

    def claim(wb: Any) -> None:
        wb.person_types("SA-000001", "Status", "Påbörjad")
        wb.person_types("SA-000001", "Hanteras av", "xolle")

    fake.person_edit(claim, visible_after=5)


def replies_in_thread(office: Office, post: Post) -> list[Post]:
    return [p for p in office.connector.in_conversation(post.conversation_id) if p.reply_to]


def mentions(reply: Post) -> list[str]:
    return [
        e["mentioned"]["id"]
        for e in reply.activity.get("entities") or []
        if e.get("type") == "mention"
    ]


def assert_no_customer_data(office: Office, caplog: pytest.LogCaptureFixture, *more: str) -> None:
    shown = office.connector.all_text()
    for value in (*CUSTOMER_VALUES, *more):
        assert value not in shown
        assert value not in caplog.text


async def test_a_claim_overwritten_by_a_late_excel_edit_is_redrawn_and_the_agent_told(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with bench.bot() as office:
        post = await registered(office)
        olle_claims_in_excel(bench.fake)
        bench.clock.advance(seconds=1)  # Bo clicks a second later: Graph does not see Olle's yet
        answer = card_of(await office.click(BO, post, "claim"))
        assert "xbo" in texts(answer)
        assert bench.fake.workbook.rows()[0]["Hanteras av"] == "xbo"
        assert "late-edit-checks" in _state_text(bench.tmp_path)  # kept for after a restart
        assert not any(value in _state_text(bench.tmp_path) for value in CUSTOMER_VALUES)
        before = len(office.connector.posts)

        await bench.read_back(office)

        # Olle's edit landed after Bo's write: the workbook holds Olle's claim, and the
        # channel card shows it rather than Bo's.
        assert bench.fake.workbook.rows()[0]["Hanteras av"] == "xolle"
        assert "xolle" in texts(office.connector.posts[post.activity_id].card)
        (told,) = [p for p in replies_in_thread(office, post) if p.text]
        assert len(office.connector.posts) == before + 1
        assert mentions(told) == [BO.mri]
        assert told.text.startswith(f"<at>{BO.name}</at> SA-000001 ändrades i Excel samtidigt")
        assert "(Hanteras av)" in told.text  # the one column that no longer holds Bo's
        assert_no_customer_data(office, caplog)


async def test_without_a_late_edit_the_row_is_read_back_and_nothing_else_happens(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    async with bench.bot() as office:
        post = await registered(office)
        card_of(await office.click(BO, post, "claim"))
        posts, puts = len(office.connector.posts), _puts(office)
        bench.fake.reset_counts()

        await bench.read_back(office)

        assert bench.fake.counts["range.get"] == 1  # the row, read back once
        assert bench.fake.writes == 0
        assert len(office.connector.posts) == posts and _puts(office) == puts
        assert bench.fake.workbook.rows()[0]["Hanteras av"] == "xbo"


async def test_customer_data_put_back_by_a_late_edit_after_a_close_is_wiped_again(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with bench.bot() as office:
        post = await registered(office)
        claimed = card_of(await office.click(BO, post, "claim"))
        await bench.read_back(office)  # the claim's own check: nothing changed
        form = card_of(await office.click(BO, post, "close.form", card=claimed))
        # Fortsätt first: the person's edit lands while Bo reads the confirmation.
        sure = card_of(await office.click(BO, post, "close.review", CLOSE_INPUTS, card=form))
        bench.fake.person_edit(
            lambda wb: wb.person_types("SA-000001", "Vad gäller ärendet", EXCEL_TEXT),
            visible_after=5,
        )
        bench.clock.advance(seconds=1)
        card_of(await office.click(BO, post, "close", card=sure))
        assert bench.fake.workbook.rows()[0]["Vad gäller ärendet"] == ""

        await bench.read_back(office)

        (row,) = bench.fake.workbook.rows()
        assert row["Status"] == "Hanterad"
        assert all(row[h] == "" for h in ("Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet"))
        (told,) = [p for p in replies_in_thread(office, post) if p.text]
        assert mentions(told) == [BO.mri]
        assert (
            "SA-000001 ändrades i Excel samtidigt som du stängde det (Vad gäller ärendet)"
            in told.text
        )
        assert "raderade kunduppgifterna igen" in told.text
        assert_no_customer_data(office, caplog, EXCEL_TEXT)
        assert EXCEL_TEXT not in _state_text(bench.tmp_path)


async def test_a_check_left_by_a_stopped_bot_is_run_by_the_next_one(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    async with bench.bot() as office:
        post = await registered(office)
        olle_claims_in_excel(bench.fake)
        bench.clock.advance(seconds=1)
        card_of(await office.click(BO, post, "claim"))
    # Stopped before the check was due; a new process on the same state and workbook.
    async with bench.bot() as office:
        await bench.read_back(office)
        (told,) = [p for p in replies_in_thread(office, post) if p.text]
        assert mentions(told) == [BO.mri] and "(Hanteras av)" in told.text


def _puts(office: Office) -> int:
    return sum(1 for call in office.connector.calls if call.method == "PUT")


def _state_text(tmp_path: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in (tmp_path / "state").rglob("*.json"))

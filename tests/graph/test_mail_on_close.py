"""Issue 14: the close also makes the e-mail a draft in the team's mailbox (STORA_MAILBOX).

The bot's real app over HTTP, the workbook local or in the fake Graph, the
mailbox in the fake Graph (tests/fakes/graph_mail.py). The close makes one
draft, with the routine's text and no recipient, and its card links to it;
when the draft cannot be made, the case is closed all the same and the agent
copies the text. Nothing of the e-mail reaches the logs or the bot's state.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.actions.email_input import draft_from_form
from bot.app import create_app
from bot.mail_drafts import SUBJECT
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.conftest import BO, Clock, Office, on_loopback, seat_team
from tests.bot.test_close_confirm_e2e import TYPED, cells, registered_and_claimed
from tests.bot.test_lifecycle_e2e import card_of, workbook_rows
from tests.fakes.cardwalk import texts, walk
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import FixedToken
from tests.graph.test_bot_on_graph import settings_for

TEAM_MAILBOX = "backoffice@contoso.se"
MAIL_DEADLINE = 1.5  # seconds
EMAIL = draft_from_form(TYPED)  # the routine's text for what the agent typed
MADE = "Mejlet ligger som utkast i backoffice@contoso.se."
NOT_MADE = "Utkastet kunde inte skapas i backoffice@contoso.se. Kopiera texten nedan till Outlook."
MAYBE = (
    "Titta efter ett utkast i backoffice@contoso.se innan du kopierar texten nedan: "
    "det kan redan finnas."
)

Rows = Callable[[], list[dict[str, Any]]]


@pytest.fixture(params=["local", "graph"])
async def office(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    fake_graph: FakeGraph,
    make_ledger: Callable[..., Any],
) -> AsyncIterator[tuple[Office, Rows]]:
    """The bot with STORA_MAILBOX, its cases in a local workbook or in the fake Graph."""
    fake_graph.mail.allow(TEAM_MAILBOX)
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    workbook = tmp_path / "stora-arenden.xlsx"
    settings = settings_for(
        tmp_path,
        STORA_WORKBOOK=workbook,
        STORA_MAILBOX=TEAM_MAILBOX,
        STORA_GRAPH_BASE_URL=fake_graph.base_url,
        # The mailbox's deadline: short, yet well above a loopback answer on a busy machine.
        STORA_GRAPH_DEADLINE=MAIL_DEADLINE,
    )
    on_graph = request.param == "graph"
    if on_graph:
        ledger = make_ledger(virtual=False)  # the workbook keeps its own, longer deadline
    else:
        ledger = LocalWorkbookLedger(workbook, lock_timeout=2.5)
    clock = Clock()
    app = create_app(settings, ledger=ledger, clock=clock, graph_credential=FixedToken())
    try:
        async with on_loopback(app) as url, aiohttp.ClientSession() as session:
            office = Office(url, connector, ledger, clock, workbook, session, app)  # type: ignore[arg-type]
            yield office, fake_graph.workbook.rows if on_graph else lambda: workbook_rows(office)
    finally:
        await connector.stop()


async def close(office: Office) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    post, form = await registered_and_claimed(office)
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    return post, confirmation, card_of(await office.click(BO, post, "close", card=confirmation))


def closed(rows: Rows) -> None:
    (row,) = rows()
    assert cells(row, "Status", "Kundnummer", "Ärendenummer CAB") == ("Hanterad", "", "")


def to_copy(card: dict[str, Any]) -> str:
    """The e-mail in the block the agent copies from."""
    (block,) = [node for node in walk(card) if node.get("id") == "emailDraft"]
    return str(block.get("codeSnippet"))


def open_links(card: dict[str, Any]) -> list[str]:
    return [node["url"] for node in walk(card) if node.get("type") == "Action.OpenUrl"]


async def test_the_close_makes_one_draft_with_the_routines_text_and_no_recipient(
    office: tuple[Office, Rows], fake_graph: FakeGraph
) -> None:
    bot, rows = office
    post, confirmation, answer = await close(bot)
    closed(rows)
    (draft,) = fake_graph.mail.drafts[TEAM_MAILBOX].values()
    assert draft["subject"] == SUBJECT
    assert draft["body"] == {"contentType": "text", "content": EMAIL}
    assert draft["toRecipients"] == draft["ccRecipients"] == draft["bccRecipients"] == []
    assert MADE in texts(answer)
    assert open_links(answer) == [draft["webLink"]]
    assert to_copy(answer) == EMAIL  # the text to copy stays, as before

    # Ja clicked again: the text again, no second draft, and a word about the first.
    again = card_of(await bot.click(BO, post, "close", card=confirmation))
    assert to_copy(again) == EMAIL
    assert MAYBE in texts(again) and NOT_MADE not in texts(again)
    assert len(fake_graph.mail.all_drafts()) == 1
    assert fake_graph.http["messages.post"] == 1


FAILURES = {
    # The app's scope leaves the mailbox out: 403 ErrorAccessDenied.
    "refused": lambda fake: fake.mail.scoped.clear(),
    # Graph busy for longer than the click can wait.
    "503 storm": lambda fake: fake.inject("messages.post", status=503, times=99),
    # Made, but the answer comes after the deadline: the outcome unknown to the bot.
    "timeout": lambda fake: fake.inject("messages.post", delay=MAIL_DEADLINE + 0.5, process=True),
    # Made, but the gateway's answer is an error: 504 after Graph did the work.
    "504 after made": lambda fake: fake.inject("messages.post", status=504, process=True),
}
# Where Graph may have made the draft, the agent is told to look, not that there is none.
MAY_EXIST = {"timeout", "504 after made"}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_a_draft_that_cannot_be_made_leaves_the_close_done_and_the_text_to_copy(
    office: tuple[Office, Rows],
    fake_graph: FakeGraph,
    failure: str,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    bot, rows = office
    FAILURES[failure](fake_graph)
    caplog.set_level(logging.DEBUG)
    _, _, answer = await close(bot)
    closed(rows)
    shown = texts(answer)
    told = MAYBE if failure in MAY_EXIST else NOT_MADE
    assert told in shown and MADE not in shown
    assert (MAYBE if told == NOT_MADE else NOT_MADE) not in shown
    assert to_copy(answer) == EMAIL and open_links(answer) == []
    assert "SA-000001 är hanterat" in shown
    made = len(fake_graph.mail.all_drafts())
    if failure in MAY_EXIST:
        assert fake_graph.http["messages.post"] == 1 and made == 1  # never a second one
    elif failure == "refused":
        assert fake_graph.http["messages.post"] == 1 and made == 0
    else:
        assert made == 0
    _nothing_of_the_email_kept(caplog, tmp_path, fake_graph)


async def test_nothing_of_the_email_is_logged_or_kept(
    office: tuple[Office, Rows],
    fake_graph: FakeGraph,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    bot, _ = office
    caplog.set_level(logging.DEBUG)
    await close(bot)
    assert len(fake_graph.mail.all_drafts()) == 1
    _nothing_of_the_email_kept(caplog, tmp_path, fake_graph)


def _nothing_of_the_email_kept(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, fake: FakeGraph
) -> None:
    secrets = [TYPED["greeting"], "Gatunamnet 123", *EMAIL.split("\n"), SUBJECT]
    for draft in fake.mail.all_drafts():
        secrets += [draft["id"], draft["webLink"]]
    secrets = [s for s in secrets if s.strip()]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert [s for s in secrets if s in logged] == []
    state = tmp_path / "state"
    kept = "\n".join(p.read_text(errors="replace") for p in state.rglob("*") if p.is_file())
    assert [s for s in secrets if s in kept] == []

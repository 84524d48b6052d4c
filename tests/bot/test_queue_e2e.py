"""The queue over real HTTP: its buttons, its search, its link, and agents by name.

The queue ("kö", "mina") is a message in the channel: ids, statuses, names and
ages, with the buttons the agent who asked may use. A click on it, and a
search, answer the clicker alone (the invoke's answer): the only place
customer data may show. Nothing of a search reaches the channel or the logs.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from bot.config import Settings
from cases import lifecycle
from cases.model import NewCase, Status
from tests.bot.conftest import ANNA, BO, CIA, Office, serve
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of, case_post, workbook_rows
from tests.cards.queue_rows import queue_rows, row_of
from tests.fakes import teams
from tests.fakes.cardwalk import buttons, inputs, texts, walk
from tests.fakes.connector import FakeConnector, Post

CUSTOMER_VALUES = ("5012345", "9876543", "22 fakturaadresser")


async def register(office: Office, agent: Any = ANNA, **typed: str) -> str:
    """A 22-change case registered by ``agent`` (signed up already); its Ärende-ID."""
    form = await office.say(agent, "registrera")
    answer = card_of(await office.click(agent, form, "register", {**REGISTRATION, **typed}))
    return re.search(r"SA-[0-9]+", texts(answer)).group()  # type: ignore[union-attr]


async def click_row(
    office: Office, agent: Any, post: Post, case_id: str, verb: str, card: dict | None = None
) -> dict[str, Any]:
    """Click ``verb`` on ``case_id``'s line of the queue (default: the message as posted)."""
    action = row_of(card or post.card, case_id).buttons[verb]
    return await office.invoke(agent, post, verb, action["data"])


async def search(office: Office, agent: Any, post: Post, typed: str) -> dict[str, Any]:
    """Type ``typed`` in the queue's search field and click Sök."""
    action = buttons(post.card)["search"]
    return await office.invoke(agent, post, "search", {**action["data"], "query": typed})


def sent_to_teams(office: Office) -> list[Any]:
    """Every message the bot posted or updated, as sent (not the member look-ups)."""
    return [c.body for c in office.connector.calls if c.method in ("POST", "PUT")]


async def test_the_queue_carries_each_viewers_buttons_and_a_claim_from_it_claims(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    first = await register(office)
    second = await register(office, customerNumber="5099999")
    card_post = office.connector.top_level_posts()[0]
    card_of(await office.click(ANNA, card_post, "claim"))  # Anna works on the first

    queue = await office.say(BO, "kö")
    rows = {row.case_id: set(row.buttons) for row in queue_rows(queue.card)}
    assert rows == {first: {"takeover", "details"}, second: {"claim", "details"}}
    for row in queue_rows(queue.card):  # the case card's data, and where it was drawn
        assert row.buttons["details"]["data"]["caseId"] == row.case_id
        assert row.buttons["details"]["data"]["view"] == "queue"
        assert row.buttons["details"]["data"]["version"]
    # Teams refreshes it for Bo alone: the colleagues see the buttons drawn for him.
    assert queue.card["refresh"]["userIds"] == [BO.mri]
    assert queue.card["refresh"]["action"]["verb"] == "queue"
    assert not any(value in texts(queue.card) for value in CUSTOMER_VALUES)

    claimed = card_of(await click_row(office, BO, queue, second, "claim"))
    row = next(r for r in workbook_rows(office) if r["Ärende-ID"] == second)
    assert (row["Status"], row["Hanteras av"]) == ("Påbörjad", "xbo")
    # Answered with Bo's own view of the case: the data to start work, the next
    # steps, and the way back; the queue comes back when Teams next draws it.
    assert "5099999" in texts(claimed)
    assert {"handover.form", "close.form", "queue"} <= set(buttons(claimed))
    assert claimed["refresh"]["action"] == {
        "type": "Action.Execute",
        "verb": "queue",
        "data": {"view": "queue"},
    }
    assert claimed["refresh"]["userIds"] == [BO.mri]
    # The message in the channel is untouched, and still holds no customer data.
    assert not any(value in json.dumps(queue.card) for value in ("5099999", *CUSTOMER_VALUES))

    back = card_of(await office.click(BO, queue, "queue", card=claimed))
    assert "Bo Berg (xbo)" in row_of(back, second).text
    assert set(row_of(back, second).buttons) == {"details"}  # his own: nothing to take

    # Cia clicks Påbörja on Bo's queue as it was posted: the usual answer to a
    # stale click, and nothing changes.
    await office.sign_up(CIA, "xcia")
    stale = card_of(await click_row(office, CIA, queue, second, "claim"))
    assert "xbo" in texts(stale) and set(buttons(stale)) >= {"takeover", "queue"}
    row = next(r for r in workbook_rows(office) if r["Ärende-ID"] == second)
    assert row["Hanteras av"] == "xbo"


async def test_mine_lists_the_askers_cases_with_their_buttons(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    mine_new = await register(office, BO)
    other = await register(office)
    mine = await office.say(BO, "mina")
    assert [row.case_id for row in queue_rows(mine.card)] == [mine_new]
    assert set(row_of(mine.card, mine_new).buttons) == {"claim", "details"}
    details = card_of(await click_row(office, BO, mine, mine_new, "details"))
    assert "5012345" in texts(details)
    assert buttons(details)["queue"]["data"] == {"view": "mine"}
    assert other not in texts(mine.card)


async def test_a_search_by_customer_number_or_cab_answers_the_searcher_only(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    by_customer = await register(office, customerNumber="5011111", cabNumber="1234567")
    by_cab = await register(office, customerNumber="5022222", cabNumber="876543")
    queue = await office.say(BO, "kö")
    before = len(sent_to_teams(office))

    found = card_of(await search(office, BO, queue, "501 1111"))
    assert by_customer in texts(found) and "1234567" in texts(found)
    found = card_of(await search(office, BO, queue, "CAB-876543"))
    assert by_cab in texts(found) and "5022222" in texts(found)
    assert buttons(found)["queue"]["data"] == {"view": "queue"}  # the way back
    # A CAB number is looked for among CAB numbers only.
    none = card_of(await search(office, BO, queue, "CAB-5011111"))
    assert "Inget öppet ärende har det Kundnumret eller CAB-numret." in texts(none)
    assert inputs(none)["query"]["value"] == "CAB-5011111"  # kept in the field
    assert {row.case_id for row in queue_rows(none)} == {by_customer, by_cab}

    bad = card_of(await search(office, BO, queue, "abc"))
    assert inputs(bad)["query"]["value"] == "abc"
    assert any(n.get("id") == "queryError" for n in walk(bad))

    # Nothing was posted or redrawn, and no log line holds what was typed.
    assert len(sent_to_teams(office)) == before
    for typed in ("5011111", "501 1111", "876543", "CAB-5011111"):
        assert typed not in json.dumps(sent_to_teams(office), ensure_ascii=False)
        for record in caplog.records:
            assert typed not in record.getMessage(), record.getMessage()
            assert typed not in json.dumps(record.__dict__, default=str), record.getMessage()


async def test_several_cases_with_the_number_are_listed_each_with_its_buttons(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    one = await register(office, cabNumber="1111111")
    two = await register(office, cabNumber="2222222")
    queue = await office.say(BO, "kö")
    listed = card_of(await search(office, BO, queue, "5012345"))
    shown = texts(listed)
    assert "2 öppna ärenden har det numret." in shown
    assert one in shown and two in shown and "1111111" in shown and "2222222" in shown
    assert inputs(listed)["query"]["value"] == "5012345"
    claimed = card_of(await click_row(office, BO, queue, two, "claim", card=listed))
    assert (await office.ledger.get(two)).handler == "xbo"
    assert "queue" in buttons(claimed)


async def test_cards_and_the_queue_name_agents_with_their_signatures(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    case_id = await register(office)
    post = case_post(office)
    assert "Anna Andersson (xanna)" in texts(post.card)  # Registrerat av
    card_of(await office.click(BO, post, "claim"))
    assert "Bo Berg (xbo)" in texts(post.card)  # Hanteras av, on the channel's card
    form = card_of(await office.refresh(BO, post))
    form = card_of(await office.click(BO, post, "handover.form", card=form))
    card_of(await office.click(BO, post, "handover", {"note": "Halvvägs"}, card=form))
    notice = office.connector.last()
    assert "Bo Berg (xbo)" in texts(notice.card)  # the "free to take" notice
    assert "Bo Berg (xbo)" in texts(post.card)  # "Lämnat av" on the case card
    queue = await office.say(CIA, "kö")
    assert "Bo Berg (xbo)" in row_of(queue.card, case_id).text

    # A signature nobody bound in the bot (written in Excel, say): shown alone.
    new = await office.ledger.add(NewCase("5033333", "3333333", "Flytt", "xold", office.clock.now))
    started = lifecycle.claim(new, actor="xold", now=office.clock.now)
    await office.ledger.update(new, started)
    queue = await office.say(CIA, "kö")
    assert row_of(queue.card, new.case_id).text.startswith("xold · ")


async def test_the_local_workbook_has_no_link_unless_one_is_set(
    office: Office, tmp_path: Any
) -> None:
    queue = await office.say(ANNA, "kö")
    assert not [n for n in walk(queue.card) if n.get("type") == "Action.OpenUrl"]

    url = "https://contoso.sharepoint.com/sites/Backoffice/Delade%20dokument/Stora.xlsx"
    connector = FakeConnector()
    await connector.start()
    settings = Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "other-state",
        STORA_WORKBOOK=tmp_path / "other.xlsx", STORA_TENANT_ID=teams.TENANT,
        STORA_TEAM_ID=teams.TEAM, STORA_WORKBOOK_URL=url,
    )  # fmt: skip
    try:
        for agent in (ANNA, BO):
            connector.add_member(teams.TEAM, agent.account())
        async with serve(settings, connector, office.session) as other:
            queue = await other.say(ANNA, "kö")
    finally:
        await connector.stop()
    (link,) = [n for n in walk(queue.card) if n.get("type") == "Action.OpenUrl"]
    assert link == {"type": "Action.OpenUrl", "title": "Öppna arbetsboken", "url": url}


async def test_a_closed_case_is_not_in_the_queue(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    case_id = await register(office)
    case = await office.ledger.get(case_id)
    claimed = lifecycle.claim(case, actor="xanna", now=office.clock.now)
    await office.ledger.update(case, claimed)
    closed = lifecycle.close(claimed, actor="xanna", now=office.clock.now)
    await office.ledger.update(claimed, closed)
    assert (await office.ledger.get(case_id)).status is Status.HANTERAD
    queue = await office.say(ANNA, "kö")
    assert case_id not in texts(queue.card)
    found = card_of(await search(office, ANNA, queue, "5012345"))
    assert "Inget öppet ärende" in texts(found)

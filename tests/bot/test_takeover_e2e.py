"""Taking over a case over real HTTP: asked first while its handler touched it lately,
and whoever had it told under the case card, @mentioned, with no customer data.

Anna registers; Bo claims; Anna (or Cia) takes over. The question's window is
``STORA_TAKEOVER_CONFIRM_HOURS`` of business time (08-17 on weekdays), read on
the test's clock. After each step the test looks at the answer, the workbook,
and every activity the bot sent to the fake Bot Connector.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import REDRAWS
from bot.config import Settings
from bot.storage import JsonFileStorage
from cases.clock import STOCKHOLM
from tests.bot.conftest import ANNA, BO, CIA, Office, seat_team, serve
from tests.bot.test_lifecycle_e2e import (
    CUSTOMER_VALUES,
    REGISTRATION,
    card_of,
    case_post,
    register_case,
    workbook_rows,
)
from tests.fakes import teams
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.teams import Agent

NOTE = "Klar med 10 av 22, ring kunden"
NAMELESS_BO = Agent("", BO.aad_object_id)
QUESTION = {"takeover.confirm", "refresh"}
HANDLING = {"handover.form", "close.form"}


@contextlib.asynccontextmanager
async def office_with(tmp_path: Path, **settings: Any) -> AsyncIterator[Office]:
    """The bot on loopback with ``settings``; retry passes only when a test runs one."""
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    values: dict[str, Any] = {
        "MicrosoftAppId": "",
        "STORA_STATE_DIR": tmp_path / "state",
        "STORA_WORKBOOK": tmp_path / "stora-arenden.xlsx",
        "STORA_TENANT_ID": teams.TENANT,
        "STORA_TEAM_ID": teams.TEAM,
        "STORA_NOTIFY_INTERVAL_SECONDS": 0,
        "STORA_REDRAW_RETRY_SECONDS": 0,
    }
    try:
        async with (
            aiohttp.ClientSession() as session,
            serve(Settings(_env_file=None, **{**values, **settings}), connector, session) as office,
        ):
            yield office
    finally:
        await connector.stop()


async def claimed_by_bo(office: Office) -> Post:
    """SA-000001, registered by Anna and claimed by Bo now; its card in the channel."""
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)
    assert verbs(card_of(await office.click(BO, post, "claim"))) == HANDLING
    return post


async def hand_over_by_bo(office: Office, post: Post) -> None:
    own = card_of(await office.refresh(BO, post))  # his view: Lämna över
    form = card_of(await office.click(BO, post, "handover.form", card=own))
    card_of(await office.click(BO, post, "handover", {"note": NOTE}, card=form))


def replies_under(office: Office, post: Post) -> list[Post]:
    return [
        p
        for p in office.connector.posts.values()
        if p.conversation_id.endswith(f";messageid={post.activity_id}")
    ]


def told(office: Office, post: Post) -> list[Post]:
    """The take-over replies under the case card (the free-to-take notices are cards)."""
    return [p for p in replies_under(office, post) if not p.cards]


def handler(office: Office) -> str:
    (row,) = workbook_rows(office)
    return str(row["Hanteras av"])


def assert_no_customer_data_sent(office: Office, *also: str) -> None:
    """Not in any version of any message: every POST and PUT the bot made."""
    sent = json.dumps([call.body for call in office.connector.calls], ensure_ascii=False)
    for value in (*CUSTOMER_VALUES, *also):
        assert value not in sent, value


def assert_mentions(reply: Post, agent: Any) -> None:
    """The text holds "<at>name</at>" and the entity names the agent by their Entra object id."""
    (mention,) = reply.activity["entities"]
    assert mention["type"] == "mention" and mention["text"] == f"<at>{agent.name}</at>"
    assert mention["mentioned"] == {"id": agent.aad_object_id, "name": agent.name}
    assert mention["text"] in reply.text


async def test_a_case_just_claimed_asks_first_and_yes_tells_whoever_had_it(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path) as office:
        post = await claimed_by_bo(office)
        office.clock.advance(minutes=30)
        posts_before, card_before = dict(office.connector.posts), post.card

        asked = card_of(await office.click(ANNA, post, "takeover"))
        assert verbs(asked) == QUESTION
        shown = texts(asked)
        assert "Ta över SA-000001?" in shown and "Ta över ändå?" in shown
        assert "Bo Berg (xbo) har ärendet och ändrade det senast 2026-11-23 09:00" in shown
        # Asking changed nothing: the workbook, the channel's card, no message.
        assert handler(office) == "xbo"
        assert office.connector.posts == posts_before and post.card == card_before

        # Avbryt: back to her own view of the case card, still nothing changed.
        back = card_of(await office.click(ANNA, post, "refresh", card=asked))
        assert verbs(back) == {"takeover"} and "5012345" in texts(back)
        assert handler(office) == "xbo" and told(office, post) == []

        taken = card_of(await office.click(ANNA, post, "takeover.confirm", card=asked))
        assert verbs(taken) == HANDLING
        assert handler(office) == "xanna"
        assert "xanna" in texts(post.card)  # the channel's card redrawn

        (reply,) = told(office, post)
        assert reply.text == (
            "<at>Bo Berg</at> (xbo): Anna Andersson (xanna) tog över SA-000001 "
            "från dig 2026-11-23 09:30."
        )
        assert_mentions(reply, BO)
        assert_no_customer_data_sent(office)


async def test_a_double_click_on_yes_takes_over_once_and_tells_once(tmp_path: Path) -> None:
    async with office_with(tmp_path) as office:
        post = await claimed_by_bo(office)
        asked = card_of(await office.click(ANNA, post, "takeover"))

        first, second = await asyncio.gather(
            office.click(ANNA, post, "takeover.confirm", card=asked),
            office.click(ANNA, post, "takeover.confirm", card=asked),
        )
        again = card_of(await office.click(ANNA, post, "takeover.confirm", card=asked))

        assert handler(office) == "xanna"
        assert len(told(office, post)) == 1
        for answer in (card_of(first), card_of(second), again):
            assert verbs(answer) == HANDLING  # hers, whichever click got there first
        assert "Du har tagit över SA-000001." in texts(again)
        assert "ändrats av" not in texts(again)  # not "someone else changed it"


async def test_a_touch_older_than_the_business_hours_asks_nothing(tmp_path: Path) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=2) as office:
        office.clock.now = datetime(2026, 11, 27, 16, 0, tzinfo=STOCKHOLM)  # a Friday
        post = await claimed_by_bo(office)

        # Monday 08:30: 64 hours later, but one and a half business hours.
        office.clock.now = datetime(2026, 11, 30, 8, 30, tzinfo=STOCKHOLM)
        assert verbs(card_of(await office.click(ANNA, post, "takeover"))) == QUESTION
        assert handler(office) == "xbo"

        # Monday 09:30: two and a half business hours.
        office.clock.advance(hours=1)
        taken = card_of(await office.click(ANNA, post, "takeover"))
        assert verbs(taken) == HANDLING and handler(office) == "xanna"
        (reply,) = told(office, post)
        assert_mentions(reply, BO)
        assert reply.text.endswith("från dig 2026-11-30 09:30.")


async def test_a_case_handed_over_is_free_to_take_without_a_question(tmp_path: Path) -> None:
    async with office_with(tmp_path) as office:
        post = await claimed_by_bo(office)
        await hand_over_by_bo(office, post)

        await office.sign_up(CIA, "xcia")
        taken = card_of(await office.click(CIA, post, "takeover"))  # a minute later or not
        assert verbs(taken) == HANDLING and handler(office) == "xcia"
        (reply,) = told(office, post)
        assert_mentions(reply, BO)
        # Cia's Teams is in English; the reply is in the card's language, the channel's.
        assert "Cia Carlsson (xcia) tog över SA-000001 från dig" in reply.text

        # Now Cia has just touched it: Anna is asked, naming Cia; yes tells Cia.
        asked = card_of(await office.click(ANNA, post, "takeover"))
        assert "Cia Carlsson (xcia) har ärendet" in texts(asked)
        card_of(await office.click(ANNA, post, "takeover.confirm", card=asked))
        assert handler(office) == "xanna"
        assert_mentions(told(office, post)[-1], CIA)
        # The hand-over note stays in the workbook and in no message.
        (row,) = workbook_rows(office)
        assert row["Eventuell kommentar"] == NOTE
        assert_no_customer_data_sent(office, NOTE)


async def test_zero_hours_never_asks(tmp_path: Path) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        post = await claimed_by_bo(office)
        taken = card_of(await office.click(ANNA, post, "takeover"))
        assert verbs(taken) == HANDLING and handler(office) == "xanna"
        assert_mentions(told(office, post)[0], BO)


async def test_a_change_while_asked_gives_the_stale_answer_and_tells_nobody(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path) as office:
        post = await claimed_by_bo(office)
        asked = card_of(await office.click(ANNA, post, "takeover"))
        await hand_over_by_bo(office, post)

        answer = card_of(await office.click(ANNA, post, "takeover.confirm", card=asked))
        assert "SA-000001 har just ändrats av xbo" in texts(answer)
        assert verbs(answer) == {"takeover"}  # the case as it is now: free to take
        assert handler(office) == "xbo" and told(office, post) == []


async def test_a_reply_teams_does_not_take_at_once_comes_with_a_retry_pass(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        post = await claimed_by_bo(office)
        office.connector.fail_next(500, times=2)  # the card's PUT, the reply's POST: not retried
        taken = card_of(await office.click(ANNA, post, "takeover"))
        office.connector.heal()
        assert handler(office) == "xanna"
        assert "kanalen visar den inte än" in texts(taken)  # told, not left guessing
        assert told(office, post) == []

        await office.app[REDRAWS].run()  # type: ignore[index]
        await office.app[REDRAWS].run()  # type: ignore[index]  # and no second one
        (reply,) = told(office, post)
        assert_mentions(reply, BO)
        assert_no_customer_data_sent(office)


async def test_a_reply_waits_for_a_card_still_to_come_and_goes_under_it(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        for agent, signature in ((ANNA, "xanna"), (BO, "xbo")):
            await office.sign_up(agent, signature)
        form = await office.say(ANNA, "registrera")
        office.connector.fail_next(500)  # the case card's post: Teams refuses it this once
        card_of(await office.click(ANNA, form, "register", REGISTRATION))
        assert office.connector.top_level_posts() == []

        async def click(agent: Any, verb: str) -> dict[str, Any]:
            # No card to click yet: the same click from another of the bot's buttons.
            case = await office.ledger.get("SA-000001")
            data = {"caseId": case.case_id, "version": case.version}
            return card_of(await office.invoke(agent, form, verb, data))

        await click(BO, "claim")
        taken = await click(ANNA, "takeover")
        assert verbs(taken) == HANDLING and handler(office) == "xanna"
        assert "kanalen visar den inte än" in texts(taken)

        await office.app[REDRAWS].run()  # type: ignore[index]
        post = case_post(office)
        (reply,) = told(office, post)
        assert_mentions(reply, BO)
        assert "xanna" in texts(post.card)


async def test_without_a_card_to_reply_under_the_agent_is_asked_to_tell_them(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        post = await claimed_by_bo(office)
        # The bot's state lost where the card is (a new storage account, say).
        await JsonFileStorage(tmp_path / "state").delete(["case-card/SA-000001"])
        posts_before = dict(office.connector.posts)

        taken = card_of(await office.click(ANNA, post, "takeover"))
        assert verbs(taken) == HANDLING and handler(office) == "xanna"
        assert (
            "Bo Berg (xbo) fick inget meddelande, eftersom SA-000001 inte har något kort "
            "i kanalen. Säg till hen att du tog över."
        ) in texts(taken)
        assert office.connector.posts.keys() == posts_before.keys()


async def test_whoever_the_bot_knows_no_name_of_is_still_mentioned_and_a_stranger_named(
    tmp_path: Path,
) -> None:
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        await register_case(office)
        # Bo's binding has no Teams name, as those made before names were kept.
        await office.sign_up(NAMELESS_BO, "xbo")
        post = case_post(office)
        card_of(await office.click(NAMELESS_BO, post, "claim"))
        card_of(await office.click(ANNA, post, "takeover"))
        (reply,) = told(office, post)
        assert reply.text.startswith("<at>xbo</at>: Anna Andersson (xanna) tog över SA-000001")
        (mention,) = reply.activity["entities"]
        assert mention["mentioned"] == {"id": BO.aad_object_id, "name": "xbo"}

        # Someone typed a signature into Excel that nobody ever bound in the bot.
        case = await office.ledger.get("SA-000001")
        await office.ledger.update(case, case.replace(handler="xolle"))
        fresh = card_of(await office.refresh(ANNA, post))
        await office.sign_up(CIA, "xcia")
        card_of(await office.click(CIA, post, "takeover", card=fresh))
        last = told(office, post)[-1]
        assert last.text.startswith("xolle: Cia Carlsson (xcia) tog över SA-000001 från dig")
        assert not last.activity.get("entities")


async def test_the_fake_connector_refuses_a_mention_teams_could_not_show() -> None:
    """The fake's rule the mention assertions above lean on (tests/fakes/connector.py)."""
    connector = FakeConnector()
    await connector.start()
    url = f"{connector.url}v3/conversations/{teams.CHANNEL};messageid=1/activities"
    mention = {
        "type": "mention",
        "text": "<at>Bo</at>",
        "mentioned": {"id": "aad-bo", "name": "Bo"},
    }
    try:
        async with aiohttp.ClientSession() as session:
            for text, status in (("Bo: hej", 400), ("<at>Bo</at>: hej", 201)):
                activity = {"type": "message", "text": text, "entities": [mention]}
                async with session.post(url, json=activity) as response:
                    assert response.status == status, text
            nameless = {**mention, "mentioned": {"name": "Bo"}}
            activity = {"type": "message", "text": "<at>Bo</at>", "entities": [nameless]}
            async with session.post(url, json=activity) as response:
                assert response.status == 400
    finally:
        await connector.stop()
    assert [p.text for p in connector.posts.values()] == ["<at>Bo</at>: hej"]


async def test_a_reply_teams_may_have_dropped_asks_the_taker_to_tell_them(
    tmp_path: Path,
) -> None:
    """504 to the reply: it may or may not be there, and a second one is worse than none,
    so it is not sent again; the taker is asked to tell the previous handler."""
    async with office_with(tmp_path, STORA_TAKEOVER_CONFIRM_HOURS=0) as office:
        post = await claimed_by_bo(office)
        office.connector.fail_next(504, times=20)  # the card's PUT and the reply, with retries
        taken = card_of(await office.click(ANNA, post, "takeover"))
        office.connector.heal()
        assert handler(office) == "xanna"
        assert "Bo Berg (xbo) har kanske inte fått något meddelande" in texts(taken)
        await office.app[REDRAWS].run()  # type: ignore[index]
        assert told(office, post) == []  # never a second notice
        assert_no_customer_data_sent(office)

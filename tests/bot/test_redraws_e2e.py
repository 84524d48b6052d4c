"""The channel catches up with every stored change, even when Teams says "later".

A change is stored first; the card in the channel is redrawn after. When the
Bot Connector refuses the redraw (429, 503), the agent is told, the redraw
waits in the outbox in bot state, and a retry pass (``POST /api/notify`` here,
the in-process schedule in production, and the start-up) draws the case as the
workbook has it. The fake Bot Connector is a real HTTP server on loopback;
waits between retries go to ``Sleeps``, which records them and waits for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import REDRAWS
from bot.config import Settings
from bot.redraw_outbox import KEY as OUTBOX
from bot.storage import JsonFileStorage
from tests.bot.closing import close_case
from tests.bot.conftest import ANNA, BO, Office, seat_team, serve
from tests.bot.test_lifecycle_e2e import (
    CUSTOMER_VALUES,
    REGISTRATION,
    card_of,
    case_post,
    register_case,
)
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes import teams
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.connector import FakeConnector, Post

SECRET = "a-long-shared-secret-for-the-redraw-tests-42"
CHANGED = [make_gsrn("73599910200000" + f"{i:03d}") for i in range(2)]
CLOSE_INPUTS = {
    "changedIds": ", ".join(CHANGED),
    "greeting": "Fastighets AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123, 111 11 Staden",
}
PENDING_CLOSED = (
    "SA-000001 är stängt och kunduppgifterna raderade ur arbetsboken, men kanalen visar det som "
    "öppet än."
)
PENDING = "Ändringen är sparad, men kanalen visar den inte än."


class Sleeps(list):
    """Stands in for the wait between retries: remembers what was asked, waits for nothing."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Bench:
    """Bot instances on loopback sharing one state folder and one workbook, as after a restart."""

    def __init__(
        self, tmp_path: Path, connector: FakeConnector, session: aiohttp.ClientSession
    ) -> None:
        self.connector = connector
        self.session = session
        self.state_dir = tmp_path / "state"
        self.workbook = tmp_path / "stora-arenden.xlsx"
        self.sleeps = Sleeps()
        self._stops: dict[int, contextlib.AsyncExitStack] = {}

    async def start(self, **env: Any) -> Office:
        settings = Settings(
            _env_file=None,
            MicrosoftAppId="",
            STORA_STATE_DIR=self.state_dir,
            STORA_WORKBOOK=self.workbook,
            STORA_TENANT_ID=teams.TENANT,
            STORA_TEAM_ID=teams.TEAM,
            STORA_NOTIFY_SECRET=SECRET,
            STORA_NOTIFY_INTERVAL_SECONDS=0,
            STORA_NOTIFY_POSTS_PER_SECOND=1000,
            **{"STORA_REDRAW_RETRY_SECONDS": 0, **env},
        )
        stack = contextlib.AsyncExitStack()
        office = await stack.enter_async_context(
            serve(settings, self.connector, self.session, retry_sleep=self.sleeps)
        )
        self._stops[id(office)] = stack
        return office

    async def stop(self, office: Office) -> None:
        await self._stops.pop(id(office)).aclose()

    async def stop_all(self) -> None:
        for stack in self._stops.values():
            await stack.aclose()
        self._stops.clear()

    async def retry_pass(self, office: Office) -> None:
        """``POST /api/notify``: the pending redraws first, then the stall scan."""
        headers = {"Authorization": f"Bearer {SECRET}"}
        async with self.session.post(f"{office.url}/api/notify", headers=headers) as response:
            assert response.status == 200, await response.text()

    async def outbox(self) -> dict[str, Any]:
        document = (await JsonFileStorage(self.state_dir).read([OUTBOX])).get(OUTBOX) or {}
        return document.get("cases") or {}

    def state_text(self) -> str:
        return "\n".join(p.read_text("utf-8") for p in self.state_dir.glob("*.json"))

    def puts(self) -> list[int]:
        return [call.status for call in self.connector.calls if call.method == "PUT"]


@pytest.fixture
async def bench(tmp_path: Path) -> AsyncIterator[Bench]:
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    try:
        async with aiohttp.ClientSession() as session:
            bench = Bench(tmp_path, connector, session)
            try:
                yield bench
            finally:
                await bench.stop_all()
    finally:
        await connector.stop()


async def claimed_by_bo(office: Office) -> tuple[Post, dict[str, Any]]:
    """A registered case, claimed by Bo: the channel's card and the card Bo got back."""
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)
    return post, card_of(await office.click(BO, post, "claim"))


async def close_form(office: Office, post: Post, claimed: dict[str, Any]) -> dict[str, Any]:
    return card_of(await office.click(BO, post, "close.form", card=claimed))


def handover_notices(office: Office, post: Post) -> list[Post]:
    """The "free to take" cards under ``post`` (a take-over's reply there is text)."""
    return [
        p
        for p in office.connector.posts.values()
        if p.conversation_id.endswith(f"messageid={post.activity_id}") and p.cards
    ]


async def test_a_close_the_channel_does_not_show_yet_says_so_and_a_retry_pass_shows_it(
    bench: Bench,
) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = await close_form(office, post, claimed)

    bench.connector.fail_next(503, times=4)
    before = len(bench.sleeps)
    draft = card_of(await close_case(office, BO, post, CLOSE_INPUTS, card=form))

    shown = texts(draft)
    assert PENDING_CLOSED in shown
    assert CHANGED[0] in shown  # the e-mail draft is still there to copy
    assert "Påbörjad" in texts(post.card) and "Hanterad" not in texts(post.card)
    assert bench.puts()[-3:] == [503, 503, 503]  # the click tried three times, then told
    assert sum(bench.sleeps[before:]) <= 2.0  # well inside Teams' 5 s for the click
    assert set(await bench.outbox()) == {"SA-000001"}
    state = bench.state_text()
    assert not any(value in state for value in (*CUSTOMER_VALUES, *CHANGED, "Fastighets AB"))

    await bench.retry_pass(office)

    assert "Hanterad" in texts(post.card) and verbs(post.card) == set()
    assert bench.puts()[-2:] == [503, 200]  # the pass retried the fourth 503 too
    assert await bench.outbox() == {}
    channel = bench.connector.all_text()
    assert not any(value in channel for value in (*CUSTOMER_VALUES, *CHANGED, "Gatunamnet"))


async def test_a_redraw_still_pending_at_a_restart_is_drawn_by_the_next_start(bench: Bench) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = await close_form(office, post, claimed)
    bench.connector.fail_next(503, times=4)
    draft = card_of(await close_case(office, BO, post, CLOSE_INPUTS, card=form))
    assert PENDING_CLOSED in texts(draft)
    await bench.stop(office)
    assert "Hanterad" not in texts(post.card)

    again = await bench.start(STORA_REDRAW_RETRY_SECONDS=3600)  # only the start-up pass, here
    assert again.app is not None
    await asyncio.wait_for(again.app[REDRAWS].first_pass.wait(), 10)

    assert "Hanterad" in texts(post.card) and verbs(post.card) == set()
    assert await bench.outbox() == {}


async def test_a_429_is_waited_out_as_retry_after_says_and_a_long_one_is_left_to_the_pass(
    bench: Bench,
) -> None:
    office = await bench.start()
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)

    bench.connector.fail_next(429, retry_after=1)
    claimed = card_of(await office.click(BO, post, "claim"))
    assert bench.sleeps == [1.0]
    assert bench.puts() == [429, 200]
    assert PENDING not in texts(claimed)
    assert "xbo" in texts(post.card)

    # Thirty seconds is more than a click has: it answers at once, and says so.
    form = await close_form(office, post, claimed)
    bench.connector.fail_next(429, retry_after=30)
    draft = card_of(await close_case(office, BO, post, CLOSE_INPUTS, card=form))
    assert PENDING_CLOSED in texts(draft)
    assert bench.sleeps == [1.0]

    bench.connector.fail_next(429, retry_after=30)
    await bench.retry_pass(office)  # a pass has time: it waits the 30 s
    assert bench.sleeps == [1.0, 30.0]
    assert bench.puts()[-3:] == [429, 429, 200]
    assert "Hanterad" in texts(post.card)
    assert await bench.outbox() == {}


async def test_a_hand_over_notice_that_failed_is_posted_by_the_retry_pass_once(
    bench: Bench,
) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))

    bench.connector.fail_next(503, times=6)  # the redraw's three tries, then the notice's
    handed = card_of(
        await office.click(BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form)
    )
    assert PENDING in texts(handed)
    assert handover_notices(office, post) == []
    assert "Lämnat över" not in texts(post.card)
    assert "Klar med 10" not in bench.state_text()

    # Two instances on the same state pass at once: the card twice is harmless, the notice is not.
    other = await bench.start()
    await asyncio.gather(bench.retry_pass(office), bench.retry_pass(other))
    await bench.retry_pass(office)

    (notice,) = handover_notices(office, post)
    assert verbs(notice.card) == {"takeover"}
    assert "SA-000001" in texts(notice.card) and "Klar med 10" not in json.dumps(notice.activity)
    assert "Lämnat över" in texts(post.card)
    assert await bench.outbox() == {}


async def test_a_notice_for_a_case_taken_over_meanwhile_is_not_posted(bench: Bench) -> None:
    from tests.bot.conftest import CIA

    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    await office.sign_up(CIA, "xcia")
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))
    bench.connector.fail_next(503, times=6)
    handed = card_of(
        await office.click(BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form)
    )
    assert PENDING in texts(handed)
    now_shown = card_of(
        await office.refresh(CIA, post)
    )  # the channel's card lags; Teams refreshes it
    taken = card_of(await office.click(CIA, post, "takeover", card=now_shown))
    assert verbs(taken) == {"handover.form", "close.form"}

    await bench.retry_pass(office)

    assert handover_notices(office, post) == []  # "free to take" would be wrong by now
    assert "xcia" in texts(post.card)
    assert await bench.outbox() == {}


@pytest.mark.parametrize("status", [401, 409, 412])
async def test_a_refusal_that_can_pass_keeps_the_redraw_until_it_lands(
    bench: Bench, status: int
) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = await close_form(office, post, claimed)
    bench.connector.fail_next(503, times=3)
    card_of(await close_case(office, BO, post, CLOSE_INPUTS, card=form))
    bench.connector.fail_next(status)
    await bench.retry_pass(office)
    assert set(await bench.outbox()) == {
        "SA-000001"
    }  # not given up: the agent was told "I keep trying"
    await bench.retry_pass(office)
    assert "Hanterad" in texts(post.card) and await bench.outbox() == {}


async def test_a_registration_whose_card_teams_refused_says_it_will_come_and_it_comes_once(
    bench: Bench,
) -> None:
    office = await bench.start()
    await register_case(office)
    form = await office.say(ANNA, "registrera")
    bench.connector.fail_next(503, times=3)

    registered = card_of(await office.click(ANNA, form, "register", REGISTRATION))

    assert "Kortet har inte kommit ut i kanalen än; jag fortsätter att försöka." in texts(
        registered
    )
    assert len(office.connector.top_level_posts()) == 1
    assert set(await bench.outbox()) == {"SA-000002"}
    await bench.retry_pass(office)
    await bench.retry_pass(office)
    (new,) = [p for p in office.connector.top_level_posts() if "SA-000002" in texts(p.card)]
    assert len(office.connector.top_level_posts()) == 2
    assert await bench.outbox() == {}
    # Kept where later changes find it: a claim redraws that card.
    await office.sign_up(BO, "xbo")
    card_of(await office.click(BO, new, "claim"))
    assert "xbo" in texts(new.card)


async def test_a_change_to_a_case_whose_card_is_still_to_come_is_on_that_card(bench: Bench) -> None:
    office = await bench.start()
    await register_case(office)
    await office.sign_up(BO, "xbo")
    form = await office.say(ANNA, "registrera")
    bench.connector.fail_next(429, retry_after=30)
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    case = await office.ledger.get("SA-000002")

    # Any card of the case carries its Ärende-ID and version; the channel's is not there yet.
    claimed = card_of(
        await office.invoke(BO, form, "claim", {"caseId": case.case_id, "version": case.version})
    )

    assert PENDING in texts(claimed)
    await bench.retry_pass(office)
    (new,) = [p for p in office.connector.top_level_posts() if "SA-000002" in texts(p.card)]
    assert "xbo" in texts(new.card)
    assert await bench.outbox() == {}


async def test_a_card_refused_in_a_chat_outside_the_team_comes_to_that_chat(bench: Bench) -> None:
    office = await bench.start()
    await register_case(office)  # Anna's signature
    form = await office.say(ANNA, "registrera", personal=True)  # no team channel known to the bot
    bench.connector.fail_next(503, times=3)

    registered = card_of(await office.click(ANNA, form, "register", REGISTRATION))

    assert "jag fortsätter att försöka" in texts(registered)
    await bench.retry_pass(office)
    (card,) = [p for p in office.connector.posts.values() if "SA-000002" in json.dumps(p.activity)
               and p.cards and "claim" in verbs(p.card)]  # fmt: skip
    assert card.conversation_id == form.conversation_id
    assert await bench.outbox() == {}

"""Teams delivering one click twice, and Registrera pressed twice on one form: on both
stores, in one instance and across two sharing the bot state. Each changes the workbook
once, and the second delivery is answered with what the agent should see now."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from filelock import FileLock

from tests.bot.conftest import ANNA, BO, CIA, Office
from tests.bot.races import STORES, Bench, bench_on, click_activity, deliver
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import buttons, inputs, texts, verbs
from tests.fakes.connector import Post
from tests.graph.conftest import SDK_NOISE

pytestmark = [pytest.mark.filterwarnings(noise) for noise in SDK_NOISE]

CHANGED_BY = "har just ändrats av"  # the words of a lost race: never for one's own twin
CLAIMED = {"handover.form", "close.form"}


@pytest.fixture(params=STORES)
async def bench(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Bench]:
    async with bench_on(request.param, tmp_path) as bench:
        bench.seat(ANNA, BO, CIA)
        await bench.signed_up([ANNA, BO, CIA])  # xa0, xa1, xa2
        yield bench


def registered_id(answer: dict) -> str:
    """The Ärende-ID a registered card names (its title: "SA-000001 är registrerat")."""
    (title,) = [line for line in texts(card_of(answer)).splitlines() if "är registrerat" in line]
    return title.split()[0]


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
async def test_a_registration_delivered_twice_registers_once(bench: Bench, at_once: bool) -> None:
    async with bench.serve() as office:
        form = await office.say(ANNA, "registrera")
        click = click_activity(office, ANNA, form, "register", REGISTRATION)
        if at_once:
            answers = await asyncio.gather(deliver(office, click), deliver(office, click))
        else:
            answers = [await deliver(office, click), await deliver(office, click)]
    rows = bench.rows()
    print(f"\nregistration delivered twice ({'at once' if at_once else 'in turn'}) on {bench.store}:"
          f" {len(rows)} row, answers {[registered_id(a) for a in answers]}")  # fmt: skip
    assert [registered_id(a) for a in answers] == ["SA-000001", "SA-000001"]
    assert len(rows) == 1 and len(bench.connector.top_level_posts()) == 1


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
async def test_registrera_pressed_twice_on_one_form_registers_once(
    bench: Bench, at_once: bool
) -> None:
    async with bench.serve() as office:
        form = await office.say(ANNA, "registrera")
        # Two clicks: two activities, two ids, one form.
        one, two = (click_activity(office, ANNA, form, "register", REGISTRATION) for _ in range(2))
        assert one["id"] != two["id"]
        if at_once:
            answers = await asyncio.gather(deliver(office, one), deliver(office, two))
        else:
            answers = [await deliver(office, one), await deliver(office, two)]
        # Another form is another registration.
        other = await office.click(
            ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION
        )
    print(f"\nRegistrera pressed twice ({'at once' if at_once else 'in turn'}) on {bench.store}:"
          f" {len(bench.rows()) - 1} row, answers {[registered_id(a) for a in answers]}")  # fmt: skip
    assert [registered_id(a) for a in answers] == ["SA-000001", "SA-000001"]
    assert registered_id(other) == "SA-000002"
    assert [r["Ärende-ID"] for r in bench.rows()] == ["SA-000001", "SA-000002"]


async def test_a_second_submit_after_nothing_was_saved_registers(bench: Bench) -> None:
    async with bench.serve() as office:
        form = await office.say(ANNA, "registrera")
        click = click_activity(office, ANNA, form, "register", REGISTRATION)
        if bench.graph is not None:
            bench.graph.inject(None, status=403)  # refused: nothing is tried again
            refused = card_of(await deliver(office, click))
        else:
            with FileLock(f"{bench.workbook}.lock"):  # someone else saving, for too long
                refused = card_of(await deliver(office, click))
        assert "Inget sparades" in texts(refused) and bench.rows() == []
        # The form comes back with its nonce: its next submit is the same form's.
        assert (
            buttons(refused)["register"]["data"]["form"] == click["value"]["action"]["data"]["form"]
        )
        again = await office.click(ANNA, form, "register", REGISTRATION, card=refused)
    assert registered_id(again) == "SA-000001" and len(bench.rows()) == 1


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
async def test_a_claim_delivered_twice_is_applied_once_and_answered_twice(
    bench: Bench, at_once: bool
) -> None:
    async with bench.serve() as office:
        await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
        (post,) = office.connector.top_level_posts()
        click = click_activity(office, BO, post, "claim")
        if at_once:
            answers = await asyncio.gather(deliver(office, click), deliver(office, click))
        else:
            answers = [await deliver(office, click), await deliver(office, click)]
    (row,) = bench.rows()
    assert (row["Status"], row["Hanteras av"]) == ("Påbörjad", "xa1")
    for answer in answers:  # the claimed case, as Bo sees it: no lost race
        assert verbs(card_of(answer)) == CLAIMED and CHANGED_BY not in texts(card_of(answer))


async def test_a_hand_over_delivered_twice_tells_the_channel_once(bench: Bench) -> None:
    async with bench.serve() as office:
        await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
        (post,) = office.connector.top_level_posts()
        form = card_of(
            await office.click(
                BO, post, "handover.form", card=card_of(await office.click(BO, post, "claim"))
            )
        )
        click = click_activity(
            office, BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form
        )
        answers = await asyncio.gather(deliver(office, click), deliver(office, click))
        answers.append(await deliver(office, click))
    # "Free to take" goes to the case card's thread, once per hand-over.
    thread = f"messageid={post.activity_id}"
    notices = [p for p in office.connector.posts.values() if p.conversation_id.endswith(thread)]
    assert len(notices) == 1
    for answer in answers:
        assert CHANGED_BY not in texts(card_of(answer)) and "Lämnat över" in texts(card_of(answer))


# What Bo types in the close form: three installation IDs and the e-mail's parts.
CLOSE_INPUTS = {
    "changedIds": ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(3)),
    "greeting": "AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatan 1",
}


async def close_form(office: Office) -> tuple[Post, dict]:
    """Anna registers, Bo claims, fills in the close form and presses Fortsätt: the post,
    and the confirmation whose "Ja, stäng och radera" (verb close) these tests press."""
    await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
    (post,) = office.connector.top_level_posts()
    claimed = card_of(await office.click(BO, post, "claim"))
    form = card_of(await office.click(BO, post, "close.form", card=claimed))
    return post, card_of(await office.click(BO, post, "close.review", CLOSE_INPUTS, card=form))


async def test_a_close_delivered_again_gives_the_e_mail_draft_again(bench: Bench) -> None:
    async with bench.serve() as office:
        post, form = await close_form(office)
        click = click_activity(office, BO, post, "close", card=form)
        first = card_of(await deliver(office, click))
        second = card_of(await deliver(office, click))
    assert second == first and "Gatan 1" in texts(second)
    (row,) = bench.rows()
    assert row["Status"] == "Hanterad"


@pytest.mark.parametrize("at_once", [False, True], ids=["one-after-the-other", "at-once"])
async def test_klar_pressed_twice_on_one_form_gives_the_draft_both_times(
    bench: Bench, at_once: bool
) -> None:
    # Two clicks (two activity ids), not a redelivery: the second finds the case
    # closed by the same agent and gets the draft again, not "just changed by".
    async with bench.serve() as office:
        post, form = await close_form(office)
        clicks = [click_activity(office, BO, post, "close", card=form) for _ in range(2)]
        if at_once:
            answers = await asyncio.gather(*(deliver(office, click) for click in clicks))
        else:
            answers = [await deliver(office, click) for click in clicks]
    for answer in answers:
        shown = texts(card_of(answer))
        assert "Gatan 1" in shown and CHANGED_BY not in shown
    (row,) = bench.rows()
    assert row["Status"] == "Hanterad" and not row["Kundnummer"]
    print(f"\nKlar pressed twice ({'at once' if at_once else 'in turn'}) on {bench.store}: "
          f"{sum('Gatan 1' in texts(card_of(a)) for a in answers)} of 2 got the draft")  # fmt: skip


async def test_a_colleague_pressing_klar_after_the_close_gets_no_draft(bench: Bench) -> None:
    async with bench.serve() as office:
        post, form = await close_form(office)
        stale = click_activity(office, CIA, post, "close", card=form)
        await deliver(office, click_activity(office, BO, post, "close", card=form))
        answer = await deliver(office, stale)
    assert "Gatan 1" not in texts(card_of(answer))


async def test_two_instances_sharing_the_state_apply_a_redelivered_click_once(bench: Bench) -> None:
    async with bench.serve() as one, bench.serve() as other:
        form = await one.say(ANNA, "registrera")
        click = click_activity(one, ANNA, form, "register", REGISTRATION)
        first = await deliver(one, click)
        again = await deliver(other, click)  # Teams' retry, to the other instance
        both = await asyncio.gather(  # a double-click, each press to another instance
            *(deliver(office, click_activity(office, ANNA, form, "register", REGISTRATION))
              for office in (one, other))
        )  # fmt: skip
    assert registered_id(first) == registered_id(again) == "SA-000001"
    for answer in both:  # the first case again, or told the other instance is on it
        shown = texts(card_of(answer))
        assert "SA-000001 är registrerat" in shown or "behandlas redan" in shown, shown
    assert [r["Ärende-ID"] for r in bench.rows()] == ["SA-000001"]


@pytest.mark.parametrize("landed", [True, False], ids=["it-landed", "it-did-not"])
async def test_a_second_submit_after_an_unanswered_write_registers_only_what_is_missing(
    tmp_path: Path, landed: bool
) -> None:
    async with bench_on("graph", tmp_path) as bench:
        bench.seat(ANNA)
        await bench.signed_up([ANNA])
        bench.graph_deadline = 0.8
        async with bench.serve() as office:
            await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
            form = await office.say(ANNA, "registrera")
            fake = bench.graph
            assert fake is not None

            def lose_the_answer(_workbook: object) -> None:
                # rows/add carried out (or not), then no answer from Graph until the deadline.
                fake.inject(None, status=504, process=landed)
                fake.inject(None, status=504, times=1000)

            fake.before("rows.add", lose_the_answer)
            doubt = card_of(await office.click(ANNA, form, "register", REGISTRATION))
            assert "oklart om ändringen sparades (SA-000002)" in texts(doubt)
            assert inputs(doubt)["customerNumber"]["value"] == REGISTRATION["customerNumber"]
            # Submitted again while Graph still does not answer: still in doubt, said so.
            still = card_of(await office.click(ANNA, form, "register", REGISTRATION, card=doubt))
            assert "fortfarande oklart om SA-000002 sparades" in texts(still)
            assert inputs(still)["description"]["value"] == REGISTRATION["description"]
            fake.clear_faults()
            again = await office.click(ANNA, form, "register", REGISTRATION, card=still)
    ids = [r["Ärende-ID"] for r in bench.rows()]
    assert registered_id(again) == ids[-1] and len(ids) == 2
    assert ids == ["SA-000001", "SA-000002" if landed else "SA-000003"]
    # Its case card reaches the channel once, whichever submit stored it.
    assert len(bench.connector.top_level_posts()) == 2

"""The agents' day over real HTTP: register, claim, hand over, take over, close.

Anna registers (Swedish Teams), Bo claims and hands over, Cia (English Teams)
takes over and closes. After each step the test looks where the agents look:
the card the clicker got back, the channel as the fake connector holds it, and
the workbook on disk.
"""

from __future__ import annotations

import asyncio
import json

import openpyxl
import pytest

from cases.model import Status
from tests.bot.closing import close_case
from tests.bot.conftest import ANNA, BO, CIA, Office
from tests.cards.forms import error_under
from tests.cards.schema import assert_valid_card
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import inputs, texts, verbs
from tests.fakes.connector import Post
from tests.fakes.teams import CHANNEL

CARD = "application/vnd.microsoft.card.adaptive"
REGISTRATION = {
    "customerNumber": "5012345",
    "cabNumber": "9876543",
    "description": "22 fakturaadresser, Elin och CAB",
    "changeCount": "22",
    "changeKind": "faktura",
    "customerKind": "företag",
}
CUSTOMER_VALUES = ("5012345", "9876543", "22 fakturaadresser")


def card_of(answer: dict) -> dict:
    assert answer["type"] == CARD, answer
    assert_valid_card(answer["value"])
    return answer["value"]


def workbook_rows(office: Office) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(office.workbook)
    sheet = book["Stora ärenden"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:] if any(row)]


async def register_case(office: Office) -> str:
    """Anna registers a 22-change case; returns its Ärende-ID."""
    form = await office.say(ANNA, "registrera")
    answer = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    if "signature" in verbs(answer):
        answer = card_of(
            await office.click(ANNA, form, "signature", {"signature": "xanna"}, card=answer)
        )
    (row,) = workbook_rows(office)
    return str(row["Ärende-ID"])


def case_post(office: Office) -> Post:
    (post,) = office.connector.top_level_posts()
    return post


async def test_full_lifecycle_by_three_agents(office: Office) -> None:
    # -- register: asked for a signature first, then registered --------------
    form = await office.say(ANNA, "registrera")
    assert_valid_card(form.card)
    assert {"customerNumber", "cabNumber", "description", "changeCount"} <= set(inputs(form.card))
    asked = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert verbs(asked) == {"signature"}
    registered = card_of(
        await office.click(ANNA, form, "signature", {"signature": "XAnna"}, card=asked)
    )
    shown = texts(registered)
    assert "SA-000001" in shown
    assert "Ärendet registrerat i Stora ärenden, 2026-11-23" in shown
    assert "I arbete" in shown and "utan datum" in shown
    assert not any(value in shown for value in CUSTOMER_VALUES)

    (row,) = workbook_rows(office)
    assert row["Kundnummer"] == "5012345" and row["Ärendenummer CAB"] == "9876543"
    assert (row["Status"], row["Registrerat av"], row["Hanteras av"]) == ("Ny", "xanna", None)

    card_post = case_post(office)
    assert card_post.conversation_id == CHANNEL  # its own thread in the channel
    assert verbs(card_post.card) == {"claim", "details"}
    assert "5012345" not in texts(card_post.card)  # the channel's message: no customer data
    assert_valid_card(card_post.card)
    # Each member's own view (Teams' refresh, or Visa uppgifter) has it.
    assert "5012345" in texts(card_of(await office.refresh(ANNA, card_post)))

    # -- claim by Bo -----------------------------------------------------------
    await office.sign_up(BO, "xbo")
    office.clock.advance(hours=1)
    claimed = card_of(await office.click(BO, card_post, "claim"))
    assert verbs(claimed) == {"handover.form", "close.form"}
    assert "xbo" in texts(claimed)
    (row,) = workbook_rows(office)
    assert (row["Status"], row["Hanteras av"]) == ("Påbörjad", "xbo")
    assert "Påbörjad" in texts(card_post.card) and "xbo" in texts(card_post.card)
    assert verbs(card_post.card) == {"takeover", "details"}  # what the others see

    # -- hand over: the note is required, and what was typed is kept -----------
    form = card_of(await office.click(BO, card_post, "handover.form", card=claimed))
    assert "note" in inputs(form)
    refused = card_of(await office.click(BO, card_post, "handover", {"note": "   "}, card=form))
    assert error_under(refused, "note")
    handed = card_of(
        await office.click(BO, card_post, "handover", {"note": "Klar med 10 av 22"}, card=form)
    )
    assert "Klar med 10 av 22" in texts(handed)
    (row,) = workbook_rows(office)
    assert row["Eventuell kommentar"] == "Klar med 10 av 22" and row["Hanteras av"] == "xbo"
    notices = [
        p
        for p in office.connector.posts.values()
        if p.reply_to == card_post.activity_id
        or p.conversation_id.endswith(f"messageid={card_post.activity_id}")
    ]
    notice = notices[-1]
    assert verbs(notice.card) == {"takeover"}
    assert "SA-000001" in texts(notice.card) and "Klar med 10" not in texts(notice.card)

    # -- take over by Cia, whose Teams is in English ---------------------------
    await office.sign_up(CIA, "xcia")
    office.clock.advance(hours=2)
    glance = card_of(await office.click(CIA, notice, "takeover"))
    # Answered in the notice's place: no copy of the case card to outlive the close.
    assert verbs(glance) == set() and "In progress" in texts(glance)
    assert not any(value in str(glance) for value in CUSTOMER_VALUES)
    taken = card_of(await office.refresh(CIA, card_post))
    assert verbs(taken) == {"handover.form", "close.form"}
    assert "Hand over" in texts(taken)
    (row,) = workbook_rows(office)
    assert row["Hanteras av"] == "xcia" and row["Status"] == "Påbörjad"
    assert "xcia" in texts(card_post.card)

    # -- close: bad IDs are refused with the typed values kept -----------------
    changed = [make_gsrn("73599910200000" + f"{i:03d}") for i in range(3)]
    other = make_gsrn("73599910200000999")
    form = card_of(await office.click(CIA, card_post, "close.form", card=taken))
    bad_ids = "\n".join([changed[0], "735999102000000000"])
    close_inputs = {
        "changedIds": bad_ids,
        "otherIds": other,
        "greeting": "Fastighets AB",
        "emailChange": "fakturaadress",
        "emailValue": "Gatunamnet 123, 111 11 Staden",
    }
    refused = card_of(await office.click(CIA, card_post, "close.review", close_inputs, card=form))
    assert inputs(refused)["changedIds"]["value"] == bad_ids
    assert inputs(refused)["greeting"]["value"] == "Fastighets AB"
    assert "entry 2" in texts(refused)
    (row,) = workbook_rows(office)
    assert row["Status"] == "Påbörjad"  # nothing applied

    close_inputs["changedIds"] = ", ".join(changed)
    draft = card_of(await close_case(office, CIA, card_post, close_inputs, card=refused))
    shown = texts(draft)
    assert f"{changed[0]}, {changed[1]} samt {changed[2]}" in shown
    assert f"Jag kan se att ni även har avtal för anläggningen {other}." in shown
    assert "MAICCDIS" in shown and "CAB" in shown

    # -- nothing with customer data is left where the team can see it ----------
    (row,) = workbook_rows(office)
    assert row["Status"] == "Hanterad"
    for header in ("Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet", "Eventuell kommentar"):
        assert row[header] in (None, ""), header
    channel = office.connector.all_text()
    everything_sent = json.dumps([c.body for c in office.connector.calls], ensure_ascii=False)
    for value in (*CUSTOMER_VALUES, "Klar med 10", changed[0], other, "Gatunamnet"):
        assert value not in channel, value
        # Not in any version of any message either: every POST and PUT the bot made.
        assert value not in everything_sent, value
    assert verbs(card_post.card) == set()
    assert "Hanterad" in texts(card_post.card)
    assert (await office.ledger.get("SA-000001")).status is Status.HANTERAD


async def test_a_stale_card_applies_nothing_and_shows_the_current_state(office: Office) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    await office.sign_up(CIA, "xcia")
    post = case_post(office)
    old_card = post.card
    card_of(await office.click(BO, post, "claim"))
    # Cia still has the card as it was drawn before Bo claimed: Påbörja.
    answer = card_of(await office.click(CIA, post, "claim", card=old_card))
    assert "xbo" in texts(answer)
    assert verbs(answer) == {"takeover"}
    (row,) = workbook_rows(office)
    assert row["Hanteras av"] == "xbo"


async def test_two_agents_clicking_at_once_one_wins_and_the_other_is_told_who(
    office: Office,
) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    await office.sign_up(CIA, "xcia")
    post = case_post(office)
    bo, cia = await asyncio.gather(
        office.click(BO, post, "claim"), office.click(CIA, post, "claim")
    )
    (row,) = workbook_rows(office)
    winner = row["Hanteras av"]
    assert winner in ("xbo", "xcia")
    loser_answer = card_of(cia if winner == "xbo" else bo)
    winner_answer = card_of(bo if winner == "xbo" else cia)
    assert verbs(winner_answer) == {"handover.form", "close.form"}
    assert verbs(loser_answer) == {"takeover"}
    assert winner in texts(loser_answer)


async def test_a_user_without_a_signature_is_asked_once_and_then_the_click_goes_through(
    office: Office,
) -> None:
    await register_case(office)
    post = case_post(office)
    asked = card_of(await office.click(BO, post, "claim"))
    assert verbs(asked) == {"signature"} and "signature" in inputs(asked)
    refused = card_of(await office.click(BO, post, "signature", {"signature": "bo"}, card=asked))
    assert inputs(refused)["signature"]["value"] == "bo"
    (row,) = workbook_rows(office)
    assert row["Status"] == "Ny"
    claimed = card_of(await office.click(BO, post, "signature", {"signature": "xbo"}, card=refused))
    assert verbs(claimed) == {"handover.form", "close.form"}
    (row,) = workbook_rows(office)
    assert (row["Status"], row["Hanteras av"]) == ("Påbörjad", "xbo")
    # Asked once: the next click needs no signature.
    handover = card_of(await office.click(BO, post, "handover.form", card=claimed))
    assert "note" in inputs(handover)


async def test_nobody_can_take_another_persons_signature(office: Office) -> None:
    await office.sign_up(BO, "xbo")
    post = await office.say(CIA, "hjälp")
    answer = card_of(
        await office.invoke(CIA, post, "signature", {"signature": "XBO", "pending": {}})
    )
    assert "signature" in inputs(answer)
    assert "colleague" in texts(answer)


async def test_a_busy_workbook_saves_nothing_and_keeps_what_was_typed(office: Office) -> None:
    from filelock import FileLock

    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    someone_saving = FileLock(f"{office.workbook}.lock")
    with someone_saving:
        answer = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    fields = inputs(answer)
    assert fields["customerNumber"]["value"] == REGISTRATION["customerNumber"]
    assert fields["description"]["value"] == REGISTRATION["description"]
    assert "Inget sparades" in texts(answer)
    assert await office.ledger.list() == []
    assert office.connector.top_level_posts() == []
    # Once the workbook is free again, the same click goes through.
    registered = card_of(await office.click(ANNA, form, "register", REGISTRATION, card=answer))
    assert "SA-000001" in texts(registered)


async def test_a_channel_card_that_cannot_be_redrawn_is_told_and_the_click_still_counts(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)
    office.connector.fail_next(500, times=10)
    with caplog.at_level("WARNING", logger="bot.redraws"):
        claimed = card_of(await office.click(BO, post, "claim"))
    assert verbs(claimed) == {"handover.form", "close.form"}
    assert "kanalen visar den inte än" in texts(claimed)  # the agent is told, not left guessing
    (row,) = workbook_rows(office)
    assert row["Hanteras av"] == "xbo"
    assert "claim" in verbs(post.card) and "xbo" not in texts(post.card)  # still the old card
    # One PUT: a 500 is not retried within the click; the outbox retries it later.
    assert [c.status for c in office.connector.calls if c.method == "PUT"] == [500]
    assert any("channel card not updated yet" in r.getMessage() for r in caplog.records)


async def test_a_click_the_rules_refuse_stores_nothing_and_shows_the_case_with_why(
    office: Office,
) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    await office.sign_up(CIA, "xcia")
    post = case_post(office)
    card_of(await office.click(BO, post, "claim"))
    # Cia's view of the current card offers Ta över; Bo, who handles it, clicks that one.
    cias_view = card_of(await office.refresh(CIA, post))
    answer = card_of(await office.click(BO, post, "takeover", card=cias_view))
    assert "Du hanterar redan SA-000001." in texts(answer)
    assert verbs(answer) == {"handover.form", "close.form"}
    (row,) = workbook_rows(office)
    assert row["Hanteras av"] == "xbo" and row["Status"] == Status.PABORJAD.value

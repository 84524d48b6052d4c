"""When bot state cannot keep a redraw, the agent is promised nothing.

The outbox (``bot.redraw_outbox``) is what lets the bot say "I keep trying":
a retry pass finds there what Teams has not taken yet. When the outbox itself
cannot be read or written (here: its file's place is taken by a folder, as a
disk or blob store refusing that one item would), a click whose card Teams
also refused must say the channel lags *without* promising more tries, and
the registration must not promise a card that nothing will post.
"""

from __future__ import annotations

from pathlib import Path

from bot.redraw_outbox import KEY as OUTBOX
from bot.storage import JsonFileStorage
from tests.bot.conftest import ANNA, BO
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of, case_post, register_case
from tests.bot.test_redraws_e2e import CLOSE_INPUTS, Bench, claimed_by_bo
from tests.fakes.cardwalk import texts

KEEP_TRYING = ("fortsätter", "keep trying")
UNKEPT = "jag kunde inte anteckna att försöka igen"


def outbox_down(bench: Bench) -> Path:
    """Put a folder where the outbox's file goes: every read and write of it fails."""
    path = JsonFileStorage(bench.state_dir)._path(OUTBOX)
    path.unlink(missing_ok=True)
    path.mkdir()
    return path


def promised(text: str) -> bool:
    return any(word in text for word in KEEP_TRYING)


async def test_a_claim_whose_redraw_cannot_be_kept_promises_no_retry(bench: Bench) -> None:
    office = await bench.start()
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)
    folder = outbox_down(bench)
    bench.connector.fail_next(503, times=3)

    claimed = card_of(await office.click(BO, post, "claim"))

    shown = texts(claimed)
    assert UNKEPT in shown and not promised(shown)
    assert "xbo" not in texts(post.card)
    # What it says instead holds: the case's next change draws the card.
    folder.rmdir()
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))
    card_of(await office.click(BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form))
    assert "xbo" in texts(post.card) and "Lämnat över" in texts(post.card)


async def test_a_close_whose_redraw_cannot_be_kept_says_to_tell_the_admin(bench: Bench) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = card_of(await office.click(BO, post, "close.form", card=claimed))
    sure = card_of(await office.click(BO, post, "close.review", CLOSE_INPUTS, card=form))
    outbox_down(bench)
    bench.connector.fail_next(503, times=3)

    draft = card_of(await office.click(BO, post, "close", card=sure))

    shown = texts(draft)
    assert "SA-000001 är stängt" in shown and UNKEPT in shown and not promised(shown)
    assert "administrerar boten" in shown


async def test_a_hand_over_notice_that_cannot_be_kept_promises_no_retry(bench: Bench) -> None:
    office = await bench.start()
    post, claimed = await claimed_by_bo(office)
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))
    outbox_down(bench)
    bench.connector.fail_next(503, times=6)  # the redraw's three tries, then the notice's

    handed = card_of(
        await office.click(BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form)
    )

    shown = texts(handed)
    assert UNKEPT in shown and not promised(shown)


async def test_a_registration_whose_card_cannot_be_kept_promises_no_card(bench: Bench) -> None:
    office = await bench.start()
    await register_case(office)  # Anna's signature; the first case and its card
    outbox_down(bench)
    form = await office.say(ANNA, "registrera")
    bench.connector.fail_next(503, times=3)

    registered = card_of(await office.click(ANNA, form, "register", REGISTRATION))

    shown = texts(registered)
    assert "SA-000002" in shown
    assert "kortet kom inte ut i kanalen" in shown and not promised(shown)
    assert len(office.connector.top_level_posts()) == 1

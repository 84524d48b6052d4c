"""A 100 kB paste into a form, over real HTTP: refused with its limit, and every answer fits Teams (28 KB)."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.conftest import ANNA, BO, Office
from tests.cards.forms import error_under, input_and_next
from tests.fakes.cardwalk import buttons

LIMIT = 28 * 1024
REGISTRATION = {
    "customerNumber": "5012345", "cabNumber": "9876543", "description": "Tjugotvå adresser " * 6_000,
    "changeCount": "22", "changeKind": "faktura", "customerKind": "företag",
}  # fmt: skip


def card_of(answer: dict[str, Any]) -> dict[str, Any]:
    card = answer["value"]
    assert len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode()) <= LIMIT
    return card


async def test_a_huge_description_is_refused_and_shown_back_cut(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    card = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert (
        error_under(card, "description") == "Beskrivningen får vara högst 500 tecken (nu 107999)."
    )
    shown = input_and_next(card, "description")[0]["value"]
    assert REGISTRATION["description"].startswith(shown) and len(shown) == 500
    assert input_and_next(card, "customerNumber")[0]["value"] == "5012345"


async def test_the_signature_form_keeps_what_fits_of_the_click(office: Office) -> None:
    """Bo has no signature yet. The 100 kB description is refused before he is
    asked for one; a form that passes goes with the question, less a 100 kB
    value no input sent."""
    form = await office.say(BO, "registrera")
    refused = card_of(await office.click(BO, form, "register", REGISTRATION))
    assert "signature" not in buttons(refused)
    assert error_under(refused, "description") == (
        "Beskrivningen får vara högst 500 tecken (nu 107999)."
    )
    valid = {**REGISTRATION, "description": "Tjugotvå adresser"}
    asked = card_of(await office.click(BO, form, "register", {**valid, "junk": "x" * 100_000}))
    kept = buttons(asked)["signature"]["data"]["pending"]
    assert kept["verb"] == "register"
    assert kept["data"].pop("form"), "the form's nonce goes with the click"
    assert kept["data"] == valid
    resumed = card_of(await office.click(BO, form, "signature", {"signature": "xbo"}, card=asked))
    assert "SA-000001" in json.dumps(resumed, ensure_ascii=False)

"""The routine shown in place of a registration form, with Tillbaka to the form as it was."""

from __future__ import annotations

import cards
from cases.triage import triage
from tests.fakes.cardwalk import buttons, texts, verbs

from .conftest import render

KEPT = {
    "form": "0f" * 16,
    "customerNumber": "5012345",
    "cabNumber": "CAB-98765",
    "description": "Flytt av 22 anläggningar",
    "changeCount": "3",
    "changeKind": "flytt",
    "customerKind": "företag",
}


def test_tillbaka_carries_the_form_and_sends_nothing_typed(locale: str) -> None:
    card = render(cards.triage_card(triage(3, "företag", "flytt"), locale, 3, back=KEPT))
    (back,) = card["actions"]
    assert back["verb"] == "register.back" and back["data"] == KEPT
    assert back["associatedInputs"] == "none"
    assert back["title"] == ("Back" if locale == "en-US" else "Tillbaka")
    said = "Nothing was registered" if locale == "en-US" else "Inget har registrerats"
    assert said in texts(card)


def test_the_triage_command_has_no_way_back() -> None:
    card = render(cards.triage_card(triage(3, "företag", "flytt"), "sv-SE", 3))
    assert not verbs(card) and "Inget har registrerats" not in texts(card)


def test_the_cab_input_shows_a_hint_in_both_languages(locale: str) -> None:
    card = render(cards.register_form(locale))
    (cab,) = [n for n in card["body"] if n.get("id") == "cabNumber"]
    assert cab["placeholder"] == (
        "Digits, e.g. 98765" if locale == "en-US" else "Siffror, t.ex. 98765"
    )
    assert "register" in buttons(card)

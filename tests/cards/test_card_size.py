"""A form shown again after a 100 kB paste still fits in Teams (28 KB).

Each refilled input shows at most what it takes (``maxLength``; the ID lists,
which have none, ``installations.LIST_MAX`` as a card counts it), without the
characters no input can show. A typed value within the limits comes back whole.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cards
from cases import validation
from cases.installations import LIST_MAX

from .conftest import make_case, render
from .forms import input_and_next

LIMIT = 28 * 1024
PASTES = ["a", "å", "\U0001f600", '"', "\\", "\n", "\x00", "\ud800", "*"]


def size(card_json: dict) -> int:
    return len(
        json.dumps(card_json, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
    )


def pasted(unit: str, ids: tuple[str, ...]) -> dict[str, str]:
    return {input_id: unit * 100_000 for input_id in ids}


@pytest.mark.parametrize("unit", PASTES)
def test_every_form_refilled_with_100_kb_fits(unit: str) -> None:
    email = ("changedIds", "otherIds", "greeting", "emailValue", "emailOffer")
    registration = ("customerNumber", "cabNumber", "description")
    errors = {key: "fel" for key in (*email, *registration, "note", "signature")}
    case = make_case("paborjad")
    drawn = {
        "register": cards.register_form("sv-SE", pasted(unit, registration), errors),
        "correct": cards.correct_form(make_case(), "sv-SE", pasted(unit, registration), errors),
        "email": cards.email_form("sv-SE", {**pasted(unit, email), "emailChange": "annat"}, errors),
        "close": cards.close_form(
            case, "sv-SE", {**pasted(unit, email), "emailChange": "annat"}, errors
        ),
        "handover": cards.handover_form(case, "sv-SE", pasted(unit, ("note",)), errors),
        "signature": cards.signature_form("sv-SE", {}, pasted(unit, ("signature",)), errors),
    }
    for name, card in drawn.items():
        assert size(render(card)) <= LIMIT, name


def test_a_refill_is_cut_to_what_the_input_takes() -> None:
    card = render(
        cards.register_form("sv-SE", {"description": "x\x00y" * 1_000, "cabNumber": "12 34"})
    )
    description, _ = input_and_next(card, "description")
    assert (
        description["value"] == "xy" * 250
        and description["maxLength"] == validation.DESCRIPTION_MAX
    )
    assert input_and_next(card, "cabNumber")[0]["value"] == "12 34"


def test_an_id_list_within_the_limit_comes_back_whole() -> None:
    ids = "\n".join(f"7359991020{n:08d}" for n in range(LIST_MAX // 20))
    card = render(cards.email_form("sv-SE", {"changedIds": ids}))
    assert input_and_next(card, "changedIds")[0]["value"] == ids


@given(st.text())
def test_card_size_is_what_json_takes(text: str) -> None:
    expected = len(json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogatepass")) - 2
    assert validation.card_size(text) == expected
    cut = validation.cut_to_card_size(text, 10)
    assert text.startswith(cut) and validation.card_size(cut) <= 10
    assert cut == text or validation.card_size(text[: len(cut) + 1]) > 10

"""The close's confirmation card: the case, the count against the IDs, what is deleted."""

from __future__ import annotations

import json

import pytest

import cards
from cases.installations import CONFIRM_MAX
from cases.validation import CHANGE_MAX, GREETING_MAX
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import buttons, texts, verbs

from .conftest import CUSTOMER_VALUES, make_case, render

LIMIT = 28 * 1024
VALUES = {
    "changedIds": "\n".join(make_gsrn(f"7359991020000{n:04d}") for n in range(5)),
    "greeting": "Brf Tallkotten",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123, 111 11 Staden",
}


def confirm(locale: str = "sv-SE", count: int | None = 16, ids: int = 5) -> dict:
    case = make_case("paborjad", change_count=count)
    return render(cards.close_confirm_card(case, locale, VALUES, ids))


def test_it_names_the_case_the_ids_and_says_plainly_that_they_differ() -> None:
    card = confirm()
    shown = texts(card)
    assert "Stänga SA-000042?" in shown
    assert "Du har angett 5 anläggnings-ID men ärendet registrerades med 16 ändringar." in shown
    assert "kunduppgifterna raderas" in shown and "går inte att få tillbaka" in shown
    assert card["body"][0]["style"] == "warning"  # the difference first, before anything else


def test_in_english() -> None:
    shown = texts(confirm("en-US", count=16, ids=1))
    assert "You entered 1 installation ID, but the case was registered with 16 changes." in shown
    assert "cannot be restored" in shown and "Yes, close and delete" in shown


def test_a_matching_count_is_said_and_gives_no_warning() -> None:
    card = confirm(count=5, ids=5)
    assert "stämmer med antalet" in texts(card)
    assert "Du har angett" not in texts(card)


def test_a_case_from_before_the_count_says_it_is_unknown() -> None:
    card = confirm(count=None)
    assert "Okänt" in texts(card) and "Antalet ändringar är okänt" in texts(card)
    assert "Du har angett" not in texts(card)


def test_ja_closes_with_what_was_confirmed_and_tillbaka_brings_it_back() -> None:
    case = make_case("paborjad", change_count=16)
    found = buttons(render(cards.close_confirm_card(case, "sv-SE", VALUES, 5)))
    assert verbs({"actions": list(found.values())}) == {"close", "close.form"}
    ja, back = found["close"], found["close.form"]
    assert ja["title"] == "Ja, stäng och radera" and ja["style"] == "destructive"
    assert back["title"] == "Tillbaka"
    drawn = {"caseId": case.case_id, "version": case.version}
    assert ja["data"] == {**VALUES, **drawn, cards.CLOSE_CONFIRMED: "1"}
    assert back["data"] == {**VALUES, **drawn}  # no confirmation in it: it only shows the form


def test_no_customer_value_from_the_row_is_on_it() -> None:
    assert not any(value in json.dumps(confirm(), ensure_ascii=False) for value in CUSTOMER_VALUES)


@pytest.mark.parametrize("unit", ["a", "å", "\U0001f600", '"'])
def test_the_most_ids_it_confirms_with_the_longest_fields_fit_in_teams(unit: str) -> None:
    ids = [make_gsrn(f"7359991020{n:07d}") for n in range(CONFIRM_MAX)]
    half = CONFIRM_MAX // 2
    values = {
        "changedIds": "\n".join(ids[:half]),
        "otherIds": "\n".join(ids[half:]),
        "greeting": unit * GREETING_MAX,
        "emailChange": "annat",
        "emailValue": unit * CHANGE_MAX,
        "emailOffer": unit * CHANGE_MAX,
    }
    case = make_case("paborjad", change_count=10_000)
    card = render(cards.close_confirm_card(case, "sv-SE", values, half))
    size = len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= LIMIT, size

"""The question before a take-over: who has the case, since when, and two buttons."""

from __future__ import annotations

import json

import pytest

import cards
from cards.names import name_of
from tests.fakes.cardwalk import buttons, texts

from .conftest import CUSTOMER_VALUES, HANDLER, NOW, make_case, render
from .markdown import HOSTILE, assert_shown_as_text


def test_it_names_who_has_the_case_and_when_they_changed_it() -> None:
    case = make_case("paborjad")
    card = render(cards.takeover_confirm(case, names={HANDLER: "Bo Berg"}, locale="sv-SE", now=NOW))
    shown = texts(card)
    assert card["body"][0]["text"] == "Ta över SA-000042?"
    assert f"Bo Berg ({HANDLER}) har ärendet och ändrade det senast 2026-11-23 12:00" in shown
    assert "för 3 h sedan" in shown
    assert "Ta över ändå?" in shown


def test_in_english() -> None:
    card = render(
        cards.takeover_confirm(
            make_case("paborjad"), names={HANDLER: "Bo"}, locale="en-US", now=NOW
        )
    )
    assert f"Bo ({HANDLER}) has the case and last changed it" in texts(card)
    assert [b["title"] for b in buttons(card).values()] == ["Yes, take over", "Cancel"]


def test_without_a_name_the_signature_alone() -> None:
    card = render(
        cards.takeover_confirm(make_case("paborjad"), names={HANDLER: ""}, locale="sv-SE", now=NOW)
    )
    assert f"{HANDLER} har ärendet" in texts(card) and "()" not in texts(card)


def test_yes_carries_the_version_and_cancel_goes_back_to_the_case_card() -> None:
    case = make_case("paborjad")
    card = render(cards.takeover_confirm(case, names={HANDLER: "Bo"}, locale="sv-SE", now=NOW))
    yes, back = buttons(card)["takeover.confirm"], buttons(card)["refresh"]
    assert list(buttons(card)) == ["takeover.confirm", "refresh"]
    assert yes["title"] == "Ja, ta över" and yes["style"] == "positive"
    assert yes["data"] == back["data"] == {"caseId": case.case_id, "version": case.version}
    assert back["title"] == "Avbryt" and back["associatedInputs"] == "none"


def test_from_a_notice_both_buttons_answer_as_a_notice_does() -> None:
    case = make_case("paborjad")
    card = render(
        cards.takeover_confirm(
            case, names={HANDLER: "Bo"}, locale="sv-SE", now=NOW, from_notice=True
        )
    )
    shown = buttons(card)
    assert list(shown) == ["takeover.confirm", "refresh"]
    assert all(button["data"] == cards.notice_data(case) for button in shown.values())


def test_no_customer_data_not_even_the_note(locale: str) -> None:
    case = make_case("overlamnad").replace(handed_over_at=None)  # taken back, note kept
    card = render(cards.takeover_confirm(case, names={HANDLER: "Bo"}, locale=locale, now=NOW))
    assert case.comment and "SA-000042" in texts(card) and f"Bo ({HANDLER})" in texts(card)
    everything = json.dumps(card, ensure_ascii=False)
    assert [value for value in CUSTOMER_VALUES if value in everything] == []


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_name_from_teams_is_shown_as_text(typed: str, locale: str) -> None:
    names = {HANDLER: typed}
    card = render(
        cards.takeover_confirm(make_case("paborjad"), names=names, locale=locale, now=NOW)
    )
    assert_shown_as_text(card, name_of(HANDLER, names))  # as every card shows it: cut to 32

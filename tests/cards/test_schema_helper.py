"""The schema check itself: it must accept good cards and catch what Teams 1.5 would not take."""

from __future__ import annotations

import copy

import pytest

from .schema import assert_teams_card, assert_valid_card

GOOD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {"type": "TextBlock", "text": "Hej", "wrap": True},
        {"type": "Input.Text", "id": "note", "label": "Notering", "isMultiline": True},
    ],
    "actions": [{"type": "Action.Execute", "title": "Spara", "verb": "save", "data": {"a": 1}}],
    "refresh": {"action": {"type": "Action.Execute", "verb": "refresh"}, "userIds": ["29:a"]},
}


def broken(change):
    card = copy.deepcopy(GOOD)
    change(card)
    return card


def test_a_good_card_passes():
    assert_valid_card(GOOD)
    assert_teams_card(GOOD)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda c: c.update(msteams={"width": "Full"}), "msteams"),
        (lambda c: c["body"][1].update(msteams={}), "msteams"),
        (lambda c: c["actions"][0].update(conditionallyEnabled=True), "conditionallyEnabled"),
        (lambda c: c["body"].append({"type": "Badge", "text": "1.6"}), "Badge"),
        (lambda c: c["body"][0].update(color="Purple"), "Purple"),
        (lambda c: c["body"][0].update(style="columnHeader"), "columnHeader"),
        (lambda c: c["body"][1].pop("id"), "id"),
        (lambda c: c["refresh"].update(expires="2026-01-01"), "expires"),
        (lambda c: c.update(version="1.6"), "version"),
        (lambda c: c.update(type="Card"), "Card"),
    ],
)
def test_what_1_5_does_not_have_fails(change, says):
    with pytest.raises(AssertionError, match=says):
        assert_valid_card(broken(change))


def test_submit_buttons_and_missing_verbs_fail_the_bot_rules():
    submit = broken(lambda c: c["actions"].append({"type": "Action.Submit", "title": "Skicka"}))
    with pytest.raises(AssertionError, match=r"Action\.Submit"):
        assert_teams_card(submit)
    no_verb = broken(lambda c: c["actions"][0].pop("verb"))
    with pytest.raises(AssertionError, match="verb"):
        assert_teams_card(no_verb)


def test_repeated_ids_fail_the_bot_rules():
    twice = broken(lambda c: c["body"].append({"type": "Input.Text", "id": "note"}))
    with pytest.raises(AssertionError, match="note"):
        assert_teams_card(twice)


# -- Teams' CodeBlock: checked as Microsoft documents it, then as its fallback ---------

FALLBACK = {"type": "Container", "items": [{"type": "RichTextBlock", "inlines": ["Hej"]}]}
CODE_BLOCK = {
    "type": "CodeBlock",
    "id": "draft",
    "codeSnippet": "Hej\n\nRad två",
    "language": "PlainText",
    "fallback": FALLBACK,
}


def with_code_block(change=lambda block: None):
    card = copy.deepcopy(GOOD)
    block = copy.deepcopy(CODE_BLOCK)
    change(block)
    card["body"].insert(1, {"type": "Container", "items": [block]})
    return card


def test_a_documented_code_block_with_a_valid_fallback_passes():
    assert_teams_card(with_code_block())
    assert_teams_card(with_code_block(lambda b: b.update(startLineNumber=1)))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda b: b.pop("codeSnippet"), "codeSnippet"),
        (lambda b: b.pop("language"), "language"),
        (lambda b: b.update(language="Swedish"), "Swedish"),
        (lambda b: b.update(codeSnippet=["Hej"]), "Hej"),
        (lambda b: b.update(wrap=True), "wrap"),  # not a property Teams documents
        (lambda b: b.pop("fallback"), "fallback"),  # mobile would show nothing
        (lambda b: b.update(fallback="drop"), "drop"),
    ],
)
def test_a_code_block_unlike_the_documented_one_fails(change, says):
    with pytest.raises(AssertionError, match=says):
        assert_valid_card(with_code_block(change))


def test_the_fallback_is_checked_as_a_1_5_element():
    bad = with_code_block(lambda b: b["fallback"].update(msteams={}))
    with pytest.raises(AssertionError, match="msteams"):
        assert_valid_card(bad)
    with pytest.raises(AssertionError, match="Badge"):
        assert_valid_card(with_code_block(lambda b: b.update(fallback={"type": "Badge"})))


def test_other_unknown_elements_still_fail():
    card = copy.deepcopy(GOOD)
    card["body"].append({"type": "Carousel", "fallback": FALLBACK})
    with pytest.raises(AssertionError, match="Carousel"):
        assert_valid_card(card)

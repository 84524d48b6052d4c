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

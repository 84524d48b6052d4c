"""The stall notice and the morning digest: Ärende-ID and status, buttons to act, no customer data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import cards
from cards.stall import DIGEST_MAX_ROWS, business_duration, headline
from cases.business_time import BusinessCalendar
from cases.stalls import Stall, StallRule
from tests.fakes.cardwalk import buttons, texts

from .conftest import CUSTOMER_VALUES, HANDLER, NOW, make_case, render

DAY = BusinessCalendar().day_length
H = timedelta(hours=1)


def stall(state: str = "ny", rule: StallRule = StallRule.NEW, level: int = 1, **changes) -> Stall:
    case = make_case(state, **changes)
    limit = {StallRule.NEW: 4 * H, StallRule.STARTED: DAY, StallRule.HANDED_OVER: 2 * H}[
        rule
    ] * level
    return Stall(
        case=case,
        rule=rule,
        level=level,
        since=case.changed_at,
        stalled_for=limit + timedelta(minutes=10),
        limit=limit,
        business_day=DAY,
    )


ALL = [
    ("ny", StallRule.NEW, "claim"),
    ("paborjad", StallRule.STARTED, "takeover"),
    ("overlamnad", StallRule.HANDED_OVER, "takeover"),
]


@pytest.mark.parametrize(("state", "rule", "verb"), ALL)
@pytest.mark.parametrize("level", [1, 2])
def test_a_notice_names_the_case_and_offers_the_cards_own_button(locale, state, rule, verb, level):
    s = stall(state, rule, level)
    card = render(cards.stall_notice(s, locale, now=NOW))
    shown = texts(card)
    assert "SA-000042" in shown
    assert set(buttons(card)) == {verb}
    # From a notice: answered with a glance at the case, never a copy of its card.
    expected = {"caseId": "SA-000042", "version": s.case.version, "view": "notice"}
    assert buttons(card)[verb]["data"] == expected
    everything = json.dumps(card, ensure_ascii=False)
    assert not [value for value in CUSTOMER_VALUES if value in everything]
    assert card["body"][0]["id"] == "stallNotice"
    assert card["body"][0]["style"] == ("attention" if level == 2 else "warning")


def test_notice_texts_in_swedish():
    assert headline(stall(), "sv-SE") == "SA-000042 · Ny har inte påbörjats på 4 h arbetstid."
    assert headline(stall(level=2), "sv-SE") == (
        "Påminnelse: SA-000042 · Ny har fortfarande inte påbörjats, efter 8 h arbetstid."
    )
    assert headline(stall("paborjad", StallRule.STARTED), "sv-SE") == (
        "SA-000042 · Påbörjad har inte ändrats på 1 arbetsdag."
    )
    assert headline(stall("overlamnad", StallRule.HANDED_OVER), "sv-SE") == (
        "SA-000042 · Påbörjad är överlämnat och ingen har tagit över det på 2 h arbetstid."
    )
    shown = texts(
        render(cards.stall_notice(stall("paborjad", StallRule.STARTED), "sv-SE", now=NOW))
    )
    assert HANDLER in shown and "Senaste aktivitet" in shown


def test_notice_texts_in_english():
    assert headline(stall("paborjad", StallRule.STARTED, 2), "en-US") == (
        "Reminder: SA-000042 · In progress has still not changed, after 2 business days."
    )


@pytest.mark.parametrize(
    ("minutes", "sv", "en"),
    [
        (60, "1 h arbetstid", "1 business hour"),
        (240, "4 h arbetstid", "4 business hours"),
        (150, "2 h 30 min arbetstid", "2 h 30 min of business time"),
        (45, "45 min arbetstid", "45 min of business time"),
        (540, "1 arbetsdag", "1 business day"),
        (1080, "2 arbetsdagar", "2 business days"),
        (600, "10 h arbetstid", "10 business hours"),
    ],
)
def test_business_durations(minutes, sv, en):
    assert business_duration(timedelta(minutes=minutes), DAY, "sv-SE") == sv
    assert business_duration(timedelta(minutes=minutes), DAY, "en-US") == en


def test_the_digest_lists_every_stall_by_rule_with_a_button_each(locale):
    stalls = [
        stall("ny", StallRule.NEW, case_id="SA-000001"),
        stall("overlamnad", StallRule.HANDED_OVER, case_id="SA-000002"),
        stall("paborjad", StallRule.STARTED, 2, case_id="SA-000003"),
    ]
    card = render(cards.stall_digest(stalls, locale, now=NOW))
    shown = texts(card)
    assert card["body"][0]["id"] == "stallDigest"
    assert NOW.date().isoformat() in shown
    for case_id in ("SA-000001", "SA-000002", "SA-000003"):
        assert case_id in shown
    actions = [n for n in _walk(card["body"]) if n.get("type") == "Action.Execute"]
    assert [(a["verb"], a["data"]["caseId"]) for a in actions] == [
        ("claim", "SA-000001"),
        ("takeover", "SA-000002"),
        ("takeover", "SA-000003"),
    ]
    assert all(set(a["data"]) == {"caseId", "version", "view"} for a in actions)
    everything = json.dumps(card, ensure_ascii=False)
    assert not [value for value in CUSTOMER_VALUES if value in everything]


def test_the_digest_stops_listing_before_teams_card_limit():
    stalls = [stall(case_id=f"SA-{n:06d}") for n in range(1, DIGEST_MAX_ROWS + 6)]
    card = render(cards.stall_digest(stalls, "sv-SE", now=NOW))
    assert "… och 5 till." in texts(card)
    assert len(json.dumps(card)) < 28_000


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)

"""The case card: what each agent sees and may click, in each state."""

from __future__ import annotations

import json

import pytest

import cards
from cases.model import Status
from tests.fakes.cardwalk import buttons, shown, texts, verbs

from .conftest import (
    CUSTOMER,
    CUSTOMER_VALUES,
    HANDLER,
    NOW,
    OTHER,
    REGISTRANT,
    STATES,
    make_case,
    render,
)

VIEWERS = (None, REGISTRANT, HANDLER, OTHER)


def case_card(case, viewer=None, locale="sv-SE", **kwargs):
    """An agent's own view has the customer data; the shared base card (viewer None) not."""
    kwargs.setdefault("details", viewer is not None)
    return render(cards.case_card(case, viewer=viewer, locale=locale, now=NOW, **kwargs))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_state_and_viewer_is_a_valid_card(state, viewer, locale):
    case_card(make_case(state), viewer, locale, refresh_user_ids=["29:a", "29:b"], notice="Obs")


@pytest.mark.parametrize(
    ("state", "viewer", "expected"),
    [
        # The shared base card, before each agent's own view arrives.
        ("ny", None, {"claim", "details"}),
        ("paborjad", None, {"takeover", "details"}),
        ("overlamnad", None, {"takeover", "details"}),
        ("hanterad", None, set()),
        # Each agent's own view.
        ("ny", REGISTRANT, {"claim", "correct.form"}),
        ("ny", OTHER, {"claim"}),
        ("ny", HANDLER, {"claim"}),
        ("paborjad", HANDLER, {"handover.form", "close.form"}),
        ("paborjad", OTHER, {"takeover"}),
        ("paborjad", REGISTRANT, {"takeover"}),
        ("overlamnad", HANDLER, {"handover.form", "close.form"}),
        ("overlamnad", OTHER, {"takeover"}),
        ("hanterad", HANDLER, set()),
        ("hanterad", OTHER, set()),
    ],
)
def test_buttons_follow_the_lifecycle(state, viewer, expected):
    assert verbs(case_card(make_case(state), viewer)) == expected


def test_viewer_signature_is_compared_case_insensitively():
    assert verbs(case_card(make_case("paborjad"), HANDLER.upper())) == {
        "handover.form",
        "close.form",
    }


def test_button_titles_and_order():
    sv = case_card(make_case("ny"), REGISTRANT)
    assert [a["title"] for a in sv["actions"]] == ["Påbörja", "Rätta"]
    en = case_card(make_case("paborjad"), HANDLER, "en-US")
    assert [a["title"] for a in en["actions"]] == ["Hand over", "Done"]
    assert [a["title"] for a in case_card(make_case("paborjad"), OTHER)["actions"]] == ["Ta över"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_buttons_carry_case_id_and_version_only(state, viewer):
    case = make_case(state)
    card = case_card(case, viewer, refresh_user_ids=["29:a"])
    actions = list(buttons(card).values())
    if card.get("refresh"):
        actions.append(card["refresh"]["action"])
    for action in actions:
        assert action["data"] == {"caseId": "SA-000042", "version": case.version}
        for value in CUSTOMER_VALUES:
            assert value not in json.dumps(action, ensure_ascii=False)


@pytest.mark.parametrize("state", ["ny", "paborjad", "overlamnad"])
def test_an_agents_own_view_shows_customer_data(state, locale):
    shown = texts(case_card(make_case(state), None, locale, details=True))
    for key in ("customer_number", "cab_number", "description"):
        assert CUSTOMER[key] in shown
    assert (CUSTOMER["comment"] in shown) is (state == "overlamnad")


@pytest.mark.parametrize("state", STATES)
def test_the_base_card_for_the_channel_holds_no_customer_data(state, locale):
    card = case_card(make_case(state), None, locale, refresh_user_ids=["29:a"])
    everything = json.dumps(card, ensure_ascii=False)
    for value in CUSTOMER_VALUES:
        assert value not in everything
    assert ("details" in verbs(card)) is (state != "hanterad")


def test_customer_data_has_its_labels():
    shown = texts(case_card(make_case("overlamnad"), details=True))
    for label in ("Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet", "Eventuell kommentar"):
        assert label in shown


def test_multi_line_description_keeps_its_lines():
    case = make_case("ny", description="Rad ett\nRad två\n\nRad tre")
    card = case_card(case, details=True)
    assert "Rad ett\nRad två\nRad tre" in texts(card)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_handled_case_shows_no_customer_data_no_buttons_no_refresh(viewer, locale):
    case = make_case("hanterad")
    card = case_card(case, viewer, locale, refresh_user_ids=["29:a"])
    assert "actions" not in card and not verbs(card)
    assert "refresh" not in card
    everything = json.dumps(card, ensure_ascii=False)
    for value in CUSTOMER_VALUES:
        assert value not in everything


def test_handled_case_never_shows_customer_data_even_if_the_wipe_failed():
    """Defence in depth: the card hides it even when the row still holds it."""
    case = make_case("hanterad", **CUSTOMER)
    assert case.has_customer_data
    everything = json.dumps(case_card(case, HANDLER), ensure_ascii=False)
    for value in CUSTOMER_VALUES:
        assert value not in everything


def test_handled_line(locale):
    shown = texts(case_card(make_case("hanterad"), None, locale))
    expected = {
        "sv-SE": "Hanterad – kunduppgifterna är raderade",
        "en-US": "Handled – the customer data has been deleted",
    }[locale]
    assert expected in shown


def test_title_and_facts_in_swedish():
    card = case_card(make_case("paborjad"))
    assert card["body"][0]["text"] == "SA-000042 · Påbörjad"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Status"] == "Påbörjad"
    assert facts["Hanteras av"] == HANDLER
    assert facts["Registrerat av"] == REGISTRANT
    assert facts["Registrerad"] == "2026-11-21 14:00 (för 2 d sedan)"
    assert facts["Senast ändrad"] == "2026-11-23 12:00 (för 3 h sedan)"


def test_title_and_facts_in_english():
    card = case_card(make_case("paborjad"), None, "en-US")
    assert card["body"][0]["text"] == "SA-000042 · In progress"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Status"] == "In progress (Påbörjad)"
    assert facts["Handled by"] == HANDLER
    assert facts["Registered"] == "2026-11-21 14:00 (2 d ago)"
    assert facts["Last changed"] == "2026-11-23 12:00 (3 h ago)"
    assert card["lang"] == "en"


def test_nobody_handles_a_new_case(locale):
    facts = {f["value"] for f in case_card(make_case("ny"), None, locale)["body"][1]["facts"]}
    assert {"sv-SE": "ingen än", "en-US": "nobody yet"}[locale] in facts


def test_a_new_case_shows_the_cab_comment_and_the_status_reminder():
    new = make_case("ny")
    shown = texts(case_card(new))
    assert f"Ärendet registrerat i Stora ärenden, {new.registered_at.date().isoformat()}" in shown
    assert '"I arbete" utan datum' in shown
    started = texts(case_card(make_case("paborjad")))
    assert "Ärendet registrerat i Stora ärenden" not in started


def test_handed_over_case_says_it_is_free_to_take(locale):
    shown = texts(case_card(make_case("overlamnad"), None, locale))
    if locale == "sv-SE":
        assert "Lämnat över – ledigt att ta över" in shown
        assert f"Lämnat av {HANDLER} 2026-11-23 14:40 (för 20 min sedan)." in shown
    else:
        assert "Handed over – free to take over" in shown
        assert f"Handed over by {HANDLER} 2026-11-23 14:40 (20 min ago)." in shown
    assert "ledigt att ta över" not in texts(case_card(make_case("paborjad")))


def test_notice_comes_first():
    card = case_card(make_case("ny"), notice="Ärendet har ändrats sedan du såg det.")
    assert card["body"][0]["type"] == "Container"
    assert shown(card["body"][0]["items"][0]) == "Ärendet har ändrats sedan du såg det."
    assert card["body"][1]["text"] == "SA-000042 · Ny"


@pytest.mark.parametrize("state", ["ny", "paborjad", "overlamnad"])
def test_open_case_refreshes_itself_for_the_listed_users(state):
    case = make_case(state)
    card = case_card(case, refresh_user_ids=("29:anna", "29:bo"))
    action = card["refresh"]["action"]
    assert action["type"] == "Action.Execute" and action["verb"] == "refresh"
    assert action["data"] == {"caseId": case.case_id, "version": case.version}
    assert card["refresh"]["userIds"] == ["29:anna", "29:bo"]


def test_refresh_user_ids_are_capped_at_60():
    ids = [f"29:user-{n}" for n in range(75)]
    card = case_card(make_case("ny"), refresh_user_ids=ids)
    assert card["refresh"]["userIds"] == ids[:60]
    assert cards.MAX_REFRESH_USERS == 60


def test_version_changes_with_the_case():
    before = make_case("ny")
    after = make_case("paborjad")
    assert (
        buttons(case_card(before))["claim"]["data"]["version"]
        != buttons(case_card(after))["takeover"]["data"]["version"]
    )


@pytest.mark.parametrize(
    ("minutes", "sv", "en"),
    [
        (0, "nyss", "just now"),
        (1, "för 1 min sedan", "1 min ago"),
        (59, "för 59 min sedan", "59 min ago"),
        (60, "för 1 h sedan", "1 h ago"),
        (23 * 60 + 59, "för 23 h sedan", "23 h ago"),
        (24 * 60, "för 1 d sedan", "1 d ago"),
        (10 * 24 * 60, "för 10 d sedan", "10 d ago"),
    ],
)
def test_ages(minutes, sv, en):
    from datetime import timedelta

    from cards.parts import age

    moment = NOW - timedelta(minutes=minutes)
    assert age(moment, NOW, "sv-SE") == sv
    assert age(moment, NOW, "en-GB") == en


def test_a_clock_slightly_behind_says_just_now():
    from datetime import timedelta

    from cards.parts import age

    assert age(NOW + timedelta(seconds=30), NOW, "sv-SE") == "nyss"


def test_status_words_cover_every_status(locale):
    for status in Status:
        card = case_card(make_case("ny", status=status), None, locale)
        assert card["body"][0]["text"].startswith("SA-000042 · ")
        assert card["body"][0]["text"] != "SA-000042 · "

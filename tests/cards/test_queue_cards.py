"""The queue's buttons, its size, the answers to a click on it, and agents by name."""

from __future__ import annotations

import json

import pytest

import cards
from cards.names import NAME_MAX, who, who_markdown
from tests.fakes.cardwalk import buttons, inputs, texts, walk

from .conftest import CUSTOMER_VALUES, HANDLER, NOW, REGISTRANT, make_case, render
from .markdown import HOSTILE, assert_shown_as_text
from .queue_rows import queue_rows, row_of
from .test_card_size import LIMIT, hundred_open_cases, size

URL = (
    "https://contoso.sharepoint.com/sites/Backoffice/_layouts/15/Doc.aspx"
    "?sourcedoc=%7B0A1B2C3D%7D&file=Stora%20%C3%A4renden.xlsx&action=default"
)


def queue(cases, viewer=None, **kwargs):
    kwargs.setdefault("title", "Kö")
    return render(cards.queue_card(cases, now=NOW, locale="sv-SE", viewer=viewer, **kwargs))


def test_a_short_queue_has_buttons_on_every_case_and_no_word_about_it():
    card = queue(hundred_open_cases()[:30], viewer="xbo")
    assert all(row.buttons for row in queue_rows(card))
    assert "Knappar finns" not in texts(card)


def test_each_case_offers_the_viewer_what_they_may_do():
    new = make_case("ny", case_id="SA-000001")
    theirs = make_case("paborjad", case_id="SA-000002")
    others = make_case("paborjad", case_id="SA-000003", handler="xcia")
    card = queue([new, theirs, others], viewer=HANDLER)
    assert set(row_of(card, "SA-000001").buttons) == {"claim", "details"}
    assert set(row_of(card, "SA-000002").buttons) == {"details"}
    assert set(row_of(card, "SA-000003").buttons) == {"takeover", "details"}
    claim = row_of(card, "SA-000001").buttons["claim"]
    assert claim["data"] == {"caseId": "SA-000001", "version": new.version, "view": "queue"}
    # A claim carries nothing typed in the search field.
    assert claim["associatedInputs"] == "none"


def test_the_queue_holds_the_search_field_and_the_link():
    card = queue([make_case("ny")], query="CAB-98765", query_error="Fel.", workbook_url=URL)
    assert inputs(card)["query"]["value"] == "CAB-98765"
    assert buttons(card)["search"]["data"] == {"view": "queue"}
    (link,) = [n for n in walk(card) if n.get("type") == "Action.OpenUrl"]
    assert link["url"] == URL and link["title"] == "Öppna arbetsboken"
    assert "Fel." in texts(card)
    assert not [n for n in walk(queue([])) if n.get("type") == "Action.OpenUrl"]


def test_the_answer_to_a_click_from_the_queue_keeps_the_way_back():
    case = make_case("paborjad")
    card = render(
        cards.queue_case_view(
            case, view="mine", viewer=HANDLER, locale="sv-SE", now=NOW,
            refresh_user_ids=["29:bo"], names={HANDLER: "Bo Berg"},
        )
    )  # fmt: skip
    assert CUSTOMER_VALUES[0] in texts(card)  # the clicker's own view: the details
    assert buttons(card)["queue"]["data"] == {"view": "mine"}
    assert texts(card).count("Tillbaka till mina ärenden") == 1
    assert buttons(card)["handover.form"]["data"]["view"] == "mine"
    assert card["refresh"] == {
        "action": {"type": "Action.Execute", "verb": "queue", "data": {"view": "mine"}},
        "userIds": ["29:bo"],
    }


def test_search_results_show_each_case_and_the_query():
    hits = [make_case("ny", case_id="SA-000001"), make_case("paborjad", case_id="SA-000002")]
    card = render(
        cards.search_results_card(
            hits, query="5012345", view="queue", viewer="xcia", locale="sv-SE",
            refresh_user_ids=["29:cia"],
        )
    )  # fmt: skip
    assert inputs(card)["query"]["value"] == "5012345"
    assert {row.case_id: set(row.buttons) for row in queue_rows(card)} == {
        "SA-000001": {"claim", "details"},
        "SA-000002": {"takeover", "details"},
    }
    assert CUSTOMER_VALUES[1] in texts(card)


def test_a_search_with_very_many_hits_lists_the_oldest_and_fits():
    hits = hundred_open_cases()
    names = {case.handler: "\U0001f600" * 50 for case in hits if case.handler}
    card = render(
        cards.search_results_card(
            hits, query="5012345", view="queue", viewer="xcia", locale="sv-SE",
            refresh_user_ids=["29:cia"], names=names,
        )
    )  # fmt: skip
    assert size(card) <= LIMIT
    assert len(queue_rows(card)) == 20 and "… och 80 till, de yngsta." in texts(card)


# -- names -----------------------------------------------------------------------------


def test_a_name_is_shown_with_its_signature_and_a_signature_alone_without_one():
    names = {"xab1234": "Anna Agent"}
    assert who("xab1234", names) == "Anna Agent (xab1234)"
    assert who("xold", names) == "xold"
    assert who_markdown("xab1234", {"xab1234": "Anna-Karin Öberg"}) == "Anna-Karin Öberg (xab1234)"
    assert who_markdown("xab1234", {"xab1234": "- [x](y)"}) == "\\- \\[x\\]\\(y\\) (xab1234)"
    long = who("xab1234", {"xab1234": "Namn " * 20})
    assert long.endswith("… (xab1234)") and len(long) <= NAME_MAX + len(" (xab1234)")
    assert who("xab1234", {"xab1234": "Anna\x00\u200b\nAgent"}) == "Anna Agent (xab1234)"


def test_the_case_card_names_registrant_and_handler():
    names = {REGISTRANT: "Rut Registrerare", HANDLER: "Bo Berg"}
    card = render(
        cards.case_card(make_case("overlamnad"), viewer=None, locale="sv-SE", now=NOW, names=names)
    )
    shown = texts(card)
    assert "Rut Registrerare (xreg1)" in shown and "Bo Berg (xbo)" in shown
    assert "Lämnat av Bo Berg (xbo)" in shown


def test_notices_name_the_handler():
    names = {HANDLER: "Bo Berg"}
    notice = render(cards.handover_notice(make_case("overlamnad"), "sv-SE", names))
    assert "Bo Berg (xbo)" in texts(notice)
    glance = render(cards.case_glance(make_case("paborjad"), locale="sv-SE", now=NOW, names=names))
    assert "Bo Berg (xbo)" in texts(glance)


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_name_from_teams_is_shown_as_text(typed):
    names = {HANDLER: typed, REGISTRANT: typed}
    case = make_case("overlamnad")
    for card in (
        cards.case_card(case, viewer=None, locale="sv-SE", now=NOW, names=names),
        cards.queue_card([case], now=NOW, locale="sv-SE", title="Kö", names=names),
        cards.handover_notice(case, "sv-SE", names),
    ):
        # Its first 20 characters, as typed (on one line): well inside NAME_MAX.
        assert_shown_as_text(render(card), " ".join(typed.split())[:20])


def test_the_queue_holds_no_customer_data_with_names_and_buttons():
    open_cases = [make_case("ny"), make_case("paborjad", case_id="SA-000043")]
    card = queue(open_cases, viewer="xbo", names={HANDLER: "Bo Berg"}, workbook_url=URL)
    assert {"claim", "details"} <= set(buttons(card))
    everything = json.dumps(card, ensure_ascii=False)
    assert not [value for value in CUSTOMER_VALUES if value in everything]

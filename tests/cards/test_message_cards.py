"""The cards that are messages rather than forms: registered, free to take, e-mail draft,
queue, triage answer, help and notices."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import cards
from cases.email import CLOSE_CHECKLIST, REGISTER_REMINDER, Change, confirmation_email
from cases.triage import Route, Stage, triage
from tests.fakes.cardwalk import buttons, shown, texts, verbs

from .conftest import CUSTOMER_VALUES, HANDLER, NOW, STATES, make_case, render
from .queue_rows import queue_rows


def leaks(card) -> list[str]:
    everything = json.dumps(card, ensure_ascii=False)
    return [value for value in CUSTOMER_VALUES if value in everything]


# -- registered ------------------------------------------------------------------


def test_registered_card_in_swedish():
    case = make_case("ny")
    card = render(cards.registered_card(case, "sv-SE"))
    shown = texts(card)
    assert card["body"][0]["text"] == "SA-000042 är registrerat"
    assert "Ärendet registrerat i Stora ärenden, 2026-11-21" in shown
    assert REGISTER_REMINDER.sv in shown and "I arbete" in shown and "utan datum" in shown
    assert not verbs(card)


def test_registered_card_in_english():
    card = render(cards.registered_card(make_case("ny"), "en-US"))
    shown = texts(card)
    assert card["body"][0]["text"] == "SA-000042 is registered"
    # The comment goes into CAB as the routine words it, whatever the agent's language.
    assert "Ärendet registrerat i Stora ärenden, 2026-11-21" in shown
    assert REGISTER_REMINDER.en in shown


def test_registered_card_holds_no_customer_data(locale):
    assert leaks(render(cards.registered_card(make_case("ny"), locale))) == []


def test_registered_card_with_a_notice():
    card = render(cards.registered_card(make_case("ny"), "sv-SE", notice="Kortet kom inte ut."))
    assert shown(card["body"][0]["items"][0]) == "Kortet kom inte ut."


# -- free to take ------------------------------------------------------------------


def test_handover_notice(locale):
    case = make_case("overlamnad")
    card = render(cards.handover_notice(case, locale))
    expected = {
        "sv-SE": f"SA-000042 är ledigt att ta över (lämnat av {HANDLER})",
        "en-US": f"SA-000042 is free to take over (handed over by {HANDLER})",
    }[locale]
    assert expected in texts(card)
    take = buttons(card)["takeover"]
    assert set(buttons(card)) == {"takeover"}
    assert take["title"] == {"sv-SE": "Ta över", "en-US": "Take over"}[locale]
    # From a notice: the click is answered with a glance, never a copy of the case card.
    assert take["data"] == {"caseId": case.case_id, "version": case.version, "view": "notice"}
    assert leaks(card) == []  # not even the note


# -- e-mail draft ------------------------------------------------------------------

DRAFT = confirmation_email(
    "Brf Tallkotten",
    Change.invoice_address("Gatunamnet 123\n111 11 Staden"),
    ["735999102000000001", "735999102000000002"],
    ["735999102000000003"],
)


def test_draft_keeps_every_line_in_order(locale):
    card = render(cards.email_draft_card("SA-000042", DRAFT, locale, checklist=True))
    assert DRAFT.count("\n") >= 3
    draft = next(n for n in card["body"] if n.get("id") == "emailDraft")
    assert draft["codeSnippet"] == DRAFT
    # Where the block is unknown: one block per line, so that line breaks survive in Teams.
    shown_lines = [shown(block) for block in draft["fallback"]["items"]]
    assert shown_lines == [line for line in DRAFT.split("\n") if line]
    assert all(block["type"] == "RichTextBlock" for block in draft["fallback"]["items"])


def test_draft_with_checklist_and_done_button(locale):
    card = render(cards.email_draft_card("SA-000042", DRAFT, locale, checklist=True))
    shown = texts(card)
    for item in CLOSE_CHECKLIST:
        assert item.text(locale) in shown
    assert "MAICCDIS" in shown
    done = buttons(card)["refresh"]
    assert set(buttons(card)) == {"refresh"}
    assert done["data"] == {"caseId": "SA-000042"}
    assert done["title"] == {"sv-SE": "Klart", "en-US": "Done"}[locale]
    assert "SA-000042" in shown


def test_draft_without_case_or_checklist(locale):
    card = render(cards.email_draft_card(None, DRAFT, locale, checklist=False))
    assert not verbs(card)
    assert "MAICCDIS" not in texts(card)
    assert next(n for n in card["body"] if n.get("id") == "emailDraft")["codeSnippet"] == DRAFT


def test_draft_keeps_a_blank_line_as_spacing():
    card = render(cards.email_draft_card(None, "Hej\n\nRad två", "sv-SE", checklist=False))
    draft = next(n for n in card["body"] if n.get("id") == "emailDraft")["fallback"]
    assert [shown(b) for b in draft["items"]] == ["Hej", "Rad två"]
    assert draft["items"][1]["spacing"] == "Medium"


# -- queue ---------------------------------------------------------------------------


def queue(cases_, locale="sv-SE", **kwargs):
    kwargs.setdefault("title", cards.texts.t("queue_title", locale))
    return render(cards.queue_card(cases_, now=NOW, locale=locale, **kwargs))


def test_queue_groups_open_cases_new_first():
    started = make_case("paborjad", case_id="SA-000001")
    handed = make_case("overlamnad", case_id="SA-000002")
    new_old = make_case("ny", case_id="SA-000003", registered_at=NOW - timedelta(days=3))
    new_recent = make_case("ny", case_id="SA-000004", registered_at=NOW - timedelta(minutes=5))
    closed = make_case("hanterad", case_id="SA-000005")
    card = queue([started, closed, new_recent, handed, new_old])
    headings = [
        n["text"] for n in card["body"] if n.get("weight") == "Bolder" and n.get("separator")
    ]
    assert headings == ["Ny (2)", "Påbörjad (2)"]
    order = [row.case_id for row in queue_rows(card)]
    assert order[:2] == ["SA-000003", "SA-000004"]
    assert set(order[2:]) == {"SA-000001", "SA-000002"}
    assert "SA-000005" not in texts(card)
    rows = {row.case_id: row.text for row in queue_rows(card)}
    assert rows["SA-000003"] == "registrerat för 3 d sedan"
    assert rows["SA-000004"] == "registrerat för 5 min sedan"
    assert rows["SA-000001"] == f"{HANDLER} · ändrat för 3 h sedan"
    assert rows["SA-000002"] == f"lämnat över av {HANDLER} för 20 min sedan – ledigt att ta över"


def test_queue_in_english():
    card = queue([make_case("ny"), make_case("overlamnad", case_id="SA-000043")], "en-US")
    shown = texts(card)
    assert card["body"][0]["text"] == "Queue – open cases"
    assert "New (1)" in shown and "In progress (1)" in shown
    assert "registered 2 d ago" in shown
    assert f"handed over by {HANDLER} 20 min ago – free to take over" in shown


@pytest.mark.parametrize("state", STATES)
def test_queue_holds_no_customer_data(state, locale):
    assert leaks(queue([make_case(state)], locale)) == []


def test_queue_offers_anyone_what_anyone_may_do_on_each_case():
    """Without a viewer: Påbörja on a new case, Ta över on a started one, details on both."""
    card = queue([make_case("ny"), make_case("paborjad", case_id="SA-000043")])
    rows = {row.case_id: set(row.buttons) for row in queue_rows(card)}
    assert rows == {"SA-000042": {"claim", "details"}, "SA-000043": {"takeover", "details"}}


def test_empty_queue(locale):
    shown = texts(queue([], locale))
    assert {"sv-SE": "Inga öppna ärenden just nu.", "en-US": "No open cases right now."}[
        locale
    ] in shown
    only_closed = texts(queue([make_case("hanterad")], locale))
    assert {"sv-SE": "Inga öppna ärenden", "en-US": "No open cases"}[locale] in only_closed


def test_mine_uses_its_own_title_and_empty_text(locale):
    t = cards.texts.t
    card = queue([], locale, title=t("mine_title", locale), empty=t("mine_empty", locale))
    assert card["body"][0]["text"] == {"sv-SE": "Mina ärenden", "en-US": "My cases"}[locale]
    assert t("mine_empty", locale) in texts(card)


# -- triage answer ---------------------------------------------------------------------

ROUTES = {
    "direct": (3, "företag", "faktura", Stage.BACKOFFICE),
    "kundavtal": (30, "fastighetsägare", "flytt", Stage.BACKOFFICE),
    "cab_handover": (8, "privat", "faktura", Stage.CUSTOMER_SERVICE),
    "backoffice": (10, "företag", "flytt", Stage.BACKOFFICE),
    "stora_arenden": (40, "bostadsrättsförening", "faktura", Stage.BACKOFFICE),
    "other_change": (40, "förvaltare", "annat", Stage.BACKOFFICE),
}


@pytest.mark.parametrize("name", ROUTES)
def test_triage_card_shows_the_route_and_every_step(name, locale):
    count, customer, change, stage = ROUTES[name]
    result = triage(count, customer, change, stage=stage)
    card = render(cards.triage_card(result, locale, count))
    shown = texts(card)
    assert result.route.label(locale) in card["body"][0]["text"]
    assert str(count) in card["body"][0]["text"]
    for step in result.steps(locale):
        assert step in shown
    assert not verbs(card)


def test_triage_card_shows_the_cab_fields():
    result = triage(40, "bostadsrättsförening", "faktura")
    card = render(cards.triage_card(result, "sv-SE", 40))
    facts = {
        f["title"]: f["value"] for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]
    }
    assert facts == {
        "Titel": "40 konfigs",
        "Ärendehanteringskod": "INVOICE",
        "Ärendehanteringsgrupp": "KS Företag",
        "Status": "Upprättat",
    }
    assert card["body"][0]["text"] == "40 ändringar: Registreras i Stora ärenden"
    assert "Skriv registrera" in texts(card)


def test_triage_card_moves_and_private_customers():
    result = triage(8, "privat", "flytt", stage=Stage.CUSTOMER_SERVICE)
    card = render(cards.triage_card(result, "en-US", 8))
    facts = {
        f["title"]: f["value"] for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]
    }
    assert facts["Case handling code"] == "MOVEINFO"
    assert facts["Case handling group"] == "KS Privat"


def test_triage_card_without_a_code_says_to_choose_one():
    result = triage(40, "företag", "annat")
    assert result.cab is not None and result.cab.code is None
    card = render(cards.triage_card(result, "sv-SE", 40))
    assert "den kod som passar ändringen" in texts(card)


def test_triage_card_without_cab_fields():
    result = triage(3, "företag", "faktura")
    assert result.route is Route.DIRECT and result.cab is None
    card = render(cards.triage_card(result, "sv-SE", 3))
    assert not [n for n in card["body"] if n["type"] == "FactSet"]
    assert card["body"][0]["text"].startswith("3 ändringar")


def test_triage_card_for_one_change(locale):
    card = render(cards.triage_card(triage(1, "företag", "faktura"), locale, 1))
    assert card["body"][0]["text"].startswith({"sv-SE": "1 ändring:", "en-US": "1 change:"}[locale])


def test_backoffice_route_points_to_the_email_command():
    card = render(cards.triage_card(triage(10, "företag", "faktura"), "sv-SE", 10))
    assert "Skriv mejl" in texts(card)


# -- help and notices --------------------------------------------------------------------


def test_help_lists_the_commands_in_swedish():
    card = render(cards.help_card("sv-SE"))
    facts = [f["title"] for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]]
    assert facts == ["registrera", "kö", "mina", "triage", "mejl", "statistik", "hjälp"]
    assert "register, queue, mine, triage, email, stats, help" in texts(card)


def test_help_lists_the_commands_in_english():
    card = render(cards.help_card("en-US"))
    facts = [f["title"] for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]]
    assert facts == ["register", "queue", "mine", "triage", "email", "stats", "help"]
    assert "registrera, kö, mina, triage, mejl, statistik, hjälp" in texts(card)


def test_help_commands_are_ones_the_bot_understands():
    """Every command named on the help card parses to a command (not to the help fallback)."""
    commands = pytest.importorskip("bot.commands")
    for locale in ("sv-SE", "en-US"):
        card = render(cards.help_card(locale))
        for fact in (f for n in card["body"] if n["type"] == "FactSet" for f in n["facts"]):
            assert commands.parse(fact["title"]).value in (
                "registrera",
                "kö",
                "mina",
                "triage",
                "mejl",
                "statistik",
                "hjälp",
            )


def test_notice_card(locale):
    card = render(cards.notice_card("SA-000042 är redan hanterat.", locale))
    assert texts(card) == "SA-000042 är redan hanterat."
    assert not verbs(card)

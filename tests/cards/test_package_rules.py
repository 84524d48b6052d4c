"""The rules of the cards package: what it imports, how big its files are, what it offers."""

from __future__ import annotations

import inspect
from pathlib import Path

import cards
from tests.imports import outside

PACKAGE = Path(cards.__file__).parent
ALLOWED_ROOTS = {"cases", "microsoft_teams", "cards"}


def modules():
    return sorted(PACKAGE.glob("*.py"))


def test_cards_import_only_cases_the_card_models_and_the_standard_library():
    assert outside(PACKAGE, ALLOWED_ROOTS) == []


def test_no_file_is_long():
    for path in modules():
        assert len(path.read_text("utf-8").splitlines()) < 400, path.name


def test_public_builders():
    expected = {
        "case_card",
        "close_confirm_card",
        "close_form",
        "correct_form",
        "email_draft_card",
        "email_form",
        "handover_form",
        "handover_notice",
        "help_card",
        "notice_card",
        "queue_card",
        "queue_case_view",
        "search_results_card",
        "register_form",
        "registered_card",
        "signature_form",
        "triage_card",
        "triage_form",
        "to_json",
        "stall_notice",
        "stall_digest",
        "directory_signature_card",
        "signature_list_card",
        "case_glance",
        "notice_data",
        "takeover_confirm",
        "stats_card",
        "stats_csv",
        "stats_csv_card",
    }
    public = {name for name in cards.__all__ if inspect.isfunction(getattr(cards, name))}
    assert public == expected


def test_to_json_writes_whole_numbers_as_integers():
    card_json = cards.to_json(cards.register_form("sv-SE", {"changeCount": "17"}))
    number = next(n for n in card_json["body"] if n.get("id") == "changeCount")
    assert number["value"] == 17 and isinstance(number["value"], int)
    assert isinstance(number["max"], int)

"""What each verb reads, found the way Teams finds it: on the cards the bot draws.

A click sends the button's ``data`` merged with the values of the card's inputs.
Drawing every card the bot can answer with, for a case in every state and every
kind of viewer, and reading off each ``Action.Execute`` gives, per verb, the
button keys and the inputs with their kinds, lengths and choices. A verb added
to the registry and put on a card is fuzzed with its real fields without
anyone listing them here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import cards
from bot.actions import routing
from bot.actions.register_form import FORM
from cases.clock import STOCKHOLM
from cases.model import Case, Status
from cases.triage import triage
from tests.fakes.cardwalk import inputs, walk

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


@dataclass(frozen=True)
class Input:
    id: str
    kind: str  # "Input.Text", "Input.Number", "Input.ChoiceSet"
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass
class VerbFields:
    seen: bool = False  # on a drawn card; a button may carry no data at all (statistik's)
    keys: set[str] = field(default_factory=set)  # button data keys: caseId, version, view, pending
    inputs: dict[str, Input] = field(default_factory=dict)
    # Button data the bot reads as it wrote it, e.g. the close confirmation's flag.
    fixed: dict[str, Any] = field(default_factory=dict)


# Button data keys that are not the same on every button of a verb: drawn by
# the clicks themselves (clicks.py), or the register form's nonce (one per form:
# carried by every click, it would make them all one registration).
DRAWN_KEYS = frozenset({"caseId", "version", "view", "pending", FORM})


def all_verbs() -> list[str]:
    """Every verb in the registry (``@verb``): new verbs are fuzzed without a list here."""
    import bot.actions  # noqa: F401  (registers the verbs)

    return sorted(routing._VERBS)


def needs_signature(verb: str) -> bool:
    return routing._VERBS[verb].needs_signature


def _sample_cases() -> list[Case]:
    at = NOW - timedelta(hours=3)
    new = Case("SA-000001", "5012345", "9876543", "22 adresser", "xanna", Status.NY, "", "", at, at)
    started = new.replace(status=Status.PABORJAD, handler="xbo")
    handed = started.replace(comment="Klar med 10", handed_over_at=at)
    closed = started.replace(
        status=Status.HANTERAD, customer_number="", cab_number="", description=""
    )
    return [new, started, handed, closed]


# What the close's confirmation carries in its buttons (the close form's fields).
_CONFIRMED = {
    "changedIds": "735999102000000007", "otherIds": "735999102000000014", "greeting": "AB",
    "emailChange": "annat", "emailValue": "er kontaktperson", "emailOffer": "kontaktpersonen",
}  # fmt: skip


def _cards() -> list[dict[str, Any]]:
    drawn = [
        cards.register_form("sv-SE"), cards.triage_form("sv-SE"), cards.email_form("sv-SE"),
        cards.signature_form("sv-SE", {"verb": "claim", "data": {}}), cards.help_card("sv-SE"),
        cards.triage_card(triage(3, "privat", "faktura"), "sv-SE", 3, back=_KEPT_FORM),
    ]  # fmt: skip
    for case in _sample_cases():
        for viewer in (None, "xanna", "xbo", "xcia"):
            drawn.append(
                cards.case_card(
                    case, viewer=viewer, locale="sv-SE", now=NOW, details=viewer is not None
                )
            )
        drawn += [
            cards.case_glance(case, locale="sv-SE", now=NOW), cards.handover_notice(case, "sv-SE"),
            cards.handover_form(case, "sv-SE"), cards.close_form(case, "sv-SE"),
            cards.correct_form(case, "sv-SE"), cards.registered_card(case, "sv-SE"),
            cards.email_draft_card(case.case_id, "Hej", "sv-SE", checklist=True),
            cards.takeover_confirm(case, names={case.handler: "Bo Berg"}, locale="sv-SE", now=NOW),
            cards.close_confirm_card(case, "sv-SE", _CONFIRMED, 1),
        ]  # fmt: skip
    # The queue and its answers: the queue redrawn, the search, a case opened from it.
    everyone = _sample_cases()
    drawn += [
        cards.queue_card(everyone, now=NOW, locale="sv-SE", title="Kö", viewer="xcia"),
        cards.queue_case_view(
            everyone[0], view="queue", viewer="xcia", locale="sv-SE", now=NOW, refresh_user_ids=[]
        ),
        cards.search_results_card(
            everyone, query="5012345", view="mine", viewer="xbo", locale="sv-SE",
            refresh_user_ids=[],
        ),
    ]  # fmt: skip
    drawn += _stats_cards()
    return [cards.to_json(card) for card in drawn]


def _stats_cards() -> list[Any]:
    """``statistik`` and its export, drawn from the hand-worked cases of its tests."""
    from cases.stats import team_stats
    from tests.cases.test_stats import CAL, MIDSUMMER_CASES, RULES
    from tests.cases.test_stats import NOW as STATS_NOW

    stats = team_stats(MIDSUMMER_CASES, now=STATS_NOW, calendar=CAL, rules=RULES)
    return [cards.stats_card(stats, CAL, "sv-SE"), cards.stats_csv_card(stats, "sv-SE")]


# The register form's values as the Tillbaka button carries them (``register.back``).
_KEPT_FORM = {
    "form": "0f" * 16, "customerNumber": "5012345", "cabNumber": "9876543",
    "description": "3 adresser", "changeCount": "3", "changeKind": "faktura", "customerKind": "privat",
}  # fmt: skip


def _input(node: dict[str, Any]) -> Input:
    return Input(
        id=node["id"],
        kind=node["type"],
        max_length=node.get("maxLength"),
        choices=tuple(choice["value"] for choice in node.get("choices") or ()),
        required=bool(node.get("isRequired")),
    )


@cache
def fields_by_verb() -> dict[str, VerbFields]:
    found: dict[str, VerbFields] = {verb: VerbFields() for verb in all_verbs()}
    for card in _cards():
        card_inputs = {key: _input(node) for key, node in inputs(card).items()}
        for node in walk(card):
            if node.get("type") != "Action.Execute" or not isinstance(node.get("verb"), str):
                continue
            verb = found.setdefault(node["verb"], VerbFields())
            verb.seen = True
            verb.keys |= set(node.get("data") or {})
            if node.get("associatedInputs") != "none":
                verb.inputs.update(card_inputs)
    inputs_anywhere = {key: spec for verb in found.values() for key, spec in verb.inputs.items()}
    for card in _cards():
        for node in walk(card):
            if node.get("type") != "Action.Execute" or not isinstance(node.get("verb"), str):
                continue
            verb = found[node["verb"]]
            for key, value in (node.get("data") or {}).items():
                if key in inputs_anywhere:  # a button that carries what a form held
                    verb.inputs.setdefault(key, inputs_anywhere[key])
                elif key not in DRAWN_KEYS:
                    verb.fixed[key] = value
    return found


def every_input() -> dict[str, Input]:
    """Every input of every card: a verb also gets fields that belong to others."""
    merged: dict[str, Input] = {}
    for verb in fields_by_verb().values():
        merged.update(verb.inputs)
    return merged

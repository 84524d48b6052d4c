"""Text people wrote is shown as text on every card, never as Markdown (issue 9).

A description such as "[Logga in igen här](https://evil.example/login)" must not
become a link, nor "**viktigt**" bold or "- punkt" a list: each card shows it
exactly as it was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

import cards
from cases.business_time import BusinessCalendar
from cases.stalls import Stall, StallRule

from .conftest import NOW, STATES, make_case, render
from .markdown import HOSTILE, HOSTILE_LINES, assert_shown_as_text


def hostile_case(state, typed, description=HOSTILE_LINES):
    """A case whose every field a person filled in holds ``typed``."""
    people = {} if state == "ny" else {"handler": typed}
    return make_case(
        state,
        registered_by=typed,
        customer_number=typed,
        cab_number=typed,
        description=description,
        **({"comment": description} if state == "overlamnad" else {}),
        **people,
    )


@pytest.mark.parametrize("typed", HOSTILE)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", [None, "xbo"])
@pytest.mark.parametrize("details", [False, True])
def test_case_card(typed, state, viewer, details, locale):
    """The registrant, the handler and a notice show on both views; the customer data
    (numbers, description, comment) in the per-user one, ``details``."""
    case = hostile_case(state, typed)
    card = render(
        cards.case_card(case, viewer=viewer, locale=locale, now=NOW, notice=typed, details=details)
    )
    shown = [typed]
    if details and state != "hanterad":
        shown.append(HOSTILE_LINES)
    assert_shown_as_text(card, *shown)


@pytest.mark.parametrize("typed", HOSTILE)
def test_case_glance(typed, locale):
    case = hostile_case("paborjad", typed)
    card = render(cards.case_glance(case, locale=locale, now=NOW, notice=typed))
    assert_shown_as_text(card, typed)


@pytest.mark.parametrize("checklist", [True, False])
def test_email_draft(checklist, locale):
    draft = f"Hej {HOSTILE[0]}\n\n{HOSTILE_LINES}"
    card = render(cards.email_draft_card("SA-000042", draft, locale, checklist))
    assert_shown_as_text(card, draft)


@pytest.mark.parametrize("typed", HOSTILE)
def test_handover_notice(typed, locale):
    card = render(cards.handover_notice(make_case("overlamnad", handler=typed), locale))
    assert_shown_as_text(card, typed)


@pytest.mark.parametrize("typed", HOSTILE)
def test_queue(typed, locale):
    open_cases = [
        make_case("paborjad", case_id="SA-000001", handler=typed),
        make_case("overlamnad", case_id="SA-000002", handler=typed),
    ]
    card = render(cards.queue_card(open_cases, now=NOW, locale=locale, title="Kö"))
    assert_shown_as_text(card, typed)


def stall(typed, rule):
    state = {StallRule.STARTED: "paborjad", StallRule.HANDED_OVER: "overlamnad"}[rule]
    case = make_case(state, handler=typed)
    return Stall(
        case=case, rule=rule, level=1, since=case.changed_at, stalled_for=timedelta(hours=9),
        limit=timedelta(hours=8), business_day=BusinessCalendar().day_length,
    )  # fmt: skip


@pytest.mark.parametrize("typed", HOSTILE)
@pytest.mark.parametrize("rule", [StallRule.STARTED, StallRule.HANDED_OVER])
def test_stall_notice_and_digest(typed, rule, locale):
    assert_shown_as_text(render(cards.stall_notice(stall(typed, rule), locale, now=NOW)), typed)
    assert_shown_as_text(render(cards.stall_digest([stall(typed, rule)], locale, now=NOW)), typed)


@pytest.mark.parametrize("typed", HOSTILE)
def test_notice_card(typed, locale):
    assert_shown_as_text(render(cards.notice_card(typed, locale)), typed)


@pytest.mark.parametrize("typed", HOSTILE)
def test_registered_card_notice(typed, locale):
    card = render(cards.registered_card(make_case("ny"), locale, notice=typed))
    assert_shown_as_text(card, typed)


FORMS = {
    "register": lambda locale, errors, notice: cards.register_form(locale, {}, errors, notice),
    "correct": lambda locale, errors, notice: cards.correct_form(
        make_case("ny"), locale, {}, errors, notice
    ),
    "handover": lambda locale, errors, notice: cards.handover_form(
        make_case("paborjad"), locale, {}, errors, notice
    ),
    "close": lambda locale, errors, notice: cards.close_form(
        make_case("paborjad"), locale, {}, errors, notice
    ),
    "email": lambda locale, errors, notice: cards.email_form(locale, {}, errors, notice),
    "triage": lambda locale, errors, notice: cards.triage_form(locale, {}, errors, notice),
    "signature": lambda locale, errors, notice: cards.signature_form(
        locale, {"verb": "claim", "data": {}}, {}, errors, notice
    ),
}
FIRST_INPUT = {
    "register": "customerNumber",
    "correct": "customerNumber",
    "handover": "note",
    "close": "changedIds",
    "email": "changedIds",
    "triage": "changeCount",
    "signature": "signature",
}


@pytest.mark.parametrize("typed", HOSTILE)
@pytest.mark.parametrize("name", FORMS)
def test_form_errors_and_notices(name, typed, locale):
    """An error under its input, an error for no input (shown at the top) and the notice."""
    errors = {FIRST_INPUT[name]: f"1 {typed}", "noSuchInput": f"2 {typed}"}
    card = render(FORMS[name](locale, errors, f"3 {typed}"))
    assert_shown_as_text(card, f"1 {typed}", f"2 {typed}", f"3 {typed}")


@dataclass(frozen=True)
class Binding:
    signature: str
    name: str
    active: bool


@pytest.mark.parametrize("typed", HOSTILE)
def test_signature_list(typed, locale):
    card = render(cards.signature_list_card([Binding(typed, typed, True)], locale))
    assert_shown_as_text(card, typed)

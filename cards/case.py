"""The case card: one channel message per case, redrawn after every change.

Everyone sees the shared base card (``viewer=None``); Teams then asks the bot
to refresh it per user (Universal Actions), and each agent gets the buttons
``cases.lifecycle.allowed_actions`` gives them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Container,
    ContainerStyle,
    ExecuteAction,
    Fact,
    FactSet,
    RefreshDefinition,
    TextBlock,
)

from cases.lifecycle import Action, allowed_actions
from cases.model import Case, Status

from . import parts
from .names import NO_NAMES, who, who_markdown
from .parts import (
    button,
    case_data,
    escape_markdown,
    heading,
    lines,
    literal,
    title,
    when_and_age,
)
from .parts import (
    notice as notice_block,
)
from .registered import cab_steps
from .texts import t

# Teams refreshes a card automatically for at most 60 listed users.
MAX_REFRESH_USERS = 60

# Button order on the card, each action's verb and its title's key. Forms open
# first for hand-over, close and correction; claim and take-over act at once.
BUTTONS: tuple[tuple[Action, str, str], ...] = (
    (Action.CLAIM, "claim", "btn_claim"),
    (Action.HAND_OVER, "handover.form", "btn_handover"),
    (Action.CLOSE, "close.form", "btn_close"),
    (Action.TAKE_OVER, "takeover", "btn_takeover"),
    (Action.CORRECT, "correct.form", "btn_correct"),
)


def status_text(status: Status, locale: str | None) -> str:
    return t(f"status_{status.value}", locale)


def case_card(
    case: Case,
    *,
    viewer: str | None,
    locale: str | None,
    now: datetime,
    refresh_user_ids: Sequence[str] = (),
    notice: str | None = None,
    details: bool = False,
    names: Mapping[str, str] = NO_NAMES,
) -> AdaptiveCard:
    """``names``: ``{signature: name}`` from Teams, to show "Anna Agent (xab1234)".

    ``details``: show the customer data. Only in a per-user view (an invoke's
    answer), never in the message stored in the channel: a Teams message keeps
    its earlier versions under retention, so redrawing it later is no wipe.
    """
    handled = case.status is Status.HANTERAD
    body: list[CardElement] = []
    if notice:
        body.append(notice_block(notice))
    body.append(
        title(
            t("case_title", locale, case_id=case.case_id, status=status_text(case.status, locale))
        )
    )
    if handled:
        body.append(_banner(t("handled", locale), style="good"))
    elif case.is_handed_over and case.handed_over_at is not None:
        by = t(
            "handed_over_by",
            locale,
            handler=who(case.handler, names),
            when=when_and_age(case.handed_over_at, now, locale),
        )
        body.append(_banner(t("handed_over", locale), by, style="warning"))
    body.append(FactSet(facts=_facts(case, locale, now, names)))
    # A closed case never shows customer data, even if a wipe did not take.
    if details and not handled and case.has_customer_data:
        body.extend(_customer_data(case, locale))
    if case.status is Status.NY:
        body.extend(cab_steps(case, locale))
    actions = [] if handled else _buttons(case, viewer, locale)
    if not details and not handled:
        # For whoever gets no per-user view: Teams refreshes for at most 60
        # listed users, and some clients (the Playground) never do.
        actions.append(button(t("btn_details", locale), "details", case_data(case)))
    refresh = None
    if not handled:
        refresh = RefreshDefinition(
            action=ExecuteAction(verb="refresh", data=case_data(case)),
            user_ids=list(refresh_user_ids)[:MAX_REFRESH_USERS],
        )
    return parts.card(locale, body, actions, refresh=refresh)


def _banner(text: str, detail: str | None = None, *, style: ContainerStyle) -> Container:
    items: list[CardElement] = [TextBlock(text=text, weight="Bolder", wrap=True)]
    if detail:
        items.append(literal(detail, spacing="Small"))
    return Container(style=style, items=items)


def _facts(case: Case, locale: str | None, now: datetime, names: Mapping[str, str]) -> list[Fact]:
    return [
        Fact(title=t("status", locale), value=_status_fact(case.status, locale)),
        Fact(
            title=t("handler", locale),
            value=who_markdown(case.handler, names) if case.handler else t("nobody_yet", locale),
        ),
        Fact(title=t("registered_by", locale), value=who_markdown(case.registered_by, names)),
        Fact(title=t("registered_at", locale), value=when_and_age(case.registered_at, now, locale)),
        Fact(title=t("changed_at", locale), value=when_and_age(case.changed_at, now, locale)),
    ]


def _status_fact(status: Status, locale: str | None) -> str:
    """In English, also the workbook's own word, which agents see in Excel."""
    shown = status_text(status, locale)
    return shown if shown == status.value else f"{shown} ({status.value})"


def _customer_data(case: Case, locale: str | None) -> list[CardElement]:
    facts = [
        Fact(title=t(key, locale), value=escape_markdown(value))
        for key, value in (
            ("customer_number", case.customer_number),
            ("cab_number", case.cab_number),
        )
        if value
    ]
    elements: list[CardElement] = []
    if facts:
        elements.append(FactSet(facts=facts, separator=True))
    for key, text in (("description", case.description), ("comment", case.comment)):
        if text:
            elements.append(heading(t(key, locale)))
            elements.append(lines(text))
    return elements


def _buttons(case: Case, viewer: str | None, locale: str | None) -> list[ExecuteAction]:
    if viewer is None:
        # The base card: what anyone may do before their own view arrives.
        allowed: set[Action] | frozenset[Action] = {
            Status.NY: {Action.CLAIM},
            Status.PABORJAD: {Action.TAKE_OVER},
        }.get(case.status, set())
    else:
        allowed = allowed_actions(case, viewer)
    data = case_data(case)
    return [
        button(t(key, locale), verb, data, positive=action in (Action.CLAIM, Action.CLOSE))
        for action, verb, key in BUTTONS
        if action in allowed
    ]

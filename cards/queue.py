"""The queue: open cases by status, for "kö" (all) and "mina" (the agent's own)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from microsoft_teams.cards import AdaptiveCard, CardElement, Fact, FactSet

from cases.model import Case, Status

from . import parts
from .case import status_text
from .parts import age, escape_markdown, heading, para
from .texts import t

GROUPS = (Status.NY, Status.PABORJAD)


def queue_card(
    cases: Iterable[Case],
    *,
    now: datetime,
    locale: str | None,
    title: str,
    empty: str | None = None,
) -> AdaptiveCard:
    """Ärende-ID, handler and age per case, oldest first; hand-overs marked as free to take.

    ``title`` is the heading, e.g. ``t("queue_title", locale)`` or ``t("mine_title", locale)``;
    ``empty`` the text when nothing is open (default ``t("queue_empty", locale)``).

    No customer data: the queue stays in the channel after the cases close.
    Closed cases are left out.
    """
    open_cases = [case for case in cases if case.status in GROUPS]
    body: list[CardElement] = [parts.title(title)]
    if not open_cases:
        body.append(para(empty or t("queue_empty", locale)))
    for status in GROUPS:
        group = sorted((c for c in open_cases if c.status is status), key=lambda c: c.registered_at)
        if not group:
            continue
        label = t("queue_group", locale, status=status_text(status, locale), n=len(group))
        body.append(heading(label, separator=True))
        body.append(
            FactSet(facts=[Fact(title=c.case_id, value=_row(c, now, locale)) for c in group])
        )
    return parts.card(locale, body)


def _row(case: Case, now: datetime, locale: str | None) -> str:
    if case.status is Status.NY:
        return t("queue_row_new", locale, age=age(case.registered_at, now, locale))
    if case.is_handed_over and case.handed_over_at is not None:
        return t(
            "queue_row_handed_over",
            locale,
            handler=escape_markdown(case.handler),
            age=age(case.handed_over_at, now, locale),
        )
    return t(
        "queue_row_started",
        locale,
        handler=escape_markdown(case.handler) if case.handler else t("nobody_yet", locale),
        age=age(case.changed_at, now, locale),
    )

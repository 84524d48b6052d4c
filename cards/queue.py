"""The queue: open cases by status, for "kö" (all) and "mina" (the agent's own).

A message in the channel or chat, so ids, statuses, names and ages only: it
stays there after the cases close. Each case carries the buttons its viewer
may use (Påbörja, Ta över) and Visa uppgifter, with the case card's
``{"caseId", "version"}`` so a stale click gets the usual answer, and the
view it came from, so the answer offers the way back (cards/search.py). On
top, a search field (Kundnummer or CAB number; answered to the searcher alone)
and a link to the workbook when there is one.

The message is drawn for the agent who asked. Teams then refreshes it for
them (Universal Actions ``refresh``, their id only) each time they come back
to it, so their queue stays current and a per-user answer (a case's
details, a search) gives way to it again. Anyone else sees the asker's
buttons; the verbs check who may do what, so a colleague's click is safe.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from microsoft_teams.cards import Action as CardAction
from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    ExecuteAction,
    Fact,
    FactSet,
    OpenUrlAction,
    RefreshDefinition,
    TextBlock,
)

from cases.columns import case_id_number
from cases.lifecycle import Action, allowed_actions
from cases.model import Case, Status
from cases.search import QUERY_MAX

from . import parts
from .case import MAX_REFRESH_USERS, status_text
from .names import NO_NAMES, who_markdown
from .parts import Form, age, button, escape_markdown, heading, para
from .parts import notice as notice_block
from .texts import t

GROUPS = (Status.NY, Status.PABORJAD)
QUEUE_VIEW, MINE_VIEW = "queue", "mine"
QUEUE_VIEWS = frozenset({QUEUE_VIEW, MINE_VIEW})
QUEUE_VERB = "queue"  # the queue for the clicker: the refresh and "Tillbaka till kön"
SEARCH_VERB = "search"
QUERY_ID = "query"
# Teams takes at most 28 KB a card. Buttons cost some 400 bytes a case: the
# oldest cases get them while the card stays within this, the rest are listed
# one line each (tests/cards/test_card_size.py). The margin is for what Teams
# and the Bot Connector wrap around the card.
CARD_BUDGET = 26 * 1024
# What anyone may do, for a viewer without a signature yet.
_ANYONE = {Status.NY: {Action.CLAIM}, Status.PABORJAD: {Action.TAKE_OVER}}


def queue_card(
    cases: Iterable[Case],
    *,
    now: datetime,
    locale: str | None,
    title: str,
    empty: str | None = None,
    viewer: str | None = None,
    names: Mapping[str, str] = NO_NAMES,
    view: str = QUEUE_VIEW,
    workbook_url: str = "",
    refresh_user_ids: Sequence[str] = (),
    notice: str | None = None,
    query: str = "",
    query_error: str | None = None,
) -> AdaptiveCard:
    """Ärende-ID, handler and age per case, oldest first; hand-overs marked as free to take.

    ``title`` is the heading, e.g. ``t("queue_title", locale)`` or ``t("mine_title", locale)``;
    ``empty`` the text when nothing is open (default ``t("queue_empty", locale)``).
    ``viewer``: the signature the buttons are drawn for (None: what anyone may do);
    ``view``: "queue" or "mine", what the refresh and the answers' way back redraw.
    ``query``/``query_error``: the search field as the searcher left it.

    No customer data: the queue stays in the channel after the cases close.
    Closed cases are left out.
    """
    open_cases = [case for case in cases if case.status in GROUPS]
    head: list[CardElement] = []
    if notice:
        head.append(notice_block(notice))
    head.append(parts.title(title))
    head += search_field(view, locale, query, query_error, workbook_url)
    if not open_cases:
        head.append(para(empty or t("queue_empty", locale)))
    groups = [
        (status, sorted((c for c in open_cases if c.status is status), key=_oldest_first))
        for status in GROUPS
    ]
    refresh = queue_refresh(view, refresh_user_ids)

    def drawn(buttoned: int) -> AdaptiveCard:
        """The card with buttons on its first ``buttoned`` cases."""
        body, room = list(head), buttoned
        for status, group in groups:
            if not group:
                continue
            label = t("queue_group", locale, status=status_text(status, locale), n=len(group))
            body.append(heading(label, separator=True))
            for case in group[:room]:
                body += _row(case, now, locale, viewer, names, view)
            if listed := group[room:]:
                facts = [
                    Fact(title=c.case_id, value=row_text(c, now, locale, names)) for c in listed
                ]
                body.append(FactSet(facts=facts))
            room = max(0, room - len(group))
        if buttoned < len(open_cases):
            body.append(para(t("queue_more", locale, n=buttoned), subtle=True))
        return parts.card(locale, body, refresh=refresh)

    return _largest_that_fits(drawn, len(open_cases))


def _oldest_first(case: Case) -> datetime:
    return case.registered_at


def _largest_that_fits(drawn: Callable[[int], AdaptiveCard], most: int) -> AdaptiveCard:
    """``drawn(n)`` for the largest ``n`` up to ``most`` that stays within ``CARD_BUDGET``.

    Every case with buttons when they fit (up to some 50); else as many of the
    oldest as fit, found by halving: a handful of drafts.
    """
    card = drawn(most)
    if card_bytes(card) <= CARD_BUDGET:
        return card
    low, high = 0, most - 1  # drawn(low) is taken to fit: no buttons is the list as it was
    while low < high:
        middle = (low + high + 1) // 2
        if card_bytes(drawn(middle)) <= CARD_BUDGET:
            low = middle
        else:
            high = middle - 1
    return drawn(low)


def card_bytes(card: AdaptiveCard) -> int:
    """The card's size as Teams counts it against its limit: compact JSON, UTF-8."""
    dumped = card.model_dump(mode="json", by_alias=True, exclude_none=True)
    return len(json.dumps(dumped, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def queue_data(case: Case, view: str) -> dict[str, str]:
    """A case button's data (``parts.case_data``) and the view it was drawn in."""
    return {**parts.case_data(case), "view": view}


def queue_refresh(view: str, user_ids: Sequence[str]) -> RefreshDefinition:
    return RefreshDefinition(
        action=ExecuteAction(verb=QUEUE_VERB, data={"view": view}),
        user_ids=[user for user in user_ids if user][:MAX_REFRESH_USERS],
    )


def back_button(view: str, locale: str | None) -> ExecuteAction:
    key = "btn_back_mine" if view == MINE_VIEW else "btn_back_queue"
    return button(t(key, locale), QUEUE_VERB, {"view": view}, sends_inputs=False)


def search_field(
    view: str, locale: str | None, query: str, error: str | None, workbook_url: str
) -> list[CardElement]:
    """The search input, its error, Sök and the workbook's link."""
    form = Form(locale, {QUERY_ID: query}, {QUERY_ID: error} if error else None)
    form.text(
        QUERY_ID, t("query", locale), placeholder=t("query_hint", locale), max_length=QUERY_MAX
    )
    actions: list[CardAction] = [button(t("btn_search", locale), SEARCH_VERB, {"view": view})]
    if workbook_url:
        actions.append(OpenUrlAction(title=t("btn_workbook", locale), url=workbook_url))
    return [*form.body, ActionSet(actions=actions)]


def case_buttons(case: Case, viewer: str | None, view: str, locale: str | None) -> list[CardAction]:
    """Påbörja or Ta över when ``viewer`` may, and Visa uppgifter always.

    They send no input: the search field's text is no business of a claim.
    """
    allowed = _ANYONE.get(case.status, set()) if viewer is None else allowed_actions(case, viewer)
    data = queue_data(case, view)
    buttons: list[CardAction] = [
        button(t(key, locale), verb, data, sends_inputs=False)
        for action, verb, key in (
            (Action.CLAIM, "claim", "btn_claim"),
            (Action.TAKE_OVER, "takeover", "btn_takeover"),
        )
        if action in allowed
    ]
    return [*buttons, button(t("btn_details", locale), "details", data, sends_inputs=False)]


def _row(
    case: Case,
    now: datetime,
    locale: str | None,
    viewer: str | None,
    names: Mapping[str, str],
    view: str,
) -> list[CardElement]:
    """The case's line and its buttons (no Container around them: 30 bytes a case)."""
    text = f"{shown_id(case.case_id)} · {row_text(case, now, locale, names)}"
    return [
        TextBlock(text=text, wrap=True, spacing="Medium"),
        ActionSet(actions=case_buttons(case, viewer, view, locale)),
    ]


def shown_id(case_id: str) -> str:
    """The Ärende-ID as it is (no escape for Teams mobile to show); anything else
    someone typed in its cell, as text."""
    return case_id if case_id_number(case_id) is not None else escape_markdown(case_id)


def row_text(case: Case, now: datetime, locale: str | None, names: Mapping[str, str]) -> str:
    """The case in one line of Markdown: its handler (or none yet) and how long ago."""
    if case.status is Status.NY:
        return t("queue_row_new", locale, age=age(case.registered_at, now, locale))
    if case.is_handed_over and case.handed_over_at is not None:
        return t(
            "queue_row_handed_over",
            locale,
            handler=who_markdown(case.handler, names),
            age=age(case.handed_over_at, now, locale),
        )
    return t(
        "queue_row_started",
        locale,
        handler=who_markdown(case.handler, names) if case.handler else t("nobody_yet", locale),
        age=age(case.changed_at, now, locale),
    )

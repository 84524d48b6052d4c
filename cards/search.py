"""What a click on the queue answers, to the clicker alone (an invoke's answer).

Påbörja, Ta över and Visa uppgifter answer with the clicker's own view of the
case card, customer data included: after a click on Påbörja an agent starts
work, and needs the numbers and the description at once. The search answers
with that view when one case has the number, and with a list when several
have it. Both carry the way back ("Tillbaka till kön") and the queue's
refresh for the clicker: the next time Teams draws the message for them, it is
their queue again, and the customer data is gone from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from microsoft_teams.cards import Action as CardAction
from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    SubmitActionData,
    TextBlock,
)

from cases.model import Case

from . import parts
from .case import case_card, status_text
from .names import NO_NAMES, who_markdown
from .parts import escape_markdown, para, title
from .queue import back_button, case_buttons, queue_refresh, search_field, shown_id
from .texts import t

# Each case listed costs some 700 bytes; a card holds 28 KB.
HITS_MAX = 20


def queue_case_view(
    case: Case,
    *,
    view: str,
    viewer: str | None,
    locale: str | None,
    now: datetime,
    refresh_user_ids: Sequence[str],
    names: Mapping[str, str] = NO_NAMES,
    notice: str | None = None,
) -> AdaptiveCard:
    """The case card with its details, as a click from the queue ``view`` gets it."""
    card = case_card(
        case, viewer=viewer, locale=locale, now=now, notice=notice, details=True, names=names
    )
    actions: list[CardAction] = list(card.actions or [])
    for action in actions:
        # Its own buttons keep the view, so their answers keep the way back too.
        if isinstance(action, ExecuteAction) and isinstance(action.data, SubmitActionData):
            data = action.data.model_dump(mode="json", by_alias=True, exclude_none=True)
            if "caseId" in data:
                action.data = SubmitActionData.model_validate({**data, "view": view})
    card.actions = [*actions, back_button(view, locale)]
    card.refresh = queue_refresh(view, refresh_user_ids)
    return card


def search_results_card(
    hits: Sequence[Case],
    *,
    query: str,
    view: str,
    viewer: str | None,
    locale: str | None,
    refresh_user_ids: Sequence[str],
    names: Mapping[str, str] = NO_NAMES,
    workbook_url: str = "",
) -> AdaptiveCard:
    """Several open cases with the number searched for: enough of each to tell them apart."""
    body: list[CardElement] = [title(t("search_title", locale))]
    body += search_field(view, locale, query, None, workbook_url)
    body.append(para(t("search_many", locale, n=len(hits))))
    body += [_hit(case, viewer, view, locale, names) for case in hits[:HITS_MAX]]
    if len(hits) > HITS_MAX:
        body.append(para(t("search_more", locale, n=len(hits) - HITS_MAX), subtle=True))
    return parts.card(
        locale,
        body,
        [back_button(view, locale)],
        refresh=queue_refresh(view, refresh_user_ids),
    )


def _hit(
    case: Case, viewer: str | None, view: str, locale: str | None, names: Mapping[str, str]
) -> Container:
    facts = [
        Fact(
            title=t("handler", locale),
            value=who_markdown(case.handler, names) if case.handler else t("nobody_yet", locale),
        ),
        Fact(title=t("customer_number", locale), value=escape_markdown(case.customer_number)),
        Fact(title=t("cab_number", locale), value=escape_markdown(case.cab_number)),
    ]
    heading = f"{shown_id(case.case_id)} · {status_text(case.status, locale)}"
    return Container(
        separator=True,
        items=[
            TextBlock(text=heading, weight="Bolder", wrap=True),
            FactSet(facts=facts),
            ActionSet(actions=case_buttons(case, viewer, view, locale)),
        ],
    )

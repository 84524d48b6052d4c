"""What a click on a notice answers: where the case stands, without the customer's data.

A notice (free to take, stalled, the morning digest) is its own message,
which no redraw of the case card reaches. A click on it answers in its
place, so that answer must not be a copy of the case card: it would keep the
customer data in view after the case is closed. It names the case and its
status, and sends the agent to the case card for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from microsoft_teams.cards import AdaptiveCard, CardElement, Fact, FactSet

from cases.model import Case

from . import parts
from .case import status_text
from .names import NO_NAMES, who_markdown
from .parts import notice as notice_block
from .parts import para, title, when_and_age
from .texts import t

# The notice buttons' data says where the click came from; case verbs answer
# with a glance instead of the case card when it says this.
NOTICE_VIEW = "notice"


def notice_data(case: Case) -> dict[str, str]:
    return {**parts.case_data(case), "view": NOTICE_VIEW}


def case_glance(
    case: Case,
    *,
    locale: str | None,
    now: datetime,
    notice: str | None = None,
    names: Mapping[str, str] = NO_NAMES,
) -> AdaptiveCard:
    body: list[CardElement] = []
    if notice:
        body.append(notice_block(notice))
    body.append(
        title(
            t("case_title", locale, case_id=case.case_id, status=status_text(case.status, locale))
        )
    )
    facts = [Fact(title=t("status", locale), value=status_text(case.status, locale))]
    if case.handler:
        facts.append(Fact(title=t("handler", locale), value=who_markdown(case.handler, names)))
    facts.append(
        Fact(title=t("changed_at", locale), value=when_and_age(case.changed_at, now, locale))
    )
    body.append(FactSet(facts=facts))
    body.append(para(t("glance_details_on_card", locale), subtle=True))
    return parts.card(locale, body)

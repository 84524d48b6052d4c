"""The question before taking over a case its handler touched lately: "Ta över ändå?".

An invoke's answer, seen by the clicker alone. It names who has the case and
when they last changed it; no customer data, so it may stand in a notice's
place too. "Ja, ta över" carries the case's version, so a change meanwhile
gets the usual "changed since you saw it" answer instead of a take-over.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from microsoft_teams.cards import AdaptiveCard

from cases.model import Case

from . import parts
from .glance import notice_data
from .names import NO_NAMES, who
from .parts import button, case_data, literal, para, title, when_and_age
from .texts import t


def takeover_confirm(
    case: Case,
    *,
    names: Mapping[str, str] = NO_NAMES,
    locale: str | None,
    now: datetime,
    from_notice: bool = False,
) -> AdaptiveCard:
    """``names``: ``{signature: name in Teams}``, as every card takes; ``from_notice``: the
    click came from a notice, and both buttons answer there as a notice's do."""
    data = notice_data(case) if from_notice else case_data(case)
    holder = who(case.handler, names)
    when = when_and_age(case.changed_at, now, locale)
    body = [
        title(t("takeover_confirm_title", locale, case_id=case.case_id)),
        # literal: the name comes from Teams and the signature from the workbook.
        literal(t("takeover_confirm_holder", locale, handler=holder, when=when)),
        para(t("takeover_confirm_question", locale)),
        para(t("takeover_confirm_told", locale), subtle=True),
    ]
    actions = [
        button(t("btn_takeover_confirm", locale), "takeover.confirm", data, positive=True),
        # Back to the case card (or the glance, from a notice), nothing changed.
        button(t("cancel", locale), "refresh", data, sends_inputs=False),
    ]
    return parts.card(locale, body, actions)

"""Shown in place of the registration form once the case is in "Stora ärenden"."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, CardElement

from cases.email import REGISTER_REMINDER, cab_comment
from cases.model import Case

from . import parts
from .copy import copy_block
from .parts import para, title
from .texts import t


def registered_card(case: Case, locale: str | None, notice: str | None = None) -> AdaptiveCard:
    """The CAB comment to paste and the CAB status reminder.

    No customer data: this card stays in the channel after the case is closed.
    """
    body: list[CardElement] = []
    if notice:
        body.append(parts.notice(notice))
    body += [
        title(t("registered_title", locale, case_id=case.case_id)),
        para(t("registered_intro", locale)),
        *cab_steps(case, locale),
    ]
    return parts.card(locale, body)


def cab_steps(case: Case, locale: str | None) -> list[CardElement]:
    """What the routine asks of the CAB case once it is in Stora ärenden."""
    return [
        para(t("cab_comment_intro", locale)),
        copy_block(cab_comment(case.registered_at), element_id="cabComment"),
        para(REGISTER_REMINDER.text(locale)),
    ]

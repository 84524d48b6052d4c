"""Closing a case: the form with the e-mail's details, and the draft with the checklist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from microsoft_teams.cards import ActionSet, AdaptiveCard, CardElement, OpenUrlAction

from cases.email import CLOSE_CHECKLIST
from cases.model import Case, CaseRef

from . import parts
from .copy import copy_block
from .email import email_inputs
from .parts import Form, button, cancel, case_data, heading, numbered, para, title
from .texts import t


def close_form(
    case: Case | CaseRef,
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    form = Form(locale, values, errors)
    email_inputs(form)
    body = form.finish(
        [title(t("close_title", locale, case_id=case.case_id)), para(t("close_intro", locale))],
        notice,
    )
    actions = [
        # Nothing is closed yet: the answer is the confirmation step (``close_confirm_card``).
        button(t("btn_close_submit", locale), "close.review", case_data(case), positive=True),
        cancel(case, locale),
    ]
    return parts.card(locale, body, actions)


@dataclass(frozen=True)
class MailboxDraft:
    """What became of the draft in the team's mailbox: ``web_link`` empty when none was made.

    ``maybe``: none is known, yet one may be there (Graph's answer was lost, or an
    earlier click of the same close made it); the agent looks before copying.
    """

    mailbox: str
    web_link: str = ""
    maybe: bool = False


def email_draft_card(
    case_id: str | None,
    email_text: str,
    locale: str | None,
    checklist: bool,
    notice: str | None = None,
    mailbox: MailboxDraft | None = None,
) -> AdaptiveCard:
    """The e-mail to copy, in a block to copy (``copy.copy_block``); then what is left to do by hand.

    Shown to the agent who closed the case only: it holds the customer's
    installation IDs. "Klart" goes back to the case card. ``notice``: what the
    agent must know first, e.g. that the channel does not show the close yet.
    """
    body: list[CardElement] = [parts.notice(notice)] if notice else []
    body.append(title(t("draft_title", locale)))
    if case_id:
        body.append(para(t("draft_closed", locale, case_id=case_id), color="Good"))
    if mailbox is not None:
        body.extend(_mailbox_lines(mailbox, locale))
    body.append(para(t("draft_intro", locale)))
    body.append(copy_block(email_text, element_id="emailDraft"))
    if checklist:
        body.append(heading(t("checklist_title", locale)))
        body.extend(numbered(item.text(locale) for item in CLOSE_CHECKLIST))
    actions = []
    if case_id:
        actions.append(button(t("btn_done", locale), "refresh", {"caseId": case_id}))
    return parts.card(locale, body, actions)


def _mailbox_lines(mailbox: MailboxDraft, locale: str | None) -> list[CardElement]:
    """Where the draft is, with the link that opens it; or, plainly, that it was not made."""
    if not mailbox.web_link:
        what = "mail_draft_maybe" if mailbox.maybe else "mail_draft_failed"
        return [para(t(what, locale, mailbox=mailbox.mailbox), color="Warning")]
    return [
        para(t("mail_draft_made", locale, mailbox=mailbox.mailbox)),
        ActionSet(actions=[OpenUrlAction(title=t("btn_open_draft", locale), url=mailbox.web_link)]),
    ]

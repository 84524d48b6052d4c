"""Handing a case over at the end of a shift: the form, and the channel's "free to take" message."""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard

from cases import validation
from cases.model import Case, CaseRef

from . import parts
from .glance import notice_data
from .names import NO_NAMES, who
from .parts import Form, button, cancel, case_data, literal, para, title
from .texts import t


def handover_form(
    case: Case | CaseRef,
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    """The note is pre-filled with the case's earlier note until the agent has typed one."""
    form = Form(locale, values, errors)
    submitted = bool(values) or bool(errors)
    form.text(
        "note",
        t("note", locale),
        required_message=t("need_note", locale),
        multiline=True,
        placeholder=t("note_hint", locale),
        max_length=validation.COMMENT_MAX,
        default="" if submitted else case.comment,
    )
    body = form.finish(
        [
            title(t("handover_title", locale, case_id=case.case_id)),
            para(t("handover_intro", locale)),
        ],
        notice,
    )
    actions = [
        button(t("btn_handover", locale), "handover", case_data(case), positive=True),
        cancel(case, locale),
    ]
    return parts.card(locale, body, actions)


def handover_notice(
    case: Case, locale: str | None, names: Mapping[str, str] = NO_NAMES
) -> AdaptiveCard:
    """Posted in the case's thread: free to take, by whom. No customer data, no note."""
    text = t("handover_notice", locale, case_id=case.case_id, handler=who(case.handler, names))
    return parts.card(
        locale,
        [literal(text)],
        [button(t("btn_takeover", locale), "takeover", notice_data(case), positive=True)],
    )

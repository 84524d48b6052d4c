"""The correction form: the registrant fixes the registered fields while the case is Ny."""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard

from cases.model import Case, CaseRef

from . import parts
from .parts import Form, button, cancel, case_data, para, title
from .register import registration_inputs
from .texts import t


def correct_form(
    case: Case | CaseRef,
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    """Pre-filled from the case; once submitted, exactly what the agent typed is shown again."""
    form = Form(locale, values, errors)
    submitted = bool(values) or bool(errors)
    defaults = (
        {}
        if submitted
        else {
            "customerNumber": case.customer_number,
            "cabNumber": case.cab_number,
            "description": case.description,
        }
    )
    registration_inputs(form, defaults)
    body = form.finish(
        [title(t("correct_title", locale, case_id=case.case_id)), para(t("correct_intro", locale))],
        notice,
    )
    actions = [
        button(t("save", locale), "correct", case_data(case), positive=True),
        cancel(case, locale),
    ]
    return parts.card(locale, body, actions)

"""Which routine applies: the question form, and the answer with the routine's steps."""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard, CardElement, Fact, FactSet

from cases.triage import CabFields, Route, Triage

from . import parts
from .parts import Form, button, heading, numbered, para, title
from .register import count_and_kinds
from .texts import t


def triage_form(
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    form = Form(locale, values, errors)
    count_and_kinds(form)
    body = form.finish([title(t("triage_title", locale)), para(t("triage_intro", locale))], notice)
    return parts.card(locale, body, [button(t("btn_triage", locale), "triage", positive=True)])


def triage_card(
    result: Triage, locale: str | None, count: int, back: Mapping[str, str] | None = None
) -> AdaptiveCard:
    """``back``: shown in place of a registration form, the form's values and nonce,
    which Tillbaka ("register.back") brings back; so a mistyped count loses nothing."""
    changes = t("changes_one", locale) if count == 1 else t("changes_many", locale, n=count)
    body: list[CardElement] = [
        title(t("triage_result_title", locale, changes=changes, route=result.route.label(locale)))
    ]
    if back is not None:
        body.append(para(t("triage_not_registered", locale)))
    body += [heading(t("steps_title", locale)), *numbered(result.steps(locale))]
    if result.cab is not None:
        body.append(heading(t("cab_title", locale), separator=True))
        body.append(FactSet(facts=_cab_facts(result.cab, locale)))
    hint = _HINTS.get(result.route)
    if hint:
        body.append(para(t(hint, locale), subtle=True))
    if back is None:
        return parts.card(locale, body)
    # Nothing typed is sent with it: what comes back is what the form held.
    again = button(t("btn_back", locale), "register.back", back, sends_inputs=False)
    return parts.card(locale, body, [again])


# What the bot can do next for the route, said as the command to type.
_HINTS = {Route.STORA_ARENDEN: "triage_hint_register", Route.BACKOFFICE: "triage_hint_email"}


def _cab_facts(cab: CabFields, locale: str | None) -> list[Fact]:
    return [
        Fact(title=t("cab_case_title", locale), value=cab.title),
        Fact(title=t("cab_code", locale), value=cab.code or t("cab_code_any", locale)),
        Fact(title=t("cab_group", locale), value=cab.group),
        Fact(title=t("cab_status", locale), value=cab.status),
    ]

"""The registration form: a new large case (more than 15 changes) for "Stora ärenden"."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard

from cases import validation
from cases.triage import ChangeKind, CustomerKind

from . import parts
from .parts import Form, button, para, title
from .texts import t

# Numbers are often pasted with grouping spaces ("123 456"); room for them.
NUMBER_INPUT_MAX = 20


def registration_inputs(form: Form, defaults: Mapping[str, str] = parts.EMPTY) -> None:
    """Kundnummer, Ärendenummer CAB and Vad gäller ärendet: shared with the correction form."""
    locale = form.locale
    form.text(
        "customerNumber",
        t("customer_number", locale),
        required_message=t("need_customer_number", locale),
        max_length=NUMBER_INPUT_MAX,
        default=defaults.get("customerNumber", ""),
    )
    form.text(
        "cabNumber",
        t("cab_number", locale),
        required_message=t("need_cab_number", locale),
        placeholder=t("cab_hint", locale),
        max_length=NUMBER_INPUT_MAX,
        default=defaults.get("cabNumber", ""),
    )
    form.text(
        "description",
        t("description", locale),
        required_message=t("need_description", locale),
        multiline=True,
        placeholder=t("description_hint", locale),
        max_length=validation.DESCRIPTION_MAX,
        default=defaults.get("description", ""),
    )


def count_and_kinds(form: Form) -> None:
    """Antal ändringar, Typ av ändring and Kundtyp: what decides the route (also in triage)."""
    locale = form.locale
    form.number(
        "changeCount",
        t("change_count", locale),
        required_message=t("need_change_count", locale),
        minimum=1,
        maximum=validation.CHANGE_COUNT_MAX,
    )
    form.choice(
        "changeKind",
        t("change_kind", locale),
        [(kind.value, kind.label(locale)) for kind in ChangeKind],
        required_message=t("need_change_kind", locale),
    )
    form.choice(
        "customerKind",
        t("customer_kind", locale),
        [(kind.value, kind.label(locale)) for kind in CustomerKind],
        required_message=t("need_customer_kind", locale),
    )


def register_form(
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
    nonce: str | None = None,
) -> AdaptiveCard:
    """``nonce``: the form's own id, sent back with Registrera (``form``), so that a
    second submit of one form registers nothing more; new for a new form."""
    form = Form(locale, values, errors)
    registration_inputs(form)
    count_and_kinds(form)
    body = form.finish(
        [title(t("register_title", locale)), para(t("register_intro", locale))], notice
    )
    data = {"form": nonce or uuid.uuid4().hex}
    register = button(t("btn_register", locale), "register", data, positive=True)
    return parts.card(locale, body, [register])

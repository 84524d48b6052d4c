"""The confirmation e-mail's inputs, and the stand-alone e-mail form for a 5–15 case.

The close form asks the same questions; the bot turns the answers into the
routine's e-mail with ``cases.email.confirmation_email``.
"""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard

from cases import installations, validation

from . import parts
from .parts import Form, button, para, title
from .texts import t

# The values of "Vad har ändrats"; the bot maps each to a ``cases.email.Change``.
EMAIL_CHANGES: tuple[str, ...] = ("fakturaadress", "faktureringsintervall", "utskickssatt", "annat")


def email_inputs(form: Form) -> None:
    """The ID lists get no maxLength: a client that honours the hint would cut a
    long paste short without a word; the bot refuses one over
    ``installations.LIST_MAX`` and says so."""
    locale = form.locale
    form.text(
        "changedIds",
        t("changed_ids", locale),
        required_message=t("need_changed_ids", locale),
        multiline=True,
        placeholder=t("changed_ids_hint", locale),
        max_bytes=installations.LIST_MAX,
    )
    form.text(
        "otherIds",
        t("other_ids", locale),
        multiline=True,
        placeholder=t("other_ids_hint", locale),
        max_bytes=installations.LIST_MAX,
    )
    form.text(
        "greeting",
        t("greeting", locale),
        required_message=t("need_greeting", locale),
        placeholder=t("greeting_hint", locale),
        max_length=validation.GREETING_MAX,
    )
    form.choice(
        "emailChange",
        t("email_change", locale),
        [(kind, t(f"email_change_{kind}", locale)) for kind in EMAIL_CHANGES],
        required_message=t("need_email_change", locale),
    )
    form.text(
        "emailValue",
        t("email_value", locale),
        required_message=t("need_email_value", locale),
        placeholder=t("email_value_hint", locale),
        max_length=validation.CHANGE_MAX,
    )
    form.text(
        "emailOffer",
        t("email_offer", locale),
        placeholder=t("email_offer_hint", locale),
        max_length=validation.CHANGE_MAX,
    )


def email_form(
    locale: str | None,
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    form = Form(locale, values, errors)
    email_inputs(form)
    body = form.finish([title(t("email_title", locale)), para(t("email_intro", locale))], notice)
    return parts.card(locale, body, [button(t("btn_email", locale), "email", positive=True)])

"""Asking once for the agent's Elin signature, then resuming what they clicked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from . import parts
from .parts import Form, button, para, title
from .texts import t

SIGNATURE_MAX = 12


def signature_form(
    locale: str | None,
    pending: Mapping[str, Any],
    values: Mapping[str, str] = parts.EMPTY,
    errors: Mapping[str, str] = parts.EMPTY,
    notice: str | None = None,
) -> AdaptiveCard:
    """``pending`` is the click that needed the signature ({"verb", "data"}); the bot resumes it."""
    form = Form(locale, values, errors)
    form.text(
        "signature",
        t("signature", locale),
        required_message=t("need_signature", locale),
        placeholder="xabc12",
        max_length=SIGNATURE_MAX,
    )
    body = form.finish(
        [title(t("signature_title", locale)), para(t("signature_intro", locale))], notice
    )
    save = button(t("save", locale), "signature", {"pending": dict(pending)}, positive=True)
    return parts.card(locale, body, [save])

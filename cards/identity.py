"""Signatures: the refusal when the directory has none, and the admin's list of bindings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from microsoft_teams.cards import AdaptiveCard, CardElement, Fact, FactSet

from . import parts
from .parts import button, escape_markdown, para, title
from .texts import t


class BindingRow(Protocol):
    """One bound signature, as the bot's signature book lists it."""

    @property
    def signature(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...


def directory_signature_card(
    locale: str | None, pending: Mapping[str, Any], error: str | None = None
) -> AdaptiveCard:
    """``pending`` is the click that needed the signature; "Try again" resumes it."""
    body: list[CardElement] = []
    if error:
        body.append(parts.notice(error, style="attention"))
    body += [title(t("signature_title", locale)), para(t("directory_signature_missing", locale))]
    again = button(t("try_again", locale), "signature", {"pending": dict(pending)}, positive=True)
    return parts.card(locale, body, [again])


def signature_list_card(bindings: Iterable[BindingRow], locale: str | None) -> AdaptiveCard:
    """Every signature ever bound, with the name Teams gave its owner."""
    rows = list(bindings)
    body: list[CardElement] = [title(t("signatures_title", locale))]
    if not rows:
        body.append(para(t("signatures_empty", locale)))
        return parts.card(locale, body)
    facts = [
        Fact(
            title=escape_markdown(row.signature),
            value=t(
                "signatures_active" if row.active else "signatures_kept",
                locale,
                name=escape_markdown(row.name) if row.name else t("signatures_no_name", locale),
            ),
        )
        for row in rows
    ]
    body += [FactSet(facts=facts), para(t("signatures_release_hint", locale), subtle=True)]
    return parts.card(locale, body)

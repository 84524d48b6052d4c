"""A short message as a card: an answer, a refusal, a failure."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard

from . import parts
from .parts import literal


def notice_card(text: str, locale: str | None) -> AdaptiveCard:
    """``literal``: a refusal can name a handler or an Ärende-ID from the workbook."""
    return parts.card(locale, [literal(text)])

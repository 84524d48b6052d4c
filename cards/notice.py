"""A short message as a card: an answer, a refusal, a failure."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard

from . import parts
from .parts import para


def notice_card(text: str, locale: str | None) -> AdaptiveCard:
    return parts.card(locale, [para(text)])

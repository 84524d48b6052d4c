"""What the bot understands: one line per command."""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard, Fact, FactSet

from . import parts
from .parts import para, title
from .texts import t

COMMANDS = ("register", "queue", "mine", "triage", "email", "stats", "help")


def help_card(locale: str | None) -> AdaptiveCard:
    facts = [
        Fact(title=t(f"cmd_{name}", locale), value=t(f"help_{name}", locale)) for name in COMMANDS
    ]
    body = [
        title(t("help_title", locale)),
        para(t("help_intro", locale)),
        FactSet(facts=facts),
        para(t("help_aliases", locale), subtle=True),
    ]
    return parts.card(locale, body)

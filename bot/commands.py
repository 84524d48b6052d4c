"""Text commands, in Swedish with English aliases."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    REGISTER = "registrera"
    QUEUE = "kö"
    MINE = "mina"
    TRIAGE = "triage"
    EMAIL = "mejl"
    HELP = "hjälp"


_ALIASES = {
    Command.REGISTER: ("registrera", "register", "ny", "new"),
    Command.QUEUE: ("kö", "ko", "queue", "kön"),
    Command.MINE: ("mina", "mine", "my"),
    Command.TRIAGE: ("triage", "rutin", "routine"),
    Command.EMAIL: ("mejl", "mail", "email", "e-mail", "epost", "e-post"),
    Command.HELP: ("hjälp", "hjalp", "help", "?"),
}
_LOOKUP = {alias: command for command, aliases in _ALIASES.items() for alias in aliases}


def parse(text: str) -> Command:
    """The command the agent meant; anything unknown is a request for help."""
    first = text.strip().lower().split(maxsplit=1)[:1]
    return _LOOKUP.get(first[0], Command.HELP) if first else Command.HELP

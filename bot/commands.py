"""Text commands, in Swedish with English aliases."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    REGISTER = "registrera"
    QUEUE = "kö"
    MINE = "mina"
    TRIAGE = "triage"
    EMAIL = "mejl"
    STATS = "statistik"
    HELP = "hjälp"
    # For the admins (STORA_ADMINS) only: bot/admin.py.
    SIGNATURES = "signaturer"
    RELEASE = "släpp"


# Left out of the app manifest's command menu, which every agent sees.
ADMIN_COMMANDS = frozenset({Command.SIGNATURES, Command.RELEASE})

_ALIASES = {
    Command.REGISTER: ("registrera", "register", "ny", "new"),
    Command.QUEUE: ("kö", "ko", "queue", "kön"),
    Command.MINE: ("mina", "mine", "my"),
    Command.TRIAGE: ("triage", "rutin", "routine"),
    Command.EMAIL: ("mejl", "mail", "email", "e-mail", "epost", "e-post"),
    Command.HELP: ("hjälp", "hjalp", "help", "?"),
    Command.STATS: ("statistik", "stats", "statistics"),
    Command.SIGNATURES: ("signaturer", "signatures"),
    Command.RELEASE: ("släpp", "slapp", "release"),
}
_LOOKUP = {alias: command for command, aliases in _ALIASES.items() for alias in aliases}


def parse(text: str) -> Command:
    """The command the agent meant; anything unknown is a request for help."""
    first = text.strip().lower().split(maxsplit=1)[:1]
    return _LOOKUP.get(first[0], Command.HELP) if first else Command.HELP


def argument(text: str) -> str:
    """What follows the command word ("släpp xanna" -> "xanna"), or ""."""
    parts = text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""

"""Time as the team lives it: Europe/Stockholm, to the second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

Clock = Callable[[], datetime]


def stockholm_now() -> datetime:
    return datetime.now(STOCKHOLM).replace(microsecond=0)


def to_stockholm(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the routine's dates need a time zone")
    return moment.astimezone(STOCKHOLM).replace(microsecond=0)

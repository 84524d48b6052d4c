"""The queue cards drawn lately, kept by everything they show (``bot.queue_view``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Mapping
from datetime import datetime

from cachetools import TTLCache

from cards.queue import row_text
from cases.model import CUSTOMER_FIELDS, Case

from .card_payload import CardJson


class QueueCards:
    """The queue cards drawn lately, by everything they show.

    A queue of 40 cases is some 170 card elements: drawing and dumping them
    was the larger part of a "kö" turn's own work, though the card changes only
    when a case does, a name does, or an age ticks over. The key holds each
    open case's fields but the customer data (the card shows none; no customer
    data is kept here) and the line the card shows for it (``row_text``, where
    the clock's ``now`` comes in: its ages). Entries live a minute at most, so
    that anything else the card may come to show from the clock is at most that
    late.
    """

    def __init__(self, size: int = 32, ttl: float = 60.0) -> None:
        self._cards: TTLCache[Hashable, CardJson] = TTLCache(size, ttl)

    def get(self, key: Hashable, draw: Callable[[], dict[str, object]]) -> CardJson:
        card = self._cards.get(key)
        if card is None:
            card = self._cards[key] = CardJson(draw())
        return card


_SHOWN_FIELDS = tuple(f.name for f in dataclasses.fields(Case) if f.name not in CUSTOMER_FIELDS)


def as_shown(case: Case, now: datetime, locale: str, names: Mapping[str, str]) -> Hashable:
    return (*(getattr(case, name) for name in _SHOWN_FIELDS), row_text(case, now, locale, names))

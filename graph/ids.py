"""Ärende-IDs that no two bot instances issue twice: each one reserved before it is written.

The "_bot" sheet's high-water mark (or the highest ID seen, if higher) says
where new IDs start. Two instances that read it at the same moment would both
start there, so the mark alone cannot be trusted: each candidate is reserved
first in the bot's shared state (``cases.ledger.Reservations``: a create-only
write, which Azure Blob storage does with If-None-Match: *), and one taken
already is skipped for the next.

The template's blank row is the other thing two instances could both take:
each would fill it with a ``PATCH``, and the later one would overwrite the
first one's case. Only the instance that reserves the row fills it; the other
appends all its rows.

Without reservations (one process: ``python -m bot check``, the ledger's own
tests) every candidate is free, just as the mark alone made it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from cases.columns import format_case_id
from cases.ledger import Reservations

# Candidates skipped in one call before giving up: the shared state is broken
# (every write refused) rather than this many IDs issued since the last read.
MAX_SKIPPED = 1000


class ReservationsBroken(Exception):
    """Every candidate came back taken: the state store refuses create-only writes."""


class Holder(Protocol):
    """One registration on its way to the workbook (``graph.add_queue.Waiter``)."""

    reserved: str  # its Ärende-ID; "" until one is reserved for it
    blank_row: int  # the blank row it may fill; 0: none


class IdIssuer:
    def __init__(self, reservations: Reservations | None = None) -> None:
        self.reservations = reservations

    async def hand_out(
        self, workbook: str, holders: Sequence[Holder], after: int, blank_row: int
    ) -> int:
        """An ID above ``after`` for each holder without one; the highest number now issued.

        ``blank_row`` (0: none) goes to the first holder, unless one has it
        already or another instance reserved it first.
        """
        needed = [h for h in holders if not h.reserved]
        numbers = await self.issue(workbook, after, len(needed))
        for holder, number in zip(needed, numbers, strict=True):
            holder.reserved = format_case_id(number)
        free = blank_row and holders and all(h.blank_row != blank_row for h in holders)
        if free and await self.claim_blank_row(workbook, blank_row):
            holders[0].blank_row = blank_row
        return max([after, *numbers])

    async def issue(self, workbook: str, after: int, count: int) -> list[int]:
        """``count`` ID numbers above ``after``, each reserved for this caller alone.

        The candidates of one round are reserved together (one round trip to
        the state store, not one per ID); those another instance has are
        replaced by the next ones up.
        """
        numbers: list[int] = []
        candidate = after + 1
        while len(numbers) < count:
            if candidate - after - 1 - len(numbers) > MAX_SKIPPED:
                raise ReservationsBroken(workbook)
            wanted = range(candidate, candidate + count - len(numbers))
            taken = await asyncio.gather(
                *(self._reserve(f"{workbook}/{format_case_id(n)}") for n in wanted)
            )
            numbers += [n for n, ours in zip(wanted, taken, strict=True) if ours]
            candidate = wanted.stop
        return numbers

    async def claim_blank_row(self, workbook: str, row: int) -> bool:
        """Whether this caller may fill the table's blank row ``row`` (no one else will)."""
        return await self._reserve(f"{workbook}/blank-row/{row}")

    async def _reserve(self, name: str) -> bool:
        if self.reservations is None:
            return True
        return await self.reservations.reserve(name)

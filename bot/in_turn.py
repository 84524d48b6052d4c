"""One stored document changed by many writers: in turn here, retried against the others.

The Bot Framework ``Storage`` has no transactions, only e_tags. A document
every click may change (the signature book, the redraw outbox, a slot of the
redelivery records, the late-edit checks) is changed by read, edit,
write-with-its-e_tag. Inside one instance the writers take turns on an
asyncio lock, so none of them loses its write to a sibling; between instances
sharing the storage the e_tag decides, and the loser reads again after a
jittered wait (tenacity), for as long as a click can wait. ``SharedDocument``
is that read-edit-write for a document of entries under one key.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from botbuilder.core import Storage
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_delay,
    wait_random_exponential,
)

from .storage import CREATE_ONLY, StorageConflict

T = TypeVar("T")
# Conflicts come only from other instances: full jitter, small steps.
_WAIT = wait_random_exponential(multiplier=0.01, max=0.25)


class StillConflicting(Exception):
    """Other instances kept writing the document for all of ``patience``."""


class InTurn:
    def __init__(self, patience: float = 3.0) -> None:
        self._patience = patience  # seconds: well inside Teams' 5 s for an invoke
        self._lock = asyncio.Lock()

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt`` (read, edit, write) alone in this instance; again after a
        ``StorageConflict`` from another one, until ``patience`` runs out."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(StorageConflict),
            wait=_WAIT,
            stop=stop_after_delay(self._patience),
        )
        async with self._lock:
            try:
                return await retrying(attempt)
            except RetryError:
                raise StillConflicting() from None


Entries = dict[str, Any]


class SharedDocument:
    """One key of bot state holding entries under ``field``, changed in turn.

    Read, edit a copy, write back under the e_tag read (create-only when the
    key is new): a sibling in this instance waits its turn, another instance's
    write makes this one read again (``InTurn``).
    """

    def __init__(self, storage: Storage, key: str, field: str, patience: float = 3.0) -> None:
        self._storage = storage
        self.key, self._field = key, field
        self._in_turn = InTurn(patience)

    async def entries(self) -> Entries:
        document = (await self._storage.read([self.key])).get(self.key) or {}
        return document.get(self._field) or {}

    async def change(self, edit: Callable[[Entries], tuple[bool, T]]) -> T:
        """``edit`` the entries as stored now; written back when it says they changed.

        Raises ``StillConflicting`` when other instances kept writing for all
        of the patience.
        """

        async def attempt() -> T:
            current = (await self._storage.read([self.key])).get(self.key)
            entries = copy.deepcopy((current or {}).get(self._field) or {})
            changed, result = edit(entries)
            if changed:
                e_tag = current["e_tag"] if current else CREATE_ONLY
                await self._storage.write({self.key: {self._field: entries, "e_tag": e_tag}})
            return result

        return await self._in_turn.run(attempt)

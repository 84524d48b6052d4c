"""One stored document changed by many writers: in turn here, retried against the others.

The Bot Framework ``Storage`` has no transactions, only e_tags. A document
every click may change (the signature book, the redraw outbox, a slot of the
redelivery records) is changed by read, edit, write-with-its-e_tag. Inside one
instance the writers take turns on an asyncio lock, so none of them loses its write to a sibling; between
instances sharing the storage the e_tag decides, and the loser reads again
after a jittered wait (tenacity), for as long as a click can wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_delay,
    wait_random_exponential,
)

from .storage import StorageConflict

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

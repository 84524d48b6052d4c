"""What the bot's instances take in turn, kept in their shared state (``cases.ledger.Reservations``).

Over the Bot Framework ``Storage``, one key per name:

- ``reserved/<drive>/<item>/SA-000042`` (and the template's blank row): an
  Ärende-ID, taken for good with a ``CREATE_ONLY`` write. Azure Blob storage
  does that with If-None-Match: *
  (learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations),
  the local folder under its file lock: of two instances asking at once, one
  gets it. Never deleted: Storage cannot list keys to expire old ones, and an
  ID once issued is never issued again anyway. One small blob per case.
- ``held/<drive>/<item>/case/SA-000042``: a case being updated, until a time.
  Taken with ``CREATE_ONLY``, or over an expired hold with its e_tag (If-Match);
  deleted when given back.

Values say which instance took it and when; no customer data.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from botbuilder.core import Storage

from cases.ledger import LedgerUnavailable

from .storage import CREATE_ONLY, StorageConflict

log = logging.getLogger(__name__)

T = TypeVar("T")
RESERVED, HELD = "reserved/", "held/"


def instance_name() -> str:
    """This process among the bot's instances: for a person reading the state, never compared."""
    return f"{socket.gethostname()}:{os.getpid()}"


class StorageReservations:
    def __init__(
        self,
        storage: Storage,
        *,
        instance: str = "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._storage = storage
        # Two apps in one process (the tests) are two instances too.
        self._instance = f"{instance or instance_name()}/{uuid.uuid4().hex[:8]}"
        self._clock = clock  # wall time: compared across instances

    async def reserve(self, name: str) -> bool:
        item = {"instance": self._instance, "at": self._clock().isoformat(), "e_tag": CREATE_ONLY}
        return await self._safely(self._write(RESERVED + name, item))

    async def hold(self, name: str, holder: str, seconds: float) -> bool:
        key, now = HELD + name, self._clock()
        item = {
            "holder": holder,
            "instance": self._instance,
            "until": (now + timedelta(seconds=seconds)).isoformat(),
        }
        if await self._safely(self._write(key, {**item, "e_tag": CREATE_ONLY})):
            return True
        found = (await self._safely(self._storage.read([key]))).get(key)
        if found is None:
            return False  # given back in between: the caller tries again
        if found.get("holder") != holder and datetime.fromisoformat(found["until"]) > now:
            return False
        # Its own hold (an earlier attempt of the same update), or one run out.
        return await self._safely(self._write(key, {**item, "e_tag": found["e_tag"]}))

    async def release(self, name: str) -> None:
        await self._safely(self._storage.delete([HELD + name]))

    async def _write(self, key: str, item: dict[str, str]) -> bool:
        try:
            await self._storage.write({key: item})
        except StorageConflict:
            return False
        return True

    async def _safely(self, work: Awaitable[T]) -> T:
        try:
            return await work
        except Exception as failed:  # noqa: BLE001 - any store's own errors, told as one
            # The state store is down: nothing is written to the workbook without its turn.
            log.warning("bot state unreachable for a reservation: %s", type(failed).__name__)
            raise LedgerUnavailable(type(failed).__name__) from None

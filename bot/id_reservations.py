"""Ärende-IDs reserved in the bot's shared state, so that no two instances issue the same one.

``cases.ledger.Reservations`` over the Bot Framework ``Storage``: one key per
name (``reserved/<drive>/<item>/SA-000042``, and the template's blank row),
written ``CREATE_ONLY``. Azure Blob storage does that with If-None-Match: *
(learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations),
the local folder under its file lock: of two instances asking at once, one
gets it. The value says which instance took it and when; no customer data.

The keys are never deleted: Storage cannot list them to expire old ones, and
an Ärende-ID, once issued, is never issued again anyway. One small blob per
case registered.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime

from botbuilder.core import Storage

from cases.clock import stockholm_now
from cases.ledger import LedgerUnavailable

from .storage import CREATE_ONLY, StorageConflict

log = logging.getLogger(__name__)

PREFIX = "reserved/"


def instance_name() -> str:
    """This process among the bot's instances: for a person reading the state, never compared."""
    return f"{socket.gethostname()}:{os.getpid()}"


class StorageReservations:
    def __init__(
        self,
        storage: Storage,
        *,
        instance: str = "",
        clock: Callable[[], datetime] = stockholm_now,
    ) -> None:
        self._storage = storage
        # Two apps in one process (the tests) are two instances too.
        self._instance = f"{instance or instance_name()}/{uuid.uuid4().hex[:8]}"
        self._clock = clock

    async def reserve(self, name: str) -> bool:
        item = {"instance": self._instance, "at": self._clock().isoformat(), "e_tag": CREATE_ONLY}
        try:
            await self._storage.write({PREFIX + name: item})
        except StorageConflict:
            return False
        except Exception as failed:  # noqa: BLE001 - any store's own errors, told as one
            # The state store is down: nothing is written to the workbook without its ID reserved.
            log.warning("could not reserve in the bot state: %s", type(failed).__name__)
            raise LedgerUnavailable(type(failed).__name__) from None
        return True

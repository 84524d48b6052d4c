"""The workbook session kept alive while the bot runs, so that no click pays for a new one.

A persistent session expires after about five minutes without requests
(learn.microsoft.com/graph/api/resources/excel), and making a new one can take
"an indeterminate time" (learn.microsoft.com/graph/api/workbook-createsession):
in a quiet team the first click after a pause would pay for it. So a
background task beats once a minute. When the session has been idle two
minutes it sends ``refreshSession`` (learn.microsoft.com/graph/api/workbook-refreshsession);
when there is none (Graph ended it, or the first one is still to come) it has
one made in the background.

A beat takes the workbook's turn like any Ledger call: one request at a time
per workbook, as Microsoft advises. When the workbook is busy the beat is
skipped, since a busy session is in use and that use keeps it alive; during a
``Retry-After`` cooldown nothing is sent at all. A refresh gets a short
deadline, so that a click arriving meanwhile waits little for its turn.

While a registration repeated after a 504 is watched for a second row
(``graph.twins``), a beat that finds the workbook free looks for it instead:
in a quiet team no further registration comes to do so.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import TYPE_CHECKING

from .client import TimedOut
from .deadline import Sleep
from .errors import GraphError

if TYPE_CHECKING:
    from .ledger import GraphLedger

log = logging.getLogger(__name__)

BEAT = 60.0  # seconds between beats
REFRESH_AFTER = 120.0  # idle this long, refresh: at most three minutes idle, well inside five
REFRESH_DEADLINE = 1.0


class KeepAlive:
    def __init__(self, ledger: GraphLedger, pause: Sleep = asyncio.sleep, every: float = BEAT):
        self._ledger = ledger
        self._pause = pause
        self._every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin beating (at the first Ledger call; again after a stop)."""
        if self._task is None or self._task.done():
            # A context of its own: no click's request budget or log fields.
            self._task = asyncio.create_task(
                self._run(), name="workbook keep-alive", context=contextvars.Context()
            )

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await self._pause(self._every)
            try:
                await self.beat()
            except Exception as failed:  # noqa: BLE001 - a bug must not stop the beats
                log.warning("workbook keep-alive beat failed: %s", type(failed).__name__)

    async def beat(self) -> str:
        """One beat; what it did, in a word (for the logs and the tests)."""
        ledger = self._ledger
        session = ledger.session
        location = ledger.locator.known
        if location is None:
            return "idle"
        if ledger._lock.locked() or ledger.policy.cooldown_left():
            return "busy"
        if ledger.twins.watching:  # in a quiet team no turn of registrations looks for them
            async with ledger._lock:
                await ledger.twins.tidy()  # a read: it keeps the session alive as well
            return "twins"
        if session.sessionless or session.resting:
            return "idle"
        if session.id is None:
            session.start(location)
            return "making"
        if session.idle() < REFRESH_AFTER:
            return "fresh"
        async with ledger._lock:
            try:
                await session.refresh(location, ledger.policy.deadline(REFRESH_DEADLINE))
            except TimedOut:
                return "late"
            except GraphError as failed:
                log.info("refreshSession failed", extra={"error": failed.summary()})
                if failed.retry_after is not None:
                    policy = ledger.policy
                    policy.cooldown_until = max(
                        policy.cooldown_until, policy.clock() + failed.retry_after
                    )
                if session.id is None:  # Graph ended it: a new one, before any click needs it
                    session.start(location)
                return "failed"
        return "refreshed"

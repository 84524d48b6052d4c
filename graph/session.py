"""One persistent workbook session, created when first needed and kept.

Microsoft's advice for more than a call or two: create a session
(``persistChanges: true``) and send its id with every request
(learn.microsoft.com/graph/excel-manage-sessions). A session ends after a few
minutes without requests (``graph.keep_alive`` refreshes it meanwhile), or
when Graph says so: after any of the codes ``graph.errors`` lists as ending
it, the session is never sent again, whichever request heard it (the
transport tells this object, and drops that session from every later request,
even one already under way), and ``graph.ledger`` resends the request that
failed with a new one (or without one), so the agent never notices.

A session is made in the background, one at a time. Creating one can take "an
indeterminate time" (learn.microsoft.com/graph/api/workbook-createsession,
e.g. while a large workbook opens), so a click never waits for it: while there
is no live session, requests go without one, and later ones use the session
once it is there. Only start-up (``warm_up``, at most half its time) and
``python -m bot check`` wait for one. A ``createSession`` under way is thus the
one request that may run beside a click's.

Should Graph refuse sessions to the bot's app-only identity (its docs list
application permissions as unsupported for ``createSession``, though they work
in practice), the bot carries on without one: sessionless requests are slower
but saved all the same.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from typing import TYPE_CHECKING

from msgraph.generated.drives.item.items.item.workbook.create_session.create_session_post_request_body import (
    CreateSessionPostRequestBody,
)

from .client import GraphTransport, TimedOut
from .deadline import Clock, Deadline
from .errors import GraphError
from .location import FileLocation

if TYPE_CHECKING:
    from msgraph.generated.drives.item.items.item.workbook.workbook_request_builder import (
        WorkbookRequestBuilder,
    )

log = logging.getLogger(__name__)

# Persistent sessions expire after about five minutes idle; renew a little before,
# rather than spend a failed request finding out.
IDLE_LIMIT = 240.0
# After Graph ends a session as unwelcome (``Retry.SESSIONLESS``), work without
# one this long before asking for a new one: Microsoft does not expect the same
# createSession "until" the cause is gone, and does not say how long that takes.
SESSION_REST = 300.0
# How long a createSession made in the background may take.
CREATE_LIMIT = 30.0
# The share of its time left that start-up waits for a session being made (a click: none).
PATIENCE = 0.5


class WorkbookSession:
    def __init__(
        self,
        transport: GraphTransport,
        clock: Clock = time.monotonic,
        idle_limit: float = IDLE_LIMIT,
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._idle_limit = idle_limit
        self.id: str | None = None
        self.sessionless = False
        self.refused: GraphError | None = None  # why, when working without one
        self.created = 0
        self._last_used = 0.0
        self._rest_until = float("-inf")
        self._making: asyncio.Task[None] | None = None
        # Whichever request finds the session ended, this one hears of it.
        transport.on_session_end = self.ended

    async def for_request(
        self, location: FileLocation, deadline: Deadline, patience: float = 0.0
    ) -> str | None:
        """The session id to send with a request; ``None``: send it without one.

        With no live session, one is made in the background; the request waits
        for it ``patience`` (a share of its time left): a click not at all.
        """
        ready = await self._ready(location, deadline.remaining() * patience)
        if not ready:
            log.info("workbook session still being made; this request goes without one")
        return self.id if ready else None

    async def current(self, location: FileLocation, deadline: Deadline) -> str | None:
        """The session id, waited for as long as ``deadline`` allows (``None``: without one)."""
        if not await self._ready(location, deadline.remaining()):
            raise TimedOut("createSession")
        return self.id

    @property
    def resting(self) -> bool:
        """Graph ended the last session as unwelcome a short while ago: work without one."""
        return self._clock() < self._rest_until

    def idle(self) -> float:
        return self._clock() - self._last_used

    def used(self) -> None:
        self._last_used = self._clock()

    def drop(self) -> None:
        """Graph said the session is gone: the next request creates a new one."""
        if self.id is not None:
            log.info("workbook session dropped; a new one is made on the next request")
        self.id = None

    def ended(self, failed: GraphError, sent: str | None) -> None:
        """A request that carried ``sent`` failed: if Graph says that session is over, forget it."""
        if not failed.ends_session or sent is None or sent != self.id:
            return  # not the end, or not the session now in use
        self.drop()
        if failed.session_unwelcome:
            self._rest_until = self._clock() + SESSION_REST
            log.warning(
                "workbook session ended (%s); working without one for %d s",
                failed.summary(),
                SESSION_REST,
            )

    def start(self, location: FileLocation) -> asyncio.Task[None] | None:
        """Have a session made in the background, unless one is there, being made or unwelcome."""
        if self.id is not None or self.sessionless or self.resting:
            return None
        if self._making is None or self._making.done():
            # A context of its own: no click's request budget limits the making.
            self._making = asyncio.create_task(
                self._make(location), name="createSession", context=contextvars.Context()
            )
            self._making.add_done_callback(_log_failure)
        return self._making

    async def settled(self) -> None:
        """Wait for the session being made, if any (whether it came or failed)."""
        if self._making is not None:
            await asyncio.gather(self._making, return_exceptions=True)

    async def refresh(self, location: FileLocation, deadline: Deadline) -> None:
        """Tell Graph the session is in use (learn.microsoft.com/graph/api/workbook-refreshsession)."""
        session = self.id
        if session is None:
            return
        info = self._workbook(location).refresh_session.to_post_request_information()
        await self._transport.send(info, "refreshSession", deadline, session=session)
        self.used()

    async def aclose(self, location: FileLocation | None, deadline: Deadline) -> None:
        """Stop making a session, and close the one there is."""
        if self._making is not None and not self._making.done():
            self._making.cancel()
        await self.settled()
        if location is not None:
            await self.close(location, deadline)

    async def _ready(self, location: FileLocation, patience: float) -> bool:
        """Whether ``self.id`` is what to send now: a session, or ``None`` for none."""
        if self.id is not None and self.idle() > self._idle_limit:
            self.id = None
        making = self.start(location)
        if making is None:
            return True
        if patience <= 0:
            return False
        done, _ = await asyncio.wait({making}, timeout=patience)
        if not done:
            return False
        making.result()  # a failure to make one, for the caller's retries
        return True

    async def _make(self, location: FileLocation) -> None:
        await self._create(location, Deadline(CREATE_LIMIT, self._clock))

    async def _create(self, location: FileLocation, deadline: Deadline) -> None:
        builder = self._workbook(location).create_session
        info = builder.to_post_request_information(
            CreateSessionPostRequestBody(persist_changes=True)
        )
        try:
            answer = await self._transport.send(info, "createSession", deadline)
        except GraphError as refused:
            # Any documented refusal shape, not only a 403: a 401
            # FileOpenUserUnauthorized too (graph.errors.Refusal). A refused
            # token is not one: every other request would fail the same way.
            if refused.session_refused:
                log.warning(
                    "workbook sessions refused (%s); working without a session", refused.summary()
                )
                self.sessionless, self.refused = True, refused
                return
            raise
        self.id = str((answer.body or {})["id"])
        self.created += 1
        self.used()

    async def close(self, location: FileLocation, deadline: Deadline) -> None:
        """End the session (best effort: it expires on its own anyway)."""
        if self.id is None:
            return
        session, self.id = self.id, None
        info = self._workbook(location).close_session.to_post_request_information()
        try:
            await self._transport.send(info, "closeSession", deadline, session=session)
        except Exception as failed:  # noqa: BLE001 - closing is a courtesy
            log.info("closeSession failed: %s", type(failed).__name__)

    def _workbook(self, location: FileLocation) -> WorkbookRequestBuilder:
        client = self._transport.client
        return (
            client.drives.by_drive_id(location.drive_id)
            .items.by_drive_item_id(location.item_id)
            .workbook
        )


def _log_failure(task: asyncio.Task[None]) -> None:
    """A session made for no one in particular failed: say so (codes only); the next try is later."""
    if task.cancelled():
        return
    failed = task.exception()
    if failed is not None:
        what = failed.summary() if isinstance(failed, GraphError) else type(failed).__name__
        log.info("making a workbook session failed: %s", what)

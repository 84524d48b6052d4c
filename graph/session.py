"""One persistent workbook session, created when first needed and kept.

Microsoft's advice for more than a call or two: create a session
(``persistChanges: true``) and send its id with every request
(learn.microsoft.com/graph/excel-manage-sessions). A session ends after a few
minutes without requests, or when Graph says so (``invalidSessionReCreatable``):
then the next request makes a new one, and ``graph.ledger`` resends the
request that failed, so the agent never notices.

Should Graph refuse sessions to the bot's app-only identity (its docs list
application permissions as unsupported for ``createSession``, though they work
in practice), the bot carries on without one: sessionless requests are slower
but saved all the same.
"""

from __future__ import annotations

import logging
import time

from msgraph.generated.drives.item.items.item.workbook.create_session.create_session_post_request_body import (  # noqa: E501
    CreateSessionPostRequestBody,
)

from .client import GraphTransport
from .deadline import Clock, Deadline
from .errors import GraphError
from .location import FileLocation

log = logging.getLogger(__name__)

# Persistent sessions expire after about five minutes idle; renew a little before,
# rather than spend a failed request finding out.
IDLE_LIMIT = 240.0


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

    async def current(self, location: FileLocation, deadline: Deadline) -> str | None:
        """The session id to send (``None`` when working without one)."""
        if self.sessionless:
            return None
        if self.id is not None and self._clock() - self._last_used > self._idle_limit:
            self.id = None
        if self.id is None:
            await self._create(location, deadline)
        return self.id

    def used(self) -> None:
        self._last_used = self._clock()

    def drop(self) -> None:
        """Graph said the session is gone: the next request creates a new one."""
        if self.id is not None:
            log.info("workbook session dropped; a new one is made on the next request")
        self.id = None

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

    def _workbook(self, location: FileLocation):  # noqa: ANN202
        client = self._transport.client
        return (
            client.drives.by_drive_id(location.drive_id)
            .items.by_drive_item_id(location.item_id)
            .workbook
        )

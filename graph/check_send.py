"""How ``python -m bot check`` sends its requests to the workbook: as the bot does.

Each request goes through the ledger's own retry policy (``graph.deadline``):
a 503 or a 429 is tried again within the check's deadline. When Graph ends
the workbook session mid-way (the codes ``graph.errors`` lists), the session
is dropped and the request resent at once with a new session or without one,
as ``graph.ledger`` resends a click's; an ``internalServerErrorUncategorized``
is not resent, as Microsoft does not expect it to be. Each such end is said in
one line, never read as a refusal or a missing table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from kiota_abstractions.request_information import RequestInformation

from .client import Answer, BatchItem
from .deadline import Deadline
from .errors import GraphError, Retry
from .findings import Finding, session_ended
from .ledger import GraphLedger
from .location import FileLocation
from .workbook import WorkbookRequests

T = TypeVar("T")


class Sender:
    """The check's requests to one workbook, within one deadline; endings said in ``findings``."""

    def __init__(
        self,
        ledger: GraphLedger,
        location: FileLocation,
        deadline: Deadline,
        findings: list[Finding],
    ) -> None:
        self.ledger, self.location, self.deadline = ledger, location, deadline
        self.requests = WorkbookRequests(ledger.transport, location)
        self._findings = findings
        self._said: set[tuple[str, ...]] = set()

    @property
    def session(self) -> str | None:
        """The session in use now (``None``: none), which may not be the one the check opened."""
        return self.ledger.session.id

    async def send(
        self, make: Callable[[WorkbookRequests], RequestInformation], what: str
    ) -> Answer:
        """``make``'s request; made anew for each attempt, as each may carry another session."""
        transport = self.ledger.transport
        return await self._run(
            lambda session: transport.send(make(self.requests), what, self.deadline, session)
        )

    async def batch(self, make: Callable[[WorkbookRequests], list[BatchItem]]) -> dict[str, Answer]:
        transport = self.ledger.transport
        return await self._run(
            lambda session: transport.batch(make(self.requests), self.deadline, session)
        )

    async def _run(self, once: Callable[[str | None], Awaitable[T]]) -> T:
        session_keeper = self.ledger.session

        async def attempt() -> T:
            session = await session_keeper.current(self.location, self.deadline)
            try:
                answer = await once(session)
            except GraphError as failed:
                self._heard(failed, session)  # the transport has dropped an ended session
                raise
            session_keeper.used()
            return answer

        return await self.ledger.policy.run(self.deadline, attempt)

    def _heard(self, failed: GraphError, session: str | None) -> None:
        """Say once that Graph ended the session, when the request is resent after it."""
        resent = failed.retry is not Retry.NEVER
        # The transport has dropped the session by now (graph.client): compare with
        # the one this request carried, not the one in use.
        if not (failed.ends_session and resent and session):
            return  # not an end, or not resent: the step's own finding says it
        if failed.codes not in self._said:
            self._said.add(failed.codes)
            self._findings.append(Finding(True, session_ended(failed)))

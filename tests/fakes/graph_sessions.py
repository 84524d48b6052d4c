"""The fake Graph's workbook sessions: created, used, refreshed, expired, ended for good.

What Microsoft documents, and what the fake makes of it:

- a session expires after a while without requests: "Typically the persistent
  session expires after about 5 minutes of inactivity. Non persistent session
  expires after about 7 minutes of inactivity", and a request on it then gets
  a 404 (learn.microsoft.com/graph/api/resources/excel, "Sessions and
  persistence"; the figures as corrected in microsoftgraph/microsoft-graph-docs
  #5575). Any request on the session counts as activity; ``refreshSession``
  is one that does nothing else (learn.microsoft.com/graph/api/workbook-refreshsession);
- Graph can end a session with any of the second-level codes after which
  "further access to the session ... is not expected"
  (learn.microsoft.com/graph/workbook-error-handling). The docs do not say
  whether a later request on it could still work: the stricter choice, a dead
  session stays dead, and every later request on it gets the same answer.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

PERSISTENT_IDLE = 300.0
NON_PERSISTENT_IDLE = 420.0

# Each ending code, the status the fake answers it with, and the message from
# learn.microsoft.com/graph/workbook-error-codes. The docs give no status for
# these codes; the fake's are those of the top-level code each reads like.
ENDINGS: dict[str, tuple[int, str]] = {
    "invalidSessionReCreatable": (404, "The session specified in the request does not exist or is invalid due to a transient error."),
    "invalidSessionNotFound": (404, "The session specified in the request is invalid because the workbook can't be found."),
    "invalidSessionAuthentication": (401, "The session specified in the request is invalid due to an authentication error."),
    "invalidSessionRestricted": (403, "The session specified in the request is invalid due to service configurations or restrictions."),
    "invalidSessionAccessConflict": (409, "The session specified in the request is invalid due to conflicts with other clients that are accessing the workbook."),
    "invalidSessionUnexpected": (500, "The session specified in the request is invalid due to an unexpected issue."),
    "invalidSessionUnsupportedWorkbook": (400, "The session specified in the request is invalid because the workbook contains unsupported features or exceeds the size limit."),
    "internalServerErrorUncategorized": (500, "An unspecified error has occurred."),
}  # fmt: skip
EXPIRED = "invalidSessionReCreatable"  # the code of an idle session's 404 (the docs name none)


@dataclass(frozen=True)
class Ending:
    status: int
    code: str
    message: str


class Sessions:
    def __init__(self) -> None:
        self.clock: Callable[[], float] = time.monotonic
        self.idle = {True: PERSISTENT_IDLE, False: NON_PERSISTENT_IDLE}  # by persistChanges
        self.valid: dict[str, bool] = {}  # id -> still valid
        self.ended: dict[str, Ending] = {}  # id -> what every request on it is answered
        self._persistent: dict[str, bool] = {}
        self._seen: dict[str, float] = {}
        self._ids = itertools.count(1)

    def open(self, persist: bool) -> str:
        new = f"cluster=FAKE&session={next(self._ids)}"
        self.valid[new] = True
        self._persistent[new] = persist
        self._seen[new] = self.clock()
        return new

    def use(self, session: str) -> Ending | None:
        """A request on ``session``: what refuses it, or ``None`` (and it counts as activity)."""
        if session not in self.valid:
            return _ending(EXPIRED)  # never made here: "does not exist"
        if session in self.ended:
            return self.ended[session]
        now = self.clock()
        if now - self._seen[session] > self.idle[self._persistent[session]]:
            return self.end(session, EXPIRED)
        self._seen[session] = now
        return None

    def end(self, session: str, code: str = EXPIRED, status: int | None = None) -> Ending:
        ending = _ending(code, status)
        self.ended.setdefault(session, ending)
        self.valid[session] = False
        return self.ended[session]

    def end_all(self, code: str = EXPIRED, status: int | None = None) -> list[str]:
        live = [s for s, ok in self.valid.items() if ok]
        for session in live:
            self.end(session, code, status)
        return live


def _ending(code: str, status: int | None = None) -> Ending:
    known, message = ENDINGS.get(code, (500, "The session is no longer valid."))
    return Ending(status or known, code, message)

"""Graph's error answers, what each means for a retry, and the errors the agent sees.

Graph answers a failed workbook request with an OData error body, a top-level
code bound to the status and a more specific second-level ``innerError`` code
(learn.microsoft.com/graph/workbook-error-handling, workbook-error-codes). The
second-level code decides first, as Microsoft advises; the status is the
fallback. Error *messages* are never kept or logged: only codes, which carry
no customer data.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any

from cases.columns import TABLE_NAME, WorkbookLayoutError
from cases.errors import DomainError
from cases.ledger import LedgerUnavailable

log = logging.getLogger(__name__)

# Our names of the requests that address the table: a 404 there means no table.
TABLE_REQUESTS = frozenset({"table", "header row", "last row", "rows/add", "add column"})


class Retry(Enum):
    NEVER = "never"
    THROTTLED = "throttled"  # 429: wait what Retry-After says
    TRANSIENT = "transient"  # 502/503/504, transientFailure: jittered backoff
    ACCESS_CONFLICT = "access-conflict"  # someone holds the workbook: wait a moment
    NEW_SESSION = "new-session"  # the session is gone: create another, resend at once
    SESSIONLESS = "sessionless"  # the session is gone, a new one unwelcome: resend without one


# Second-level codes (lower-case: Graph says codes are case-insensitive).
#
# After each of these, "further access to the session ... is not expected"
# (learn.microsoft.com/graph/workbook-error-handling): the session is dropped,
# never sent again. What happens to the request that failed depends on the code:
# - ReCreatable: "can try to recreate a session and resume the work": the
#   request resent at once, without one until a new session is made in the
#   background (``graph.session``);
# - NotFound ("the workbook can't be found"): the same, once; if the file is
#   really gone, the new session is refused and the agent is told;
# - Authentication, Restricted, Unexpected, UnsupportedWorkbook: "Recreating
#   sessions with the same createSession request is not expected" until the
#   cause is gone: the request is resent at once without a session (a
#   sessionless request is saved all the same), and sessions rest for a while
#   (``graph.session.SESSION_REST``);
# - AccessConflict: someone holds the workbook: wait a moment, new session;
# - internalServerErrorUncategorized: "not expected to resend the failed
#   request" either: the agent is told; the next call makes a new session.
_SESSION_ENDED = {
    "invalidsessionrecreatable",
    "invalidsessionnotfound",
    "invalidsessionauthentication",
    "invalidsessionrestricted",
    "invalidsessionunexpected",
    "invalidsessionunsupportedworkbook",
    "invalidsessionaccessconflict",
    "internalservererroruncategorized",
}
_SESSION_RECREATABLE = {"invalidsessionrecreatable", "invalidsessionnotfound"}
_SESSION_UNWELCOME = {
    "invalidsessionauthentication",
    "invalidsessionrestricted",
    "invalidsessionunexpected",
    "invalidsessionunsupportedworkbook",
}
_ACCESS_CONFLICT = {"accessconflict", "invalidsessionaccessconflict"}
_TRANSIENT_CODES = {
    "connecterror",  # ours: the connection failed, nothing was sent
    "networkerror",  # ours: sent, but the answer was lost
    "transientfailure",
    "serviceunavailableuncategorized",
    "gatewaytimeoutuncategorized",
    "toomanyrequestsuncategorized",
}
_TRANSIENT_STATUS = {502, 503, 504}


class Refusal(Enum):
    """The shapes in which Graph refuses the bot's (app-only) identity, each its own fix.

    Microsoft lists application permissions as "not supported" for the workbook
    API (createSession, range, table pages), yet public reports have them
    working (microsoft-graph-docs-contrib #8691); when they do not, the refusal
    comes in one of these shapes, not all of them 403.
    """

    # 401 InvalidAuthenticationToken, no second-level code: the token itself is
    # refused (another tenant or app, wrong audience, expired):
    # github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/2362,
    # learn.microsoft.com/graph/resolve-auth-errors.
    TOKEN = "token"
    # 401 FileOpenUserUnauthorized / unauthorizedUncategorized: the token is
    # accepted, but the Excel service will not open the file for this identity
    # (github.com/OfficeDev/office-js/issues/4506, PipedreamHQ/pipedream #13612).
    OPEN = "open"
    # 403 EditModeAccessDenied: the identity may read but not edit, e.g. from
    # createSession app-only (a Microsoft Q&A report cited in n8n-io/n8n #34244).
    EDIT = "edit"
    # 403 AccessDenied "Could not obtain a WAC access token.", no second-level
    # code: the Excel service got no token of its own for this identity
    # (microsoft-graph-docs-contrib #1311, OneDrive/onedrive-api-docs #1760,
    # n8n-io/n8n #20040). The message is the only telltale: read at parse time
    # into the code below, never kept.
    WAC = "wac"
    # 403 OpenWorkbookAccessDenied / forbiddenUncategorized: a file the Excel
    # service cannot open whatever the permission, e.g. one with an encrypting
    # sensitivity label (microsoftgraph/microsoft-graph-docs #19404).
    PROTECTED = "protected"
    # Any other 403 (accessDenied): a permission missing, e.g. Sites.Selected
    # without a role on the site (github.com/acsone/msgraphfs/issues/9).
    DENIED = "denied"


WAC_TOKEN_CODE = "wacAccessTokenUnavailable"  # ours, from the message's fixed phrase
_WAC_PHRASE = "could not obtain a wac access token"


@dataclass
class GraphError(Exception):
    """One failed request: its status, its codes (outermost first) and any Retry-After."""

    status: int
    codes: tuple[str, ...] = ()
    retry_after: float | None = None
    what: str = ""  # which request, as our own short name (never a URL with values)
    done: frozenset[str] = field(default=frozenset(), compare=False)  # a batch's items that took

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        codes = "/".join(self.codes) or "-"
        return f"{self.what or 'request'}: HTTP {self.status} {codes}"

    def has_code(self, *wanted: str) -> bool:
        folded = {c.casefold() for c in self.codes}
        return any(w.casefold() in folded for w in wanted)

    @property
    def retry(self) -> Retry:
        folded = {c.casefold() for c in self.codes}
        if folded & _SESSION_RECREATABLE:
            return Retry.NEW_SESSION
        if folded & _SESSION_UNWELCOME:
            return Retry.SESSIONLESS
        if folded & _ACCESS_CONFLICT:
            return Retry.ACCESS_CONFLICT
        if self.status == 429 or "toomanyrequests" in folded:
            return Retry.THROTTLED
        if self.status in _TRANSIENT_STATUS or folded & _TRANSIENT_CODES:
            return Retry.TRANSIENT
        return Retry.NEVER

    @property
    def ends_session(self) -> bool:
        """Whether Graph says the session this request carried is over."""
        return bool({c.casefold() for c in self.codes} & _SESSION_ENDED)

    @property
    def session_unwelcome(self) -> bool:
        """Whether a new session should wait a while (``Retry.SESSIONLESS``)."""
        return self.retry is Retry.SESSIONLESS

    @property
    def not_found(self) -> bool:
        # A 404 invalidSessionReCreatable or ...NotFound is about the session, not
        # about the table or sheet the request addressed.
        found = self.status == 404 or self.has_code("itemNotFound", "notFound")
        return found and not self.ends_session

    @property
    def denied(self) -> bool:
        return self.refusal is not None

    @property
    def refusal(self) -> Refusal | None:
        """Which shape of "not for you" this is, or ``None`` when it is not a refusal.

        Every level's code counts: ``EditModeAccessDenied`` and its kin are the
        outermost code, their second level only ``forbiddenUncategorized``. A
        code that ends the session is no refusal, whatever its status: a 401
        ``invalidSessionAuthentication`` is not a refused token, a 403
        ``invalidSessionRestricted`` not a missing permission; the session is
        dropped and the request resent (see the table above).
        """
        return None if self.ends_session else self._shape()

    def _shape(self) -> Refusal | None:
        if self.has_code(WAC_TOKEN_CODE):
            return Refusal.WAC
        if self.has_code("FileOpenUserUnauthorized"):
            return Refusal.OPEN
        if self.has_code("EditModeAccessDenied"):
            return Refusal.EDIT
        if self.has_code("OpenWorkbookAccessDenied"):
            return Refusal.PROTECTED
        if self.status == 401:
            return Refusal.TOKEN
        if self.status == 403:
            return Refusal.DENIED
        return None

    @property
    def session_refused(self) -> bool:
        """A refused createSession the bot can work around: all but a refused token.

        Read by its shape alone: createSession carries no session for a session
        code to end, so one there is taken by its status, as ever.
        """
        return self._shape() not in (None, Refusal.TOKEN)

    @property
    def ambiguous(self) -> bool:
        """Whether the request may have been carried out although it failed.

        A 504 (or a 502 from a gateway) can come after the workbook applied the
        change; a 429, 503 or a refused session means it was not applied.
        """
        return self.status in (502, 504) or self.has_code(
            "gatewayTimeoutUncategorized", "networkError"
        )


def graph_error(
    status: int, headers: Any, body: bytes | str | dict[str, Any] | None, what: str = ""
) -> GraphError:
    """A ``GraphError`` from a response's parts (a whole response or one of a $batch)."""
    return GraphError(status, error_codes(body), retry_after_of(headers), what)


def retry_after_of(headers: Any) -> float | None:
    """The seconds an answer's ``Retry-After`` asks for, if it says any."""
    return parse_retry_after(_header(headers, "Retry-After"))


def error_codes(body: bytes | str | dict[str, Any] | None) -> tuple[str, ...]:
    """The ``code`` of the error and of each nested ``innerError``, outermost first."""
    document: Any = body
    if isinstance(body, bytes | str):
        try:
            document = json.loads(body or b"null")
        except ValueError:
            return ()
    codes: list[str] = []
    wac = False
    node = document.get("error") if isinstance(document, dict) else None
    while isinstance(node, dict) and len(codes) < 8:
        code = node.get("code")
        if isinstance(code, str) and code:
            codes.append(code)
        message = node.get("message")
        wac = wac or (isinstance(message, str) and _WAC_PHRASE in message.casefold())
        node = node.get("innerError") or node.get("innererror")
    if wac:
        codes.append(WAC_TOKEN_CODE)
    return tuple(codes)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date.

    HTTP dates are GMT (RFC 9110, 5.6.7); one that names no zone ("-0000", as
    ``email.utils`` reads it) is taken as GMT too, not left to fail the retry.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    if hasattr(headers, "get"):
        found = headers.get(name)
        if found is None:
            found = next((v for k, v in dict(headers).items() if k.lower() == name.lower()), None)
        if isinstance(found, list):
            found = found[0] if found else None
        return found
    return None


# -- what the agent is told ------------------------------------------------------


class GraphUnavailable(LedgerUnavailable):
    """Nothing was saved, and the reason is known (logged with codes only)."""


class WriteUnconfirmed(LedgerUnavailable):
    """A write was sent but its answer never came in time: it may or may not have taken.

    The agent must not be told "nothing was saved" then: a second registration
    would make a duplicate. The Ärende-ID is named so they can look it up.
    """

    def __init__(self, case_id: str, detail: str = "") -> None:
        DomainError.__init__(
            self,
            f"Arbetsboken svarade inte i tid, så det är oklart om ändringen sparades ({case_id}). "
            "Titta i kön innan du försöker igen.",
            f"The workbook did not answer in time, so it is unclear whether the change was saved "
            f"({case_id}). Check the queue before you try again.",
        )
        self.detail = detail
        self.case_id = case_id


class AccessDenied(LedgerUnavailable):
    """Graph refused the bot's identity: a set-up problem for the admin, not the agent."""

    def __init__(self, detail: str = "") -> None:
        DomainError.__init__(
            self,
            "Boten har inte behörighet till arbetsboken Stora ärenden. Inget sparades. "
            "Säg till den som administrerar boten.",
            "The bot has no access to the Stora ärenden workbook. Nothing was saved. "
            "Tell whoever administers the bot.",
        )
        self.detail = detail


class WriteNotVerified(DomainError):
    """The workbook's answer to a write shows other values than the bot wrote."""

    def __init__(self, case_id: str, header: str) -> None:
        super().__init__(
            f"{case_id}: kolumnen {header} i Stora ärenden visar inte det boten skrev. "
            "Kontrollera raden i Excel.",
            f"{case_id}: the column {header} in Stora ärenden does not show what the bot wrote. "
            "Check the row in Excel.",
        )
        self.case_id = case_id
        self.header = header


class WipeNotVerified(WriteNotVerified):
    """After a close, a customer cell still holds data (the routine's wipe did not take)."""

    def __init__(self, case_id: str, header: str) -> None:
        DomainError.__init__(
            self,
            f"{case_id} är markerat Hanterad men kunduppgifterna i kolumnen {header} finns kvar. "
            "Radera dem för hand och meddela ansvarig.",
            f"{case_id} is marked Hanterad but the customer data in the column {header} is still "
            "there. Delete it by hand and tell the person in charge.",
        )
        self.case_id = case_id
        self.header = header


def agent_error(call: str, in_doubt: str, failed: Exception) -> Exception:
    """What the agent is told when a Ledger call gives up (the cause logged, codes only).

    ``in_doubt``: the Ärende-ID of a write sent whose answer never came. It stays
    in doubt whatever ends the call later: a check read refused with a 503 does
    not make the write any less possibly done.
    """
    what = failed.summary() if isinstance(failed, GraphError) else str(failed)
    if in_doubt:
        log.warning("graph write unconfirmed", extra={"case_id": in_doubt, "error": what})
        return WriteUnconfirmed(in_doubt, what)
    if isinstance(failed, GraphError) and failed.refusal is not None:
        log.error(
            "graph refused the bot (run: python -m bot check --write)",
            extra={"error": what, "refusal": failed.refusal.value},
        )
        return AccessDenied(what)
    if (
        isinstance(failed, GraphError)
        and failed.retry is Retry.NEVER
        and failed.not_found
        and failed.what in TABLE_REQUESTS
    ):
        return WorkbookLayoutError(
            f"tabellen {TABLE_NAME} finns inte.", f"there is no table named {TABLE_NAME}."
        )
    log.warning("graph %s gave up", call, extra={"error": what})
    return GraphUnavailable(what)

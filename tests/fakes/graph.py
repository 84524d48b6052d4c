"""A fake Microsoft Graph on loopback: the workbook endpoints the bot uses, and faults.

Shaped on the request and response examples of Microsoft's Graph docs: status
codes, OData error bodies with a second-level ``innerError`` code, the
``Retry-After`` and ``workbook-session-id`` headers, JSON batching with
``dependsOn`` (and 424 for a request whose dependency failed). The real
msgraph-sdk talks to it over HTTP; it checks the bearer token, counts
requests per endpoint, and injects faults on request::

    fake.inject("range.patch", status=429, retry_after="1")
    fake.inject(None, status=503, times=50)           # a storm on everything
    fake.inject("rows.add", status=504, process=True) # done, but the answer is lost
    fake.inject("range.get", delay=0.3)               # a slow answer
    fake.inject("range.patch", delay=2, process=True) # done at once, answered too late
    fake.inject("rows.add", status=504, lands=2)      # answered 504, done two requests later
    fake.before("range.patch", lambda wb: wb.person_types(...))  # someone in Excel
    fake.before("range.patch", lambda wb: gate.wait())  # held until the test lets it on
    fake.person_edit(lambda wb: wb.person_types(...), visible_after=5)  # ... seen late
    fake.expire_sessions()                            # every live session: 404, gone
    fake.end_session(code="invalidSessionNotFound")   # dead for good (graph_sessions.py)

It also answers ``GET /users/{id}`` for the directory's signature attribute:
``fake.add_user(id, employeeId="xanna")``, and ``fake.user_selects`` records
each request's ``$select``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aiohttp import web

from cases.columns import TABLE_NAME

from .graph_mail import Mailboxes
from .graph_refusals import SHAPES, refusal_body
from .graph_sessions import Sessions
from .graph_workbook import Workbook, box_of

TOKEN = "fake-graph-token"
SESSION_HEADER = "workbook-session-id"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_INFO = "microsoft.graph.workbookSessionInfo"

DRIVE_ID = "b!fakeDriveId-StoraArenden"
ITEM_ID = "01FAKEITEMIDSTORAARENDEN"
GROUP_ID = "0a1b2c3d-0000-4000-8000-00000000b0ff"
FOLDER = "Backoffice"
FILE_NAME = "Stora ärenden.xlsx"
# The file's driveItem.webUrl: "URL that displays the resource in the browser"
# (learn.microsoft.com/graph/api/resources/driveitem). For an Office file in a
# SharePoint library it is the Doc.aspx address that opens Excel for the web;
# its "&" and "%7B" make sure the bot passes it on untouched.
WEB_URL = (
    "https://contoso.sharepoint.com/sites/Backoffice/_layouts/15/Doc.aspx"
    "?sourcedoc=%7B0A1B2C3D-0000-4000-8000-00000000B0FF%7D&file=Stora%20%C3%A4renden.xlsx"
    "&action=default&mobileredirect=true"
)

_WORKBOOK = re.compile(r"^/drives/(?P<drive>[^/]+)/items/(?P<item>[^/]+)/workbook(?P<rest>/.*)$")
_TABLE = re.compile(r"^/tables/(?P<table>[^/(]+)(?P<rest>/.*)?$")
_SHEET = re.compile(r"^/worksheets/(?P<sheet>[^/(]+)(?P<rest>/.*)?$")
_RANGE = re.compile(r"^/range\(address='(?P<address>[^']*)'\)$")
_PATH_ITEM = re.compile(r"^/drives/(?P<drive>[^/]+)/(items/)?root:/(?P<path>.+):$")
_ITEM = re.compile(r"^/drives/(?P<drive>[^/]+)/items/(?P<item>[^/:]+)$")
_USER = re.compile(r"^/users/(?P<user>[^/]+)$")
_ROW_AT = re.compile(r"^/rows/itemAt\(index=(?P<index>\d+)\)$")
_ROW_BY_INDEX = re.compile(r"^/rows/\d+$")

# The error resource: "code", "message" and an "innerError" with the request ids
# (learn.microsoft.com/graph/errors); the workbook API puts its own second-level
# code in innerError.code, the one the bot decides by
# (learn.microsoft.com/graph/workbook-error-handling, workbook-error-codes).
# Top-level codes per status as those pages list them.
_MESSAGES = {
    400: ("invalidRequest", "The request is malformed or incorrect."),
    401: ("InvalidAuthenticationToken", "Access token is empty."),
    403: ("accessDenied", "The caller doesn't have permission to perform the action."),
    404: ("itemNotFound", "The resource could not be found."),
    409: ("conflict", "The current state conflicts with what the request expects."),
    424: ("FailedDependency", "The request failed because it depends on a request that failed."),
    429: ("tooManyRequests", "The app or user has been throttled."),
    502: ("badGateway", "The server encountered a temporary error."),
    503: ("serviceUnavailable", "The service is not available. Please try your request again."),
    504: (
        "gatewayTimeout",
        "The server did not receive a timely response from the upstream server.",
    ),
}
# Second-level codes the workbook-error-codes page pairs with each status.
_INNER = {
    409: "accessConflict",
    429: "tooManyRequestsUncategorized",
    502: "transientFailure",
    503: "serviceUnavailableUncategorized",
    504: "gatewayTimeoutUncategorized",
}


def error_body(status: int, code: str = "", inner: str = "", message: str = "") -> dict[str, Any]:
    top, text = _MESSAGES.get(status, ("generalException", "An error occurred."))
    inner_code = inner or _INNER.get(status, "")
    error: dict[str, Any] = {"code": code or top, "message": message or text}
    details = {
        "date": "2026-11-23T08:00:00",
        "request-id": str(uuid.uuid4()),
        "client-request-id": str(uuid.uuid4()),
    }
    error["innerError"] = (
        {"code": inner_code, "message": text, **details} if inner_code else details
    )
    return {"error": error}


@dataclass
class Fault:
    kinds: frozenset[str] | None  # endpoint kinds hit (see FakeGraph.kind_of); None: every one
    status: int = 0  # 0: answer normally (after ``delay``)
    code: str = ""
    inner: str = ""
    retry_after: str | None = None
    delay: float = 0.0
    # Carry the request out first, then answer with the fault; without a status,
    # answer normally but only after ``delay``: a write done whose answer comes
    # too late. Graph's docs are silent on when a request whose caller gave up
    # is carried out (learn.microsoft.com/graph/errors, 504 gatewayTimeout says
    # only that an upstream answer was late): the stricter choice, it is.
    process: bool = False
    # Carried out only later: just before the ``lands``-th HTTP request that
    # reaches the fake after this one (or at ``land_late()``). Its caller is
    # answered first: with ``status``, else with a 504 after ``delay``.
    # Microsoft says a rows/add "might occasionally receive a 504" and is to be
    # repeated (learn.microsoft.com/graph/api/table-post-rows), and that requests
    # to a workbook are queued on its servers, where after a failure "there is
    # no way to confirm the status of other pending requests"
    # (learn.microsoft.com/graph/workbook-best-practice). No page says when a
    # request whose 504 was sent is carried out, or whether it ever is: the
    # stricter choice, at any later moment the test picks.
    lands: int = 0
    times: int = 1


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] | None = None


class FakeGraph:
    def __init__(self, workbook: Workbook | None = None) -> None:
        self.workbook = workbook or Workbook()
        self.counts: Counter[str] = Counter()  # every request, a batch's inner ones included
        self.http: Counter[str] = Counter()  # HTTP requests as sent ($batch as one)
        # Each HTTP request as sent: its kind, or a batch's parts' kinds in order
        # (tests/graph/test_request_budget.py counts a click's round trips by it).
        self.trips: list[tuple[str, ...]] = []
        self.log: list[tuple[str, str, int]] = []  # (kind, session-or-"", status)
        self.session_book = Sessions()  # see graph_sessions.py
        self.sessions = self.session_book.valid  # id -> still valid
        self.sessionless_requests = 0
        self._faults: list[Fault] = []
        self.faults_served = 0  # requests answered with an injected status or delay
        self._hooks: list[tuple[frozenset[str] | None, Callable[[Workbook], Any], list[int]]] = []
        self.token = TOKEN
        self.denied: set[str] = set()  # endpoint kinds answered 403 (a missing permission)
        self.refusals: dict[str | None, str] = {}  # kind (None: all /workbook/) -> shape
        self.latency = 0.0  # added to every HTTP request (the benchmark's 100 ms)
        self.in_flight = 0
        self.max_in_flight = 0  # Microsoft asks for one request at a time per workbook
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self.users: dict[str, dict[str, Any]] = {}  # id -> the user's properties
        self.mail = Mailboxes()  # drafts in mailboxes (graph_mail.py): ``mail.allow(address)``
        self._late: list[list[Any]] = []  # [requests left, the request's work] (Fault.lands)
        self.user_selects: list[str | None] = []  # each GET /users/{id}'s $select, as sent
        # Edits made in Excel for the web that Graph does not see yet: (when, edit),
        # on ``clock`` (the same one sessions expire by; a test shares its own).
        self._late_edits: list[tuple[float, Callable[[Workbook], None]]] = []

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._http_request)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1.0"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # -- what a test asks of it ----------------------------------------------------

    def inject(self, kinds: str | set[str] | None, **fault: Any) -> Fault:
        wanted = None if kinds is None else frozenset({kinds} if isinstance(kinds, str) else kinds)
        added = Fault(wanted, **fault)
        self._faults.append(added)
        return added

    def before(
        self, kinds: str | set[str] | None, action: Callable[[Workbook], Any], times: int = 1
    ) -> None:
        """Run ``action`` on the workbook just before the next matching request is handled.

        An ``action`` that returns an awaitable holds the request until it is
        done; other requests, another instance's, are served meanwhile. Graph
        documents no lock one client's session holds against another's
        requests: it asks each client to send one request at a time
        (learn.microsoft.com/graph/workbook-best-practice), and a batch's
        requests are each carried out on their own
        (learn.microsoft.com/graph/json-batching). Silent on the rest: the
        stricter choice, another client's requests come in between.
        """
        wanted = None if kinds is None else frozenset({kinds} if isinstance(kinds, str) else kinds)
        self._hooks.append((wanted, action, [times]))

    def refuse(self, kinds: str | set[str] | None, shape: str) -> None:
        """Refuse the identity ``kinds`` (None: every /workbook/ request) in ``shape``.

        Models a permission level: "open" on None is an identity the Excel
        service will not open the file for, while the file itself is found.
        Shapes and their sources: tests/fakes/graph_refusals.py.
        """
        if shape not in SHAPES:
            raise ValueError(f"unknown refusal shape {shape!r}: one of {sorted(SHAPES)}")
        for kind in [kinds] if kinds is None or isinstance(kinds, str) else kinds:
            self.refusals[kind] = shape

    def person_edit(self, action: Callable[[Workbook], None], *, visible_after: float) -> None:
        """Someone edits the workbook in Excel for the web now; Graph sees it ``visible_after``
        seconds of ``clock`` later: applied just before the first request handled from then on.

        Why late: an edit made in the browser reaches Graph's workbook API "usually
        around 5s" later, though Excel already shows it saved
        (github.com/microsoftgraph/msgraph-cli/issues/215; for the file's metadata:
        github.com/microsoftgraph/msgraph-sdk-dotnet/issues/1892). How such an edit
        merges with a Graph write made meanwhile to the same cells is documented
        nowhere: the stricter choice, it lands after the write and overwrites it,
        so the person's version is what the row ends up holding.
        """
        self._late_edits.append((self.clock() + visible_after, action))

    def _land_late_edits(self) -> None:
        now = self.clock()
        due = [edit for edit in self._late_edits if edit[0] <= now]
        self._late_edits = [edit for edit in self._late_edits if edit[0] > now]
        for _, action in sorted(due, key=lambda edit: edit[0]):
            action(self.workbook)

    def add_user(self, user_id: str, **properties: Any) -> None:
        self.users[user_id] = {"id": user_id, **properties}

    def expire_sessions(self) -> None:
        self.session_book.end_all()

    def end_session(
        self, session: str | None = None, code: str = "invalidSessionReCreatable", **how: Any
    ) -> list[str]:
        """Graph ends ``session`` (``None``: every live one) with ``code``, for good."""
        if session is None:
            return self.session_book.end_all(code, **how)
        self.session_book.end(session, code, **how)
        return [session]

    @property
    def clock(self) -> Callable[[], float]:
        """The fake's seconds: sessions expire and late edits land by it (a test's, if set)."""
        return self.session_book.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self.session_book.clock = clock

    async def land_late(self) -> None:
        """Carry out now every request held back by ``Fault.lands``."""
        late, self._late = self._late, []
        for _, work in late:
            await work()

    async def _land_due(self) -> None:
        for entry in self._late:
            entry[0] -= 1
        due = [entry for entry in self._late if entry[0] <= 0]
        self._late = [entry for entry in self._late if entry[0] > 0]
        for _, work in due:
            await work()

    def clear_faults(self) -> None:
        self._faults.clear()
        self._hooks.clear()

    def reset_counts(self) -> None:
        self.counts.clear()
        self.http.clear()
        self.trips.clear()

    @staticmethod
    def tally(trips: list[tuple[str, ...]]) -> Counter[str]:
        """HTTP requests as reads (nothing but reads, a batch of them too) and writes
        (one holding a write), and the parts of each; "other": any else, a session's."""
        cost: Counter[str] = Counter()
        for trip in trips:
            if set(trip) <= READ_KINDS:
                cost["reads"] += 1
            elif set(trip) & WRITE_KINDS and set(trip) <= READ_KINDS | WRITE_KINDS:
                cost["writes"] += 1
            else:
                cost["other"] += 1
            cost["read parts"] += sum(kind in READ_KINDS for kind in trip)
            cost["write parts"] += sum(kind in WRITE_KINDS for kind in trip)
        return +cost  # zeros left out

    @property
    def writes(self) -> int:
        return sum(n for k, n in self.counts.items() if k in WRITE_KINDS)

    @property
    def reads(self) -> int:
        return sum(n for k, n in self.counts.items() if k in READ_KINDS)

    # -- HTTP ----------------------------------------------------------------------

    async def _http_request(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._http_answer(request)
        finally:
            self.in_flight -= 1

    async def _http_answer(self, request: web.Request) -> web.Response:
        await self._land_due()
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.rel_url.path
        if not path.startswith("/v1.0/"):
            return _json(Reply(404, error_body(404)))
        raw = await request.read()
        body = json.loads(raw) if raw else None
        # No or a wrong bearer token: 401 InvalidAuthenticationToken
        # (learn.microsoft.com/graph/resolve-auth-errors), checked before anything else.
        auth = request.headers.get("Authorization", "")
        if auth != f"Bearer {self.token}":
            return _json(Reply(401, error_body(401)))
        relative = path[len("/v1.0") :]
        query = {k: v[0] for k, v in parse_qs(request.rel_url.query_string).items()}
        if relative == "/$batch" and request.method == "POST":
            self.http["$batch"] += 1
            parts = (body or {}).get("requests") or []
            self.trips.append(
                tuple(
                    self.kind_of(str(p.get("method")), unquote(urlsplit(str(p.get("url"))).path))
                    for p in parts
                    if isinstance(p, dict)
                )
            )
            reply = await self._faulted(
                "$batch",
                request.headers,
                lambda late=False: self._batch(body, request.headers, late),
            )
        else:
            kind = self.kind_of(request.method, relative)
            self.http[kind] += 1
            self.trips.append((kind,))
            reply = await self._one(request.method, relative, query, dict(request.headers), body)
        return _json(reply)

    async def _batch(self, body: Any, headers: Any, admitted: bool = False) -> Reply:
        """``POST /$batch`` as learn.microsoft.com/graph/json-batching describes it.

        At most 20 requests; each needs ``id``, ``method`` and ``url``; one with
        a ``body`` must carry a ``Content-Type`` header; ``dependsOn`` makes a
        request wait for another, and one whose dependency failed is answered
        424 Failed Dependency. The page is silent on unknown properties: the
        stricter choice, ``depends_on`` (msgraph-core's spelling,
        msgraph-sdk-python-core #996) is refused rather than ignored. Requests
        run one after another, in the order given: Microsoft asks for requests
        to one workbook to go one at a time (workbook-best-practice).
        """
        requests = (body or {}).get("requests") or []
        if len(requests) > 20:
            return Reply(400, error_body(400, message="Too many requests in a batch (20 at most)."))
        failed: set[str] = set()
        responses = []
        for item in requests:
            for key in ("id", "method", "url"):
                if key not in item:
                    return Reply(400, error_body(400, message=f"Batch request without {key}."))
            if "depends_on" in item:
                return Reply(400, error_body(400, message="Unknown property depends_on."))
            if _repeats_a_header(item.get("headers") or {}):
                return Reply(400, error_body(400, message="A header is repeated in a request."))
            if "body" in item and "content-type" not in {
                k.lower() for k in (item.get("headers") or {})
            }:
                return Reply(400, error_body(400, message="Content-Type header missing."))
            if set(item.get("dependsOn") or ()) & failed:
                reply = Reply(424, error_body(424))
            else:
                url = urlsplit(item["url"])
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                reply = await self._one(
                    item["method"],
                    unquote(url.path),
                    query,
                    item.get("headers") or {},
                    item.get("body"),
                    admitted,
                )
            if reply.status >= 400:
                failed.add(str(item["id"]))
            responses.append(
                {
                    "id": item["id"],
                    "status": reply.status,
                    "headers": {"Content-Type": "application/json", **(reply.headers or {})},
                    "body": reply.body,
                }
            )
        return Reply(200, {"responses": responses})

    async def _one(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        admitted: bool = False,
    ) -> Reply:
        kind = self.kind_of(method, path)
        self.counts[kind] += 1
        session = next((v for k, v in headers.items() if k.lower() == SESSION_HEADER), "")
        self._land_late_edits()
        for wanted, action, left in self._hooks:
            if left[0] > 0 and (wanted is None or kind in wanted):
                left[0] -= 1
                held = action(self.workbook)
                if inspect.isawaitable(held):
                    await held
        reply = await self._faulted(
            kind,
            headers,
            lambda late=False: self._handle(
                kind, method, path, query, session, body, admitted or late
            ),
        )
        self.log.append((kind, session, reply.status))
        return reply

    async def _faulted(self, kind: str, headers: Any, handle: Callable[[], Any]) -> Reply:
        fault = next(
            (f for f in self._faults if f.times > 0 and (f.kinds is None or kind in f.kinds)), None
        )
        if fault is None:
            return await handle()
        fault.times -= 1
        if fault.status or fault.delay:
            self.faults_served += 1
        if fault.lands:
            # Its session was live when Graph took the request in: Microsoft
            # queues the requests a workbook receives (workbook-best-practice), so
            # the session's later end does not undo one already taken.
            self._late.append([fault.lands, lambda: handle(True)])
            await asyncio.sleep(fault.delay)
            status = fault.status or 504
            return Reply(status, error_body(status, fault.code, fault.inner))
        if fault.process and not fault.status:
            reply = await handle()
            await asyncio.sleep(fault.delay)
            return reply
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if not fault.status:
            return await handle()
        if fault.process:
            await handle()
        extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
        return Reply(fault.status, error_body(fault.status, fault.code, fault.inner), extra)

    # -- the endpoints ---------------------------------------------------------------

    @staticmethod
    def kind_of(method: str, path: str) -> str:
        if mail := Mailboxes.kind_of(method, path):
            return mail
        if path.startswith("/groups/") and path.endswith("/drive"):
            return "group.drive"
        if _PATH_ITEM.match(path):
            return "item.byPath"
        if method == "GET" and _ITEM.match(path):
            return "item.get"
        if method == "GET" and _USER.match(path):
            return "user.get"
        match = _WORKBOOK.match(path)
        if not match:
            return f"{method} {path}"
        rest = match["rest"].replace("()", "")
        if rest in ("/createSession", "/closeSession", "/refreshSession"):
            return rest[1:]
        if table := _TABLE.match(rest):
            tail = table["rest"] or ""
            if method == "DELETE" and _ROW_AT.match(tail):
                return "rows.delete"
            if method == "DELETE" and _ROW_BY_INDEX.match(tail):
                return "rows.deleteByIndex"
            return {
                "": "table",
                "/range": "table.range",
                "/headerRowRange": "table.headerRowRange",
                "/dataBodyRange/lastRow": "table.lastRow",
                "/rows/add": "rows.add",
                "/columns/add": "columns.add",
            }.get(tail, f"table{tail}")
        if rest == "/worksheets/add":
            return "worksheets.add"
        if sheet := _SHEET.match(rest):
            tail = sheet["rest"] or ""
            if _RANGE.match(tail):
                return "range.get" if method == "GET" else "range.patch"
            if not tail and method in ("GET", "PATCH"):
                return f"worksheet.{method.lower()}"
            return f"worksheet{tail}"
        return f"workbook{rest}"

    async def _handle(
        self,
        kind: str,
        method: str,
        path: str,
        query: dict[str, str],
        session: str,
        body: Any,
        admitted: bool = False,  # its session was checked when it came in (Fault.lands)
    ) -> Reply:
        if kind == "user.get":
            return self._user(path, query)
        if kind.startswith("messages."):
            return Reply(*self.mail.handle(kind, path, body))
        if kind in self.denied:
            return Reply(403, error_body(403))
        if shape := self.refusals.get(kind) or (
            self.refusals.get(None) if _WORKBOOK.match(path) else None
        ):
            return Reply(*refusal_body(shape))
        if kind == "group.drive":
            # GET /groups/{id}/drive: the team's document library
            # (learn.microsoft.com/graph/api/drive-get).
            if GROUP_ID not in path:
                return Reply(404, error_body(404))
            return Reply(
                200,
                {
                    "id": DRIVE_ID,
                    "driveType": "documentLibrary",
                    "name": "Documents",
                    "webUrl": "https://contoso.sharepoint.com/sites/Backoffice/Shared%20Documents",
                },
            )
        if kind == "item.byPath":
            # GET /drives/{id}/root:/{path}: a driveItem, 404 itemNotFound when no
            # such file (learn.microsoft.com/graph/api/driveitem-get).
            match = _PATH_ITEM.match(path)
            assert match is not None
            if match["drive"] != DRIVE_ID or match["path"] != f"{FOLDER}/{FILE_NAME}":
                return Reply(404, error_body(404))
            return Reply(
                200,
                _drive_item(),
            )
        if kind == "item.get":
            # GET /drives/{drive-id}/items/{item-id}: the same driveItem by id, 404
            # itemNotFound for any other (learn.microsoft.com/graph/api/driveitem-get).
            item = _ITEM.match(path)
            assert item is not None
            if item["drive"] != DRIVE_ID or item["item"] != ITEM_ID:
                return Reply(404, error_body(404))
            return Reply(200, _drive_item())
        match = _WORKBOOK.match(path)
        if not match or match["drive"] != DRIVE_ID or match["item"] != ITEM_ID:
            return Reply(404, error_body(404))
        if kind == "createSession":
            # learn.microsoft.com/graph/api/workbook-createsession: a body with
            # persistChanges, answered 201 Created with a workbookSessionInfo. The
            # page does not say what a body without it gets: the stricter choice, 400.
            if method != "POST" or not isinstance(body, dict) or "persistChanges" not in body:
                return Reply(400, error_body(400, inner="invalidArgument"))
            new = self.session_book.open(bool(body["persistChanges"]))
            return Reply(
                201,
                {
                    "@odata.context": f"{self.base_url}/$metadata#{SESSION_INFO}",
                    "id": new,
                    "persistChanges": bool(body["persistChanges"]),
                },
            )
        # The workbook-session-id header names the session; without it a request
        # is sessionless, which works, only slower (excel-manage-sessions).
        if not session:
            self.sessionless_requests += 1
        elif not admitted:
            ended = self.session_book.use(session)
            if ended is not None:
                return Reply(ended.status, error_body(ended.status, inner=ended.code,
                                                      message=ended.message))  # fmt: skip
        if kind in ("closeSession", "refreshSession"):
            # learn.microsoft.com/graph/api/workbook-refreshsession (and -closesession):
            # the workbook-session-id header is required; what Graph answers without
            # one is not documented: the stricter choice, 400.
            if not session:
                return Reply(400, error_body(400, inner="invalidArgument"))
            if kind == "closeSession":
                self.session_book.end(session)
            return Reply(204)
        select = query.get("$select", "").split(",") if query.get("$select") else None
        wb = self.workbook
        if kind.startswith(("table", "rows.")) or kind == "columns.add":
            table = _TABLE.match(match["rest"].replace("()", ""))
            if (
                wb.table is None
                or table is None
                or unquote(table["table"]).casefold() != TABLE_NAME.casefold()
            ):
                # No such table: 404 itemNotFound (workbook-error-codes: "The
                # requested resource doesn't exist"). Table names are matched
                # case-insensitively, as Excel's own names are.
                return Reply(404, error_body(404, inner="itemNotFound"))
        if kind == "table":
            # learn.microsoft.com/graph/api/table-get: the workbookTable resource.
            return Reply(
                200,
                {
                    "id": wb.t.id,
                    "name": wb.t.name,
                    "showHeaders": True,
                    "showTotals": False,
                    "style": "TableStyleMedium2",
                },
            )
        # table-range, table-headerrowrange, range-lastrow (on dataBodyRange): each a
        # workbookRange; $select trims it to the properties named
        # (learn.microsoft.com/graph/query-parameters).
        if kind in ("table.range", "table.headerRowRange", "table.lastRow"):
            return Reply(200, wb.range_json(wb.t.sheet, wb.table_box(kind.split(".")[1]), select))
        if kind == "rows.add":
            # learn.microsoft.com/graph/api/tablerowcollection-add: "values", a 2-D array,
            # one inner array per row; "index" null adds at the end. However many rows,
            # the answer is one workbookTableRow: the top new row, with its values only
            # (learn.microsoft.com/graph/api/table-post-rows adds two rows and answers
            # "values": [[1, 2, 3]]; Office.js TableRowCollection.add: "the return object
            # will be the top of the newly added row(s)").
            values = (body or {}).get("values")
            if (body or {}).get("index") is not None:
                # Not modelled: inserting mid-table. The bot never asks for it.
                return Reply(400, error_body(400, inner="invalidArgument"))
            if not isinstance(values, list):
                return Reply(400, error_body(400, inner="invalidArgument"))
            try:
                index = wb.add_rows(values)
            except ValueError:
                return Reply(400, error_body(400, inner="invalidArgument"))
            row = wb.t.header_row + 1 + index
            values_now = wb.range_json(
                wb.t.sheet, (wb.t.first_col, row, wb.t.last_col, row), ["values"]
            )["values"]
            return Reply(
                200,
                {
                    "@odata.type": "#microsoft.graph.workbookTableRow",
                    "index": index,
                    "values": values_now,
                },
            )
        if kind == "rows.deleteByIndex":
            # learn.microsoft.com/graph/api/tablerow-delete gives DELETE .../rows/{index};
            # Graph answers it ApiNotFound (microsoftgraph/microsoft-graph-docs#12985,
            # microsoft-graph-docs-contrib#460). The status is not reported: 400 here.
            return Reply(400, error_body(400, code="ApiNotFound", inner="apiNotFound"))
        if kind == "rows.delete":
            # DELETE .../rows/itemAt(index=n), what works (the issues above): the table
            # row at 0-based n goes, the rows below move up; "200 OK ... It does not
            # return anything in the response body" (tablerow-delete).
            at = _ROW_AT.match(_TABLE.match(match["rest"])["rest"])  # type: ignore[index]
            row = wb.t.header_row + 1 + int(at["index"])  # type: ignore[index]
            if row > wb.t.last_row:
                return Reply(404, error_body(404, inner="itemNotFound"))
            wb.delete_row(row)
            return Reply(200)
        if kind == "columns.add":
            # learn.microsoft.com/graph/api/tablecolumncollection-add: the table grows
            # by a column, answered with the new workbookTableColumn.
            offset = wb.add_column(str((body or {}).get("name") or f"Column{wb.t.last_col + 1}"))
            return Reply(
                200,
                {
                    "@odata.type": "#microsoft.graph.workbookTableColumn",
                    "id": str(offset + 1),
                    "index": offset,
                    "name": wb.headers()[offset],
                    "values": [],
                },
            )
        if kind == "worksheets.add":
            # learn.microsoft.com/graph/api/worksheetcollection-add answers the new
            # workbookWorksheet. A name already taken: 409 itemAlreadyExists
            # (workbook-error-codes: "The resource being created already exists").
            name = str((body or {}).get("name") or f"Sheet{len(wb.sheets) + 1}")
            if wb.sheet(name):
                return Reply(
                    409, error_body(409, code="itemAlreadyExists", inner="itemAlreadyExists")
                )
            sheet = wb.add_sheet(name)
            return Reply(
                200,
                {
                    "id": sheet.id,
                    "name": sheet.name,
                    "position": len(wb.sheets) - 1,
                    "visibility": sheet.visibility,
                },
            )
        sheet_match = _SHEET.match(match["rest"])
        sheet = wb.sheet(unquote(sheet_match["sheet"])) if sheet_match else None
        if sheet is None:
            return Reply(404, error_body(404, inner="itemNotFound"))
        if kind == "worksheet.get":
            # learn.microsoft.com/graph/api/worksheet-get: the workbookWorksheet, whose
            # properties are id, name, position and visibility (.../resources/workbookworksheet);
            # the page says it "supports the OData Query Parameters": $select trims it
            # (learn.microsoft.com/graph/query-parameters). Silent on a $select naming
            # no property of it: the stricter choice, 400.
            full = {
                "@odata.type": "#microsoft.graph.workbookWorksheet",
                "id": sheet.id,
                "name": sheet.name,
                "position": list(wb.sheets).index(sheet.name),
                "visibility": sheet.visibility,
            }
            wanted = {n.strip() for n in query.get("$select", "").split(",") if n.strip()}
            if not wanted <= set(full):
                return Reply(400, error_body(400, inner="invalidArgument"))
            shown = {k: v for k, v in full.items() if not wanted or k in wanted or k[0] == "@"}
            return Reply(200, shown)
        if kind == "worksheet.patch":
            # learn.microsoft.com/graph/api/worksheet-update: visibility is one of
            # Visible, Hidden, VeryHidden.
            if "visibility" in (body or {}):
                sheet.visibility = body["visibility"]
            return Reply(200, {"id": sheet.id, "name": sheet.name, "visibility": sheet.visibility})
        range_match = _RANGE.match(sheet_match["rest"] or "")  # type: ignore[index]
        if range_match is None:
            return Reply(400, error_body(400, inner="invalidArgument"))
        box = box_of(range_match["address"])
        if kind == "range.patch":
            # learn.microsoft.com/graph/api/range-update: answered 200 with the
            # updated workbookRange, the bot's read-back. The page lists more
            # writable properties than these three; the bot sends only values:
            # the stricter choice, anything else is refused. A null in the 2-D
            # array leaves its cell as it is, "" clears it
            # (learn.microsoft.com/office/dev/add-ins/excel/excel-add-ins-blank-null-values).
            if set(body or {}) - {"values", "numberFormat", "formulas"}:
                return Reply(400, error_body(400, inner="invalidArgument"))
            try:
                wb.write(sheet, box, (body or {}).get("values") or [])
            except ValueError:
                return Reply(400, error_body(400, inner="invalidArgument"))
            return Reply(200, wb.range_json(sheet, box, None))
        # learn.microsoft.com/graph/api/range-get (worksheet: range(address=...)).
        return Reply(200, wb.range_json(sheet, box, select))

    def _user(self, path: str, query: dict[str, str]) -> Reply:
        """``GET /users/{id}`` as https://learn.microsoft.com/en-us/graph/api/user-get shows it."""
        select = query.get("$select")
        self.user_selects.append(select)
        if "user.get" in self.denied:
            # The directory's own code for an app without User.Read.All.
            return Reply(403, error_body(403, code="Authorization_RequestDenied",
                                         message="Insufficient privileges to complete the operation."))  # fmt: skip
        match = _USER.match(path)
        assert match is not None
        user_id = unquote(match["user"])
        user = self.users.get(user_id)
        if user is None:
            return Reply(404, error_body(404, code="Request_ResourceNotFound", message=(
                f"Resource '{user_id}' does not exist or one of its queried "
                "reference-property objects are not present.")))  # fmt: skip
        names = [n.strip() for n in select.split(",")] if select else list(USER_DEFAULTS)
        for name in names:
            # The doc is silent on a path in $select: stricter, refuse it, so the
            # bot must select the parent of a nested attribute.
            if "/" in name or not (name in USER_PROPERTIES or _EXTENSION.fullmatch(name)):
                return Reply(400, error_body(400, code="Request_BadRequest", message=(
                    f"Could not find a property named '{name}' on type 'microsoft.graph.user'.")))  # fmt: skip
        entity = "users/$entity" if not select else f"users({','.join(names)})/$entity"
        body: dict[str, Any] = {"@odata.context": f"{self.base_url}/$metadata#{entity}"}
        for name in names:
            if name in user:
                body[name] = user[name]
            elif not _EXTENSION.fullmatch(name):
                # A selected property without a value comes back as null. The doc is
                # silent on an extension without one: stricter, leave it out.
                body[name] = None
        return Reply(200, body)


# What GET /users/{id} returns without $select (the doc's "default properties").
USER_DEFAULTS = (
    "businessPhones",
    "displayName",
    "givenName",
    "id",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
)
USER_PROPERTIES = frozenset({
    *USER_DEFAULTS, "accountEnabled", "department", "employeeId", "employeeType",
    "onPremisesExtensionAttributes", "onPremisesSamAccountName", "onPremisesUserPrincipalName",
})  # fmt: skip
_EXTENSION = re.compile(r"extension_[0-9a-f]{32}_\w+")

READ_KINDS = frozenset(
    {
        "table",
        "table.range",
        "table.headerRowRange",
        "table.lastRow",
        "range.get",
        "worksheet.get",
        "group.drive",
        "item.byPath",
    }
)
WRITE_KINDS = frozenset(
    {"range.patch", "rows.add", "rows.delete", "columns.add", "worksheets.add", "worksheet.patch"}
)


def _json(reply: Reply) -> web.Response:
    headers = dict(reply.headers or {})
    if reply.status == 204 or reply.body is None:
        return web.Response(status=reply.status, headers=headers)
    return web.json_response(reply.body, status=reply.status, headers=headers)


def _repeats_a_header(headers: dict[str, Any]) -> bool:
    """Whether a batch sub-request names one header twice, in any letter case.

    Graph implements OData's JSON ``$batch`` (learn.microsoft.com/graph/json-batching),
    whose request objects "MUST NOT contain name/value pairs with duplicate names"
    in ``headers`` (OData JSON Format 4.01, "Batch Request"); header names are
    case-insensitive and one that is not a list may not be repeated (RFC 7230
    §3.2, §3.2.2). Graph's docs are silent on what it does with ``content-type``
    next to ``Content-Type``: the stricter choice, the whole batch is refused
    with 400, as Graph answers a malformed batch.
    """
    names = [str(name).casefold() for name in headers]
    return len(names) != len(set(names))


def _drive_item() -> dict[str, Any]:
    """The workbook's driveItem, with the properties the driveItem resource page lists
    that the bot reads: id, name, the file facet, parentReference and webUrl."""
    return {
        "id": ITEM_ID,
        "name": FILE_NAME,
        "file": {"mimeType": XLSX},
        "parentReference": {"driveId": DRIVE_ID, "driveType": "documentLibrary"},
        "webUrl": WEB_URL,
    }

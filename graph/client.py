"""The msgraph-sdk client, and one way to send through it: raw JSON in, raw JSON out.

Every request goes through the SDK's own request adapter, so its
authentication, telemetry and (configured) retry middleware all apply. The
typed request builders give the URL and method; the answer is read as raw
JSON through kiota's ``NativeResponseHandler``, because msgraph-sdk 1.65's
workbook models drop what we need:

- ``WorkbookRange`` and ``WorkbookTableRow`` have no ``values`` property
  (msgraph-sdk-python #926, #623), so a typed ``get()`` loses the cells;
- the SDK's own ``$batch`` builder (msgraph-core 1.5) writes ``depends_on``
  instead of Graph's ``dependsOn`` key (msgraph-sdk-python-core #996), so
  requests meant to run in order run in parallel, and it hands back inner
  bodies as Python reprs, not JSON (msgraph-sdk-python-core #835).
  ``GraphTransport.batch`` builds the JSON batch body itself and posts it as a
  ``RequestInformation`` through the same request adapter.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from kiota_abstractions.method import Method
from kiota_abstractions.native_response_handler import NativeResponseHandler
from kiota_abstractions.request_information import RequestInformation
from kiota_http.middleware.options import ResponseHandlerOption, RetryHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.graph_request_adapter import options as sdk_default_options
from msgraph_core import GraphClientFactory
from msgraph_core.authentication import AzureIdentityAuthenticationProvider

from .config import GRAPH_SCOPE, GraphConfig
from .deadline import Deadline
from .errors import GraphError, graph_error

SESSION_HEADER = "workbook-session-id"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Sessions Graph ended, remembered to be never sent again: one is in use at a
# time, so the last few are all a request in flight can still name.
DEAD_KEPT = 8


def make_graph_client(
    config: GraphConfig,
    credential: AsyncTokenCredential,
    *,
    http_client: httpx.AsyncClient | None = None,
) -> GraphServiceClient:
    """A ``GraphServiceClient`` for ``config.base_url``, retries left to ``graph.deadline``."""
    host = config.graph_host
    # kiota sends no token at all to a host outside allowed_hosts (silently), and
    # refuses plain http except on loopback, where the tests' fake Graph runs.
    scope = GRAPH_SCOPE if host in LOOPBACK else f"https://{host}/.default"
    auth = AzureIdentityAuthenticationProvider(credential, scopes=[scope], allowed_hosts=[host])
    options = dict(sdk_default_options)
    # The RetryHandler stays in the pipeline, told not to retry: see graph.deadline.
    options[RetryHandlerOption.get_key()] = RetryHandlerOption(max_retries=0, should_retry=False)
    client = http_client or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
    client = GraphClientFactory.create_with_default_middleware(client=client, options=options)
    adapter = GraphRequestAdapter(auth, client=client)
    adapter.base_url = config.base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter)


@dataclass
class Answer:
    """One successful response: status, headers (lower-case names) and its JSON body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class BatchItem:
    """One request of a JSON batch; ``after`` names the item it must wait for."""

    id: str
    info: RequestInformation
    what: str
    after: str | None = None


@contextlib.contextmanager
def network_errors(what: str) -> Iterator[None]:
    """httpx's failures as ``GraphError``s whose codes say whether Graph got the request."""
    try:
        yield
    except (httpx.ConnectError, httpx.ConnectTimeout) as failed:
        # Never reached Graph: safe to send again.
        raise GraphError(0, ("connectError",), None, what) from failed
    except httpx.HTTPError as failed:
        # Sent, but the answer was lost: a write may have taken.
        raise GraphError(0, ("networkError",), None, what) from failed


class TimedOut(Exception):
    """No answer came before the deadline; a write may or may not have taken."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: no answer before the deadline")
        self.what = what


class GraphTransport:
    """Sends ``RequestInformation`` through the SDK's adapter, within a deadline."""

    def __init__(self, client: GraphServiceClient) -> None:
        self.client = client
        self.adapter = client.request_adapter
        self.requests_sent = 0  # HTTP requests, for the benchmark and the budget tests
        # Told of every answer that ends the session it carried (``graph.session``).
        self.on_session_end: Callable[[GraphError, str], None] | None = None
        self._dead: deque[str] = deque(maxlen=DEAD_KEPT)

    @property
    def base_url(self) -> str:
        return self.adapter.base_url.rstrip("/")

    async def send(
        self, info: RequestInformation, what: str, deadline: Deadline, session: str | None = None
    ) -> Answer:
        session = self._alive(session)
        if session:
            info.headers.try_add(SESSION_HEADER, session)
        response = await self._send(info, what, deadline)
        body = _json(response.content)
        if response.status_code >= 400:
            error = graph_error(response.status_code, response.headers, body, what)
            self._heard(error, session)
            raise error
        return Answer(response.status_code, _headers(response.headers), body)

    async def batch(
        self,
        items: list[BatchItem],
        deadline: Deadline,
        session: str | None = None,
        missing_ok: frozenset[str] | set[str] = frozenset(),
        optional: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Answer]:
        """Send ``items`` as one JSON batch; each answer by id, or the first failure raised.

        Items run in the order given, each after the one before: Microsoft asks
        for one request at a time per workbook, and a write that depends on a
        failed one is not run at all (424). An item in ``missing_ok`` that
        answers 404, and one in ``optional`` that fails, is simply left out of
        the answers. The failure raised names the items that did succeed
        (``GraphError.done``): a batch of writes may be carried out in part.
        Any item's answer that ends the session counts, a left-out one too.
        """
        session = self._alive(session)
        requests = []
        for number, item in enumerate(items):
            entry: dict[str, Any] = {
                "id": item.id,
                "method": item.info.http_method.value,  # type: ignore[union-attr]
                "url": self._relative_url(item.info),
            }
            # Each header once, named in lower case: OData's JSON batch format
            # forbids a name twice in "headers" and asks for lower-case names
            # (kiota's own already are; a "Content-Type" next to its
            # "content-type" would be the same header twice).
            headers = {k.lower(): v for k, v in (item.info.request_headers or {}).items()}
            if session:
                headers[SESSION_HEADER] = session
            if item.info.content:
                entry["body"] = json.loads(item.info.content)
                headers["content-type"] = "application/json"
            if headers:
                entry["headers"] = headers
            after = item.after or (items[number - 1].id if number else None)
            if after:
                entry["dependsOn"] = [after]
            requests.append(entry)
        info = RequestInformation(Method.POST, "{+baseurl}/$batch", {})
        info.set_stream_content(json.dumps({"requests": requests}).encode(), "application/json")
        info.headers.try_add("Accept", "application/json")
        what = "+".join(item.what for item in items)
        response = await self._send(info, f"batch({what})", deadline)
        outer = _json(response.content)
        if response.status_code >= 400:
            error = graph_error(response.status_code, response.headers, outer, f"batch({what})")
            self._heard(error, session)
            raise error
        by_id = {str(r.get("id")): r for r in (outer or {}).get("responses", [])}
        answers: dict[str, Answer] = {}
        failures: list[GraphError] = []
        for item in items:
            inner = by_id.get(item.id)
            if inner is None:
                failures.append(GraphError(0, ("missingBatchResponse",), None, item.what))
                continue
            status = int(inner.get("status", 0))
            body = _inner_body(inner.get("body"))
            if status >= 400:
                error = graph_error(status, inner.get("headers") or {}, body, item.what)
                self._heard(error, session)
            if (status == 404 and item.id in missing_ok) or (status >= 400 and item.id in optional):
                continue
            if status >= 400:
                failures.append(error)
            else:
                answers[item.id] = Answer(status, _headers(inner.get("headers") or {}), body)
        if failures:
            # The cause, not its consequence: a 424 only says an earlier item failed.
            cause = next((f for f in failures if f.status != 424), failures[0])
            cause.done = frozenset(answers)
            raise cause
        return answers

    def _alive(self, session: str | None) -> str | None:
        """``session``, unless Graph ended it: then the request goes without one."""
        return None if session in self._dead else session

    def _heard(self, error: GraphError, session: str | None) -> None:
        """An answer to a request that carried ``session``: if it ends it, never send it again.

        After any code Microsoft lists as ending a session, "further access to
        the session ... is not expected" (learn.microsoft.com/graph/workbook-error-handling),
        whichever request found out: a read left out of a batch's answers too.
        """
        if session is None or not error.ends_session or session in self._dead:
            return
        self._dead.append(session)
        if self.on_session_end is not None:
            self.on_session_end(error, session)

    async def _send(
        self, info: RequestInformation, what: str, deadline: Deadline
    ) -> httpx.Response:
        info.add_request_options([ResponseHandlerOption(NativeResponseHandler())])
        remaining = deadline.remaining()
        if remaining <= 0:
            raise TimedOut(what)
        self.requests_sent += 1
        try:
            with network_errors(what):
                async with asyncio.timeout(remaining):
                    # kiota types the answer by a TypeVar of the return alone: name it here.
                    response: httpx.Response | None = await self.adapter.send_primitive_async(
                        info, "bytes", None
                    )
        except TimeoutError:
            raise TimedOut(what) from None
        assert response is not None  # NativeResponseHandler hands back the raw response
        return response

    def _relative_url(self, info: RequestInformation) -> str:
        info.path_parameters["baseurl"] = self.base_url
        url = info.url
        if not url.startswith(self.base_url):
            raise ValueError("a batch request must address the client's own Graph")
        # What kiota's ParametersNameDecodingHandler does to a request it sends
        # itself: "%24select" back to "$select", as Graph documents it.
        return url[len(self.base_url) :].replace("?%24", "?$").replace("&%24", "&$")


def _json(content: bytes | None) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _inner_body(body: Any) -> Any:
    if isinstance(body, str):  # Graph base64-encodes non-JSON inner bodies
        import base64

        try:
            return json.loads(base64.b64decode(body))
        except ValueError:
            return None
    return body


def _headers(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in dict(headers).items()}

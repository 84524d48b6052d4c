"""The confirmation e-mail as a draft in the team's shared mailbox (``STORA_MAILBOX``).

One request: ``POST /users/{mailbox}/messages`` creates a draft in the
mailbox's Drafts folder and answers 201 with the message, its ``id`` and
``webLink`` (learn.microsoft.com/graph/api/user-post-messages; ``webLink``:
"the URL to open the message in Outlook on the web",
learn.microsoft.com/graph/api/resources/message). App-only, it needs
``Mail.ReadWrite``, limited to that one mailbox by Exchange's RBAC for
Applications or an application access policy (docs/graph.md).

It goes through the SDK's typed builder and its request adapter
(``graph.client.make_graph_client``): the same authentication, telemetry and
retry middleware as every other Graph call, with kiota's own retries off.

A POST is not idempotent: sent twice, it makes two drafts. So it is sent again
only when Graph said it did not take it: 429 (throttled) and 503 (Graph's
throttling answer too, learn.microsoft.com/graph/throttling), or a connection
that never reached Graph. A timeout, a lost answer, a 500 or a 504 leave the
outcome unknown: never resent. Nothing of the e-mail (subject, body, ids, the
link) is logged or kept: the draft in the mailbox is the only copy.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_random_exponential

from .client import TimedOut, make_graph_client, network_errors
from .config import GraphConfig
from .deadline import MIN_ATTEMPT, Clock, Deadline, Sleep
from .errors import GraphError, retry_after_of

with warnings.catch_warnings():
    # The generated builders warn about their own deprecated configuration classes.
    warnings.simplefilter("ignore", DeprecationWarning)
    import msgraph.generated.users.users_request_builder  # noqa: F401
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

T = TypeVar("T")

MAX_ATTEMPTS = 4
# Statuses after which Graph has not created anything: safe to send the POST again.
_NOT_TAKEN = {429, 503}


@dataclass(frozen=True)
class Draft:
    """The draft Graph made: its id (to delete it, in the check) and where it opens."""

    id: str
    web_link: str


class DraftMailbox:
    """Makes e-mail drafts in one mailbox; ``create`` raises ``GraphError``/``TimedOut``."""

    def __init__(
        self,
        config: GraphConfig,
        mailbox: str,
        credential: AsyncTokenCredential,
        *,
        http_client: httpx.AsyncClient | None = None,
        owns_credential: bool = False,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.mailbox = mailbox.strip()
        self._deadline = config.deadline
        self._credential = credential if owns_credential else None
        self._http = http_client or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
        self._owns_http = http_client is None
        self._client = make_graph_client(config, credential, http_client=self._http)
        self._clock, self._sleep = clock, sleep
        self._jitter = wait_random_exponential(multiplier=0.1, max=1.0)

    @classmethod
    def create(cls, config: GraphConfig, mailbox: str) -> DraftMailbox:
        from .credentials import make_credential

        return cls(config, mailbox, make_credential(config), owns_credential=True)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()
        if self._credential is not None:
            await self._credential.close()

    async def create_draft(
        self, subject: str, text: str, *, mailbox: str = "", seconds: float | None = None
    ) -> Draft:
        """A draft with ``subject`` and ``text`` (plain text) and no recipient.

        ``mailbox``: another one than the configured (the check's refusal test).
        """
        users = self._client.users.by_user_id(mailbox or self.mailbox)
        message = Message(
            subject=subject,
            body=ItemBody(content_type=BodyType.Text, content=text),
            to_recipients=[],
        )
        deadline = Deadline(self._deadline if seconds is None else seconds, self._clock)
        made = await self._retried(deadline, lambda: self._call(users.messages.post(message)))
        if made is None or not made.id:
            raise GraphError(0, ("noMessageInAnswer",), None, "message")
        return Draft(made.id, made.web_link or "")

    async def delete_draft(
        self, message_id: str, *, mailbox: str = "", seconds: float | None = None
    ) -> None:
        """Only the check deletes: the bot leaves each draft to the agent."""
        user = self._client.users.by_user_id(mailbox or self.mailbox)
        item = user.messages.by_message_id(message_id)
        deadline = Deadline(self._deadline if seconds is None else seconds, self._clock)
        await self._retried(deadline, lambda: self._call(item.delete()))

    async def _retried(self, deadline: Deadline, attempt: Callable[[], Awaitable[T]]) -> T:
        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, GraphError) and error.retry_after is not None:
                return error.retry_after
            return float(self._jitter(state))

        def stop(state: RetryCallState) -> bool:
            upcoming = state.upcoming_sleep or 0.0
            return (
                state.attempt_number >= MAX_ATTEMPTS
                or deadline.remaining() - upcoming < MIN_ATTEMPT
            )

        async def timed() -> T:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise TimedOut("message")
            try:
                async with asyncio.timeout(remaining):
                    return await attempt()
            except TimeoutError:
                raise TimedOut("message") from None

        retrying = AsyncRetrying(
            retry=retry_if_exception(_not_taken),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            reraise=True,
        )
        async for trying in retrying:
            with trying:
                return await timed()
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    @staticmethod
    async def _call(request: Awaitable[T]) -> T:
        try:
            with network_errors("message"):
                return await request
        except ODataError as refused:
            main = refused.error
            codes = (main.code,) if main is not None and main.code else ()
            raise GraphError(
                refused.response_status_code or 0,
                codes,
                retry_after_of(refused.response_headers),
                "message",
            ) from None


def surely_not_made(error: BaseException) -> bool:
    """Whether Graph surely made no draft, so the agent may be told so: a refusal
    (4xx), or what would be sent again (``_not_taken``). A timeout, a 500 or a
    504 may have made one."""
    if not isinstance(error, GraphError):
        return False
    return 400 <= error.status < 500 or _not_taken(error)


def _not_taken(error: BaseException) -> bool:
    """Whether Graph surely made no draft: only then is the POST sent again."""
    if not isinstance(error, GraphError):
        return False  # TimedOut: the draft may exist
    return error.status in _NOT_TAKEN or error.codes == ("connectError",)

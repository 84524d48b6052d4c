"""Proactive posts to the team's channel, paced and retried as Teams asks.

Teams limits how fast a bot may post to one conversation (a few messages per
second, fewer over longer windows) and answers 429 with Retry-After past that.
The Bot Framework's Python SDK (4.17.1) neither paces nor retries, so:

- **pacing**: one ``aiolimiter.AsyncLimiter`` per channel, a leaky bucket
  that lets ``burst`` messages (5) through at once and then
  ``STORA_NOTIFY_POSTS_PER_SECOND`` (1). Teams allows a bot 7 messages per
  second and 8 per 2 seconds in one thread, 60 per 30 seconds
  (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit), so a
  click's edit and notice go out at once, and a morning's notices still stay
  well under the limits. A bucket of one made every click after another one
  within a second wait out the rest of that second;
- **retries**: ``tenacity`` runs the retry loop. It retries 429 and 503, waits
  exactly what Retry-After says (seconds or an HTTP date) and otherwise backs
  off exponentially with jitter, and stops after ``attempts`` tries or when the
  next wait would pass ``deadline`` seconds. tenacity over stamina: the wait
  must come from the server's answer, which tenacity takes as a plain
  callable, and its ``sleep`` can be swapped in a test; stamina (built on
  tenacity) adds jittered defaults and instrumentation we would override anyway.

A post that finally fails raises ``PostFailed``, which says whether the Bot
Connector certainly did not take the message (an error answer, or no
connection at all): only then is it safe to post again later.

One ``Poster`` serves the whole app (``create_app``): the stall notices and
every redraw of a case card share its per-channel pacing. Each call may bring
its own ``RetryPolicy``: a click has well under Teams' 5 s, a background pass
has a minute.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiolimiter import AsyncLimiter
from botbuilder.core import BotAdapter, CloudAdapterBase, TurnContext
from botbuilder.schema import Activity, ConversationParameters, ConversationReference
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from graph.errors import parse_retry_after

from .reach import ReachRefused

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 503})
# A gateway that times out or garbles the answer may have passed the post on.
UNKNOWN_OUTCOME_STATUSES = frozenset({502, 504})


class PostFailed(Exception):
    def __init__(self, status: int | None, *, definite: bool) -> None:
        super().__init__(f"post failed (HTTP {status})" if status else "post failed (no answer)")
        self.status = status
        # True: the message certainly was not posted, so posting it again later
        # cannot make a duplicate. False: it may have been.
        self.definite = definite


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    deadline: float = 60.0  # seconds, for one post's retries
    backoff: float = 1.0  # first back-off without Retry-After; doubles, with jitter
    max_backoff: float = 30.0


class Poster:
    def __init__(
        self,
        adapter: CloudAdapterBase,
        *,
        app_id: str,
        per_second: float = 1.0,
        burst: int = 5,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._per_second = per_second
        self._burst = burst
        self._policy = policy
        # The app's BackgroundWork.sleep wakes at once on shutdown, and
        # ``stopping`` then ends the retries: the post counts as failed, and the
        # next scan, after the restart, posts it.
        self._sleep = sleep
        self._stopping = stopping
        self._limiters: dict[str, AsyncLimiter] = {}

    async def reply(
        self,
        reference: ConversationReference,
        activity: Activity,
        *,
        policy: RetryPolicy | None = None,
    ) -> str:
        """Post ``activity`` into the conversation (a channel thread: ``…;messageid=…``); its id."""
        posted: list[str] = []

        async def send(turn_context: TurnContext) -> None:
            response = await turn_context.send_activity(activity)
            posted.append((response.id if response else None) or "")

        await self._in_conversation(reference, send, policy or self._policy)
        return posted[-1] if posted else ""

    async def update(
        self,
        reference: ConversationReference,
        activity: Activity,
        *,
        policy: RetryPolicy | None = None,
    ) -> None:
        """Replace the posted message ``activity.id`` with ``activity`` (a PUT: the same every time)."""

        async def replace(turn_context: TurnContext) -> None:
            await turn_context.update_activity(activity)

        await self._in_conversation(reference, replace, policy or self._policy)

    async def _in_conversation(
        self,
        reference: ConversationReference,
        act: Callable[[TurnContext], Awaitable[object]],
        policy: RetryPolicy,
    ) -> None:
        """``act`` in a proactive turn of ``reference``'s conversation, paced and retried."""

        async def attempt() -> None:
            await self._pace(reference.conversation.id, policy)
            failure: list[BaseException] = []

            async def guarded(turn_context: TurnContext) -> None:
                _without_transport_retries(turn_context)
                # The adapter hands errors inside a turn to on_turn_error and
                # swallows them; catch here so the retry loop sees them.
                try:
                    await act(turn_context)
                except Exception as error:  # noqa: BLE001 - handed to the retry loop
                    failure.append(error)

            await self._adapter.continue_conversation(reference, guarded, self._app_id)
            if failure:
                raise failure[0]

        await self._with_retries(attempt, policy)

    async def new_thread(
        self,
        channel_id: str,
        service_url: str,
        activity: Activity,
        *,
        policy: RetryPolicy | None = None,
    ) -> tuple[ConversationReference, str]:
        """A new top-level post in the channel: its thread's reference and the post's id."""
        policy = policy or self._policy
        created: list[tuple[ConversationReference, str]] = []

        async def remember(turn_context: TurnContext) -> None:
            # The adapter runs this in a turn of the new conversation, whose
            # activity carries the id of the post that opened it.
            reference = TurnContext.get_conversation_reference(turn_context.activity)
            created.append((reference, turn_context.activity.id or ""))

        async def attempt() -> None:
            await self._pace(channel_id, policy)
            params = ConversationParameters(
                is_group=True, channel_data={"channel": {"id": channel_id}}, activity=activity
            )
            await self._adapter.create_conversation(
                self._app_id, remember, params, "msteams", service_url, None
            )

        await self._with_retries(attempt, policy)
        return created[-1]

    async def _pace(self, conversation_id: str, policy: RetryPolicy) -> None:
        channel = conversation_id.split(";", maxsplit=1)[0]
        limiter = self._limiters.get(channel)
        if limiter is None:
            limiter = self._limiters[channel] = AsyncLimiter(
                self._burst, self._burst / self._per_second
            )
        # A click must not queue behind a morning's notices for longer than it
        # has: past its deadline it gives up unsent, and its outbox retries.
        try:
            async with asyncio.timeout(policy.deadline):
                await limiter.acquire()
        except TimeoutError:
            raise PostFailed(None, definite=True) from None

    async def _pause(self, seconds: float) -> None:
        # tenacity types its sleep as returning None; the background's says whether it stopped.
        await self._sleep(seconds)

    async def _with_retries(
        self, attempt: Callable[[], Awaitable[None]], policy: RetryPolicy
    ) -> None:
        give_up = stop_after_attempt(policy.attempts) | stop_before_delay(policy.deadline)
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda error: status_of(error) in RETRY_STATUSES),
            wait=self._wait(policy),
            stop=lambda retry_state: self._stopping() or give_up(retry_state),
            sleep=self._pause,
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt_state in retrying:
                with attempt_state:
                    await attempt()
        except PostFailed:
            raise
        except ReachRefused as refused:
            # Never sent, and never will be (bot/reach.py): as final as a 403.
            raise PostFailed(403, definite=True) from refused
        except Exception as error:
            status = status_of(error)
            if status is not None:
                raise PostFailed(status, definite=status not in UNKNOWN_OUTCOME_STATUSES) from error
            raise PostFailed(None, definite=never_sent(error)) from error

    def _wait(self, policy: RetryPolicy) -> Callable[[RetryCallState], float]:
        def wait(retry_state: RetryCallState) -> float:
            error = retry_state.outcome.exception() if retry_state.outcome else None
            told = retry_after(error)
            if told is not None:
                return told
            backoff = policy.backoff * 2 ** (retry_state.attempt_number - 1)
            return min(policy.max_backoff, backoff) * random.uniform(0.5, 1.0)

        return wait


def _without_transport_retries(turn_context: TurnContext) -> None:
    """Leave every retry to the loop above.

    msrest configures urllib3 to retry PUT (an idempotent method) on any 5xx
    and on a 503 or 429 with Retry-After, sleeping in a worker thread: seconds
    no deadline, shutdown or test clock can see. The connector client is new
    for each turn, and its session's adapters hold this very ``Retry`` object,
    so changing it here changes this turn's calls only: one try, and an error
    answer comes back with its status.
    """
    client = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    retry_policy = getattr(getattr(client, "config", None), "retry_policy", None)
    retry = getattr(retry_policy, "policy", None)
    if retry is not None:
        retry.total = 0
        retry.status_forcelist = None


def _log_retry(retry_state: RetryCallState) -> None:
    error = retry_state.outcome.exception() if retry_state.outcome else None
    wait = retry_state.next_action.sleep if retry_state.next_action else 0
    log.info("post answered HTTP %s; retrying in %.1f s", status_of(error), wait)


def status_of(error: BaseException | None) -> int | None:
    """The HTTP status of the Bot Connector's error answer, if there was one."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else None


def retry_after(error: BaseException | None, *, now: datetime | None = None) -> float | None:
    """Seconds the answer's Retry-After asks for (delta-seconds or an HTTP date), else None."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    return None if value is None else parse_retry_after(str(value), now=now)


def never_sent(error: BaseException) -> bool:
    """True when the request never reached the Bot Connector (no connection was made)."""
    try:
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
    except ImportError:  # pragma: no cover - msrest brings requests and urllib3
        return isinstance(error, ConnectionRefusedError)
    unsent = (ConnectionRefusedError, NewConnectionError, ConnectTimeoutError)
    seen: set[int] = set()
    stack: list[object] = [error]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, unsent):
            return True
        stack += [
            getattr(item, "inner_exception", None),
            getattr(item, "reason", None),
            item.__cause__,
            item.__context__,
            *item.args,
        ]
    return False

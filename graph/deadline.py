"""Time limits and the retry loop: every Graph call ends well inside Teams' 5 s for a click.

Two limits apply to a Ledger call, whichever ends first:

- its own deadline (``GraphConfig.deadline``, 2.5 s by default);
- the budget of the Teams request it serves (``request_budget``, set once per
  incoming request by the bot), so a click that reads, writes and reads again
  still answers in time.

The retry loop is tenacity's ``AsyncRetrying``, not a hand-written loop and not
kiota's RetryHandler: that middleware (kiota-http 1.16) sleeps whatever
Retry-After says up to 180 s, adds a 3 s base delay to its backoff, knows no
deadline, retries a ``rows/add`` POST after a 504 (a second row), and never
retries 502, ``accessConflict`` or a lost workbook session. ``graph.client``
therefore configures it with ``max_retries=0`` and every retry happens here,
where the deadline, the session and the meaning of each write are known.
Tenacity takes a ``sleep`` and our ``stop``/``wait`` callables, so tests run
retries on a virtual clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_random_exponential

from .errors import GraphError, Retry

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Starting an attempt with less time than this left is pointless: it would only time out.
MIN_ATTEMPT = 0.05
MAX_ATTEMPTS = 12


class Deadline:
    """A point in time on ``clock``, possibly capped by an enclosing request budget."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + seconds
        self._outer = _budget.get()

    def remaining(self) -> float:
        own = self._end - self._clock()
        if self._outer is not None:
            return min(own, self._outer.remaining())
        return own

    @property
    def passed(self) -> bool:
        return self.remaining() <= 0


_budget: ContextVar[Deadline | None] = ContextVar("stora_graph_budget", default=None)


@contextlib.contextmanager
def request_budget(seconds: float) -> Iterator[Deadline]:
    """All Graph calls made inside share ``seconds`` (a Teams click: read, write, read back)."""
    deadline = Deadline(seconds)
    token = _budget.set(deadline)
    try:
        yield deadline
    finally:
        _budget.reset(token)


class RetryPolicy:
    """How long to wait before trying again, and when to stop trying."""

    def __init__(
        self,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        *,
        backoff: float = 0.1,
        backoff_cap: float = 1.0,
        conflict_wait: float = 0.5,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        # Full jitter: uniform in [0, min(cap, backoff * 2**n)] (tenacity's own).
        self._jitter = wait_random_exponential(multiplier=backoff, max=backoff_cap)
        self._conflict_jitter = wait_random_exponential(
            multiplier=conflict_wait / 2, max=conflict_wait
        )
        self._conflict_wait = conflict_wait
        # After a Retry-After, Microsoft asks for no request to the workbook at all
        # until it has passed: every later call waits for it too (or gives up at once).
        self.cooldown_until = 0.0

    def deadline(self, seconds: float) -> Deadline:
        return Deadline(seconds, self.clock)

    def cooldown_left(self) -> float:
        return max(0.0, self.cooldown_until - self.clock())

    async def run(self, deadline: Deadline, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt()`` until it succeeds, fails for good, or the deadline would pass.

        Raises the last ``GraphError`` when it gives up; the caller turns it into
        what the agent is told.
        """
        await self.wait_for_cooldown(deadline)
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            wait=self._wait,
            stop=lambda state: self._stop(state, deadline),
            sleep=self.sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        async for trying in retrying:
            with trying:
                return await attempt()
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    async def wait_for_cooldown(self, deadline: Deadline) -> None:
        left = self.cooldown_left()
        if not left:
            return
        if left >= deadline.remaining() - MIN_ATTEMPT:
            raise GraphError(429, ("cooldown",), left, "cooldown")
        await self.sleep(left)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if not isinstance(error, GraphError):
            return 0.0
        kind = error.retry
        if kind in (Retry.NEW_SESSION, Retry.SESSIONLESS):
            wait = 0.0
        elif kind is Retry.ACCESS_CONFLICT:
            wait = max(self._conflict_wait / 2, self._conflict_jitter(state))
        elif error.retry_after is not None:
            wait = error.retry_after
        else:
            wait = self._jitter(state)
        if error.retry_after is not None:
            self.cooldown_until = max(self.cooldown_until, self.clock() + error.retry_after)
        return max(wait, self.cooldown_left())

    @staticmethod
    def _stop(state: RetryCallState, deadline: Deadline) -> bool:
        if state.attempt_number >= MAX_ATTEMPTS:
            return True
        upcoming = state.upcoming_sleep or 0.0
        return deadline.remaining() - upcoming < MIN_ATTEMPT


def _retryable(error: BaseException) -> bool:
    return isinstance(error, GraphError) and error.retry is not Retry.NEVER


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    log.info(
        "graph retry",
        extra={
            "attempt": state.attempt_number,
            "wait_s": round(state.upcoming_sleep or 0.0, 3),
            "error": error.summary() if isinstance(error, GraphError) else type(error).__name__,
        },
    )

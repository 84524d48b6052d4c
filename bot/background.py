"""Background work the app must not cut in half when it stops.

The app owns one ``BackgroundWork`` (``app[BACKGROUND]``, created by
``create_app``) and drains it on shutdown, before aiohttp waits for the turns
still in flight. Anything that runs outside a request uses it:

    work = app[BACKGROUND]

    async def scan_every(interval: float) -> None:      # e.g. the notifier's loop
        while not work.stopping:
            try:
                async with work.unit("stall scan"):     # never cut in half
                    await scan()
            except ShuttingDown:
                return
            await work.sleep(interval)                  # wakes at once on shutdown

    app.on_startup.append(lambda app: work.spawn(scan_every(300), name="stall scans"))

On shutdown (``drain``): ``stopping`` turns true and ``sleep`` returns at once;
every ``unit`` already entered runs to its end, up to the timeout; a new
``unit`` raises ``ShuttingDown``; then the tasks from ``spawn`` are cancelled.
A unit still running at the deadline is logged by name and left to aiohttp's
own cancellation: the timeout exists so a stuck call cannot hold the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from .logs import log_context, new_id

log = logging.getLogger(__name__)


class ShuttingDown(RuntimeError):
    """The app is stopping: no new unit of background work starts."""


class BackgroundWork:
    def __init__(self) -> None:
        self._stopping = asyncio.Event()
        self._units: dict[int, str] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def in_flight(self) -> list[str]:
        """The names of the units running now."""
        return list(self._units.values())

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the app cancels on shutdown, after the units have finished."""
        if self.stopping:
            coro.close()
            raise ShuttingDown(name)
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    @contextlib.asynccontextmanager
    async def unit(self, name: str) -> AsyncIterator[None]:
        """One piece of work that shutdown waits for: a scan, a batch of notices.

        Its log lines carry ``work`` (the name) and a ``correlation_id`` of their own.
        """
        if self.stopping:
            raise ShuttingDown(name)
        key = next(self._ids)
        self._units[key] = name
        self._idle.clear()
        try:
            # Every line the unit logs carries its name and an id of its own.
            with log_context(work=name, correlation_id=new_id()):
                yield
        finally:
            del self._units[key]
            if not self._units:
                self._idle.set()

    async def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if the app starts stopping. True if it is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self.stopping

    async def drain(self, timeout: float) -> list[str]:
        """Stop: let running units finish (up to ``timeout`` s), then cancel the tasks.

        Returns the names of the units still running at the deadline.
        """
        self._stopping.set()
        if self._units:
            log.info("waiting for background work to finish: %s", ", ".join(self.in_flight))
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=timeout)
        except TimeoutError:
            log.warning(
                "background work still running after %.0f s: %s", timeout, ", ".join(self.in_flight)
            )
        unfinished = self.in_flight
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        return unfinished

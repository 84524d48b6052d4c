"""When scans run: an in-process schedule, and ``POST /api/notify`` for an outside one.

- In-process (``STORA_NOTIFY_INTERVAL_SECONDS``, 60 by default; 0 turns it
  off): a task started with the app scans every interval, the first time one
  interval after the start.
  Each scan is a unit of the app's ``BackgroundWork`` (``bot/background.py``):
  at shutdown the app waits for the scan under way, so a scan is never cut in
  half between its claim and its post, and no new scan starts.
- ``POST /api/notify`` with ``Authorization: Bearer <STORA_NOTIFY_SECRET>``
  retries the pending card redraws (``bot.redraws``), then
  runs one scan and answers its counts as JSON: for a Logic App, an Azure
  Functions timer or a Container Apps job when several instances run. Without
  a configured secret the endpoint does not exist (404); a missing or wrong
  bearer gets 401. The secret is compared in constant time.

Several instances may scan at once, by either means: the claims in bot storage
keep every notice to one post (``bot.notify.book``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..background import BackgroundWork, ShuttingDown
from .notifier import StallNotifier

log = logging.getLogger(__name__)

NOTIFY_PATH = "/api/notify"


class Schedule:
    def __init__(self, notifier: StallNotifier, work: BackgroundWork, *, interval: float) -> None:
        self.notifier = notifier
        self.work = work
        self.interval = interval

    async def start(self, _app: web.Application) -> None:
        """For ``app.on_startup``."""
        if self.interval > 0:
            self.work.spawn(self._loop(), name="stall scans")

    async def _loop(self) -> None:
        # The first scan one interval after start: a bot that starts is busy
        # enough, and a restart loop then cannot turn into a scan loop.
        while not await self.work.sleep(self.interval):
            try:
                async with self.work.unit("stall scan"):
                    await self.notifier.scan()
            except ShuttingDown:
                return
            except Exception:
                log.exception("stall scan failed")


def notify_handler(
    notifier: StallNotifier,
    work: BackgroundWork,
    secret: str,
    *,
    before: Callable[[], Awaitable[object]] | None = None,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    expected = hashlib.sha256(secret.encode()).digest()

    async def notify(request: web.Request) -> web.Response:
        if not secret:
            raise web.HTTPNotFound()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        given = hashlib.sha256(token.strip().encode()).digest()
        # Hashing first gives both sides one length; compare_digest then takes
        # the same time wherever they differ.
        if not (hmac.compare_digest(given, expected) and scheme.lower() == "bearer"):
            return web.json_response(
                {"error": "unauthorized"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="stora-arenden"'},
            )
        try:
            if before is not None:
                async with work.unit("card redraws (POST /api/notify)"):
                    await before()
            async with work.unit("stall scan (POST /api/notify)"):
                report = await notifier.run()
        except ShuttingDown:
            return web.json_response({"error": "stopping"}, status=503)
        status = 503 if report.skipped in ("workbook", "busy") else 200
        return web.json_response(report.as_json(), status=status)

    return notify

"""One office on loopback for thousands of examples, driven from synchronous tests.

Hypothesis runs a test body once per example and does not await coroutines;
starting the bot's app, the fake Bot Connector and a workbook for every example
would cost more than the examples themselves. So the office runs on an event
loop of its own, kept for a whole module, and each example is one
``run_until_complete`` on it: the examples share the running app as real
traffic does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from bot.config import Settings
from bot.logs import ContextFilter, JsonLogFormatter
from tests.bot.conftest import Office, seat_team, serve
from tests.fakes import teams
from tests.fakes.connector import FakeConnector
from tests.fakes.teams import Agent

T = TypeVar("T")
MAX_BODY = 1024**2  # aiohttp's client_max_size, which bot.app leaves as it is
TOO_LARGE = "(body over 1 MiB: refused by aiohttp with 413)"
OWN_LOGGERS = ("bot", "cases", "cards", "graph")
ACCESS_LOG = "aiohttp.access"


class LogCapture(logging.Handler):
    """Every record as production would write it (JSON, installation ids masked)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonLogFormatter())
        self.addFilter(ContextFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def take(self) -> str:
        text, self.lines = "\n".join(self.lines), []
        return text


class Harness:
    """The office, its own loop, and what the bot logged and posted since the last look."""

    def __init__(self, directory: Path, *, admins: str = "") -> None:
        self.loop = asyncio.new_event_loop()
        self._stack = contextlib.AsyncExitStack()
        self.logs = LogCapture()
        # Production runs at INFO; the bot's own loggers at DEBUG is the stricter look.
        # aiohttp's access log (method, path, status, user agent: never a body) is
        # left out: two lines a click, formatted twice over (here and by pytest).
        self._levels = {
            name: logging.getLogger(name).level for name in ("", ACCESS_LOG, *OWN_LOGGERS)
        }
        logging.getLogger().addHandler(self.logs)
        logging.getLogger().setLevel(logging.INFO)
        logging.getLogger(ACCESS_LOG).setLevel(logging.WARNING)
        for name in OWN_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        self.office: Office = self.run(self._start(directory, admins))
        self._calls_seen = 0

    async def _start(self, directory: Path, admins: str) -> Office:
        connector = FakeConnector()
        await connector.start()
        self._stack.push_async_callback(connector.stop)
        seat_team(connector)
        settings = Settings(
            _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=directory / "state",
            STORA_WORKBOOK=directory / "stora-arenden.xlsx", STORA_TENANT_ID=teams.TENANT,
            STORA_TEAM_ID=teams.TEAM, STORA_ADMINS=admins,
            # Teams paces a channel at about one post a second; the fake Bot Connector
            # does not, and a thousand examples cannot wait a second per redraw.
            STORA_NOTIFY_POSTS_PER_SECOND=1000,
        )  # fmt: skip
        session = await self._stack.enter_async_context(aiohttp.ClientSession())
        return await self._stack.enter_async_context(serve(settings, connector, session))

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def close(self) -> None:
        try:
            self.run(self._stack.aclose())
        finally:
            self.loop.close()
            logging.getLogger().removeHandler(self.logs)
            for name, level in self._levels.items():
                logging.getLogger(name).setLevel(level)

    # -- what left the bot ----------------------------------------------------
    def new_connector_traffic(self) -> str:
        """Everything the bot sent the Bot Connector since the last call, as JSON text."""
        calls = self.office.connector.calls[self._calls_seen :]
        self._calls_seen = len(self.office.connector.calls)
        return json.dumps([c.body for c in calls], ensure_ascii=False)

    # -- traffic --------------------------------------------------------------
    async def invoke_value(self, agent: Agent, value: Any) -> tuple[int, Any]:
        """An ``adaptiveCard/action`` invoke with ``value`` as given, whatever its shape:
        a click on a card in the channel's thread of a case."""
        activity = teams.card_action(
            agent, self.office.connector.url, conversation_id=f"{teams.CHANNEL};messageid=1700000000000",
            reply_to="1700000000000", verb="", data={},
        )  # fmt: skip
        activity["value"] = value
        return await self.post(activity)

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        """POST as Teams does (UTF-8 JSON). A body over aiohttp's 1 MiB never reaches
        the bot: aiohttp answers 413 itself, which is all such a body may get."""
        try:
            body = json.dumps(activity, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only JSON's \u escape can carry it
            body = json.dumps(activity).encode("ascii")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        async with self.office.session.post(
            f"{self.office.url}/api/messages", data=body, headers=headers
        ) as response:
            text = await response.text()
            if len(body) > MAX_BODY:
                assert response.status == 413, (response.status, text[:200])
                return response.status, TOO_LARGE
            return response.status, (json.loads(text) if text else None)

    async def invoke(self, agent: Agent, verb: Any, data: Any) -> tuple[int, Any]:
        return await self.invoke_value(
            agent, {"action": {"type": "Action.Execute", "verb": verb, "data": data}}
        )

"""An office on loopback: the bot's real aiohttp app, a fake Bot Connector, a local workbook."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from botbuilder.core import Storage

from bot import logs
from bot.app import create_app
from bot.config import Settings
from bot.state import create_storage
from bot.storage import JsonFileStorage
from cases.clock import STOCKHOLM
from local_workbook.ledger import LocalWorkbookLedger
from tests.azurite import azurite_blob
from tests.fakes import teams
from tests.fakes.cardwalk import buttons
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.teams import Agent

ANNA = Agent("Anna Andersson", "aad-anna")
BO = Agent("Bo Berg", "aad-bo")
CIA = Agent("Cia Carlsson", "aad-cia", locale="en-US")
# In the tenant, not in the Backoffice team.
OUTSIDER = Agent("Olle Utanför", "aad-olle")
TEAM_MEMBERS = (ANNA, BO, CIA)
# Short, so a test holding the workbook lock sees the bot give up quickly.
LOCK_TIMEOUT = 0.5


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Office:
    url: str
    connector: FakeConnector
    ledger: LocalWorkbookLedger
    clock: Clock
    workbook: Path
    session: aiohttp.ClientSession
    app: web.Application | None = None  # the bot's own, for what only it can tell

    async def post(self, activity: dict[str, Any]) -> tuple[int, Any]:
        async with self.session.post(f"{self.url}/api/messages", json=activity) as response:
            text = await response.text()
            return response.status, (json.loads(text) if text else None)

    async def say(self, agent: Agent, text: str, *, personal: bool = False) -> Post:
        """Post ``text`` (to the bot) and return the bot's answer as the channel shows it."""
        before = set(self.connector.posts)
        make = teams.personal_message if personal else teams.channel_post
        status, _ = await self.post(make(agent, self.connector.url, text))
        assert status in (200, 201), status
        new = [p for key, p in self.connector.posts.items() if key not in before]
        assert new, "the bot did not answer"
        return new[-1]

    async def click(
        self,
        agent: Agent,
        post: Post,
        verb: str,
        inputs: dict[str, Any] | None = None,
        *,
        card: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Click the ``verb`` button on the card (default: the post's card) with ``inputs`` typed."""
        shown = card if card is not None else post.card
        action = buttons(shown)[verb]
        data = {**(action.get("data") or {}), **(inputs or {})}
        return await self.invoke(agent, post, verb, data)

    async def refresh(self, agent: Agent, post: Post) -> dict[str, Any]:
        """What Teams does when it shows the card to ``agent``: run its refresh action."""
        action = post.card["refresh"]["action"]
        return await self.invoke(agent, post, action["verb"], action.get("data") or {})

    async def invoke(
        self, agent: Agent, post: Post, verb: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        conversation_id = post.conversation_id
        if ";messageid=" not in conversation_id and post.reply_to is None:
            conversation_id = f"{conversation_id};messageid={post.activity_id}"
        kind = (
            "personal" if conversation_id.startswith("a:")
            else "groupChat" if "@thread.v2" in conversation_id
            else "channel"
        )  # fmt: skip
        status, body = await self.post(
            teams.card_action(
                agent,
                self.connector.url,
                conversation_id=conversation_id,
                reply_to=post.activity_id,
                verb=verb,
                data=data,
                kind=kind,
            )
        )
        assert status == 200, (status, body)
        return body

    async def sign_up(self, agent: Agent, signature: str) -> None:
        """The agent's first click asks for a signature; answer it once."""
        post = await self.say(agent, "hjälp")
        answer = await self.invoke(
            agent, post, "signature", {"signature": signature, "pending": {}}
        )
        assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer


@pytest.fixture(params=["file", "blob"])
async def state_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """The bot state on disk, and in blob storage when Azurite is at hand (tests.azurite)."""
    if request.param == "file":
        yield JsonFileStorage(tmp_path / "state")
        return
    async with azurite_blob() as connection:
        blob = create_storage(
            Settings(_env_file=None, STORA_STORAGE="blob", STORA_BLOB_CONNECTION_STRING=connection,
                     STORA_BLOB_CONTAINER=f"test-{uuid.uuid4().hex[:8]}")
        )  # fmt: skip
        yield blob
        await blob.close()  # type: ignore[attr-defined]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo what a test's ``configure_logging`` did to the root logger."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    capped = {name: logging.getLogger(name).level for name in logs.CAPPED}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, old in capped.items():
        logging.getLogger(name).setLevel(old)


def seat_team(connector: FakeConnector) -> None:
    """Put the agents on the Backoffice team's roster, as Teams would know them."""
    for agent in TEAM_MEMBERS:
        connector.add_member(teams.TEAM, agent.account())


@contextlib.asynccontextmanager
async def serve(
    settings: Settings, connector: FakeConnector, session: aiohttp.ClientSession, **app: Any
) -> AsyncIterator[Office]:
    """The bot's real app on a loopback port, with ``settings``, talking to ``connector``.

    ``app``: more of ``create_app``'s keywords, e.g. ``graph_credential``.
    """
    clock = Clock()
    ledger = LocalWorkbookLedger(settings.workbook, lock_timeout=LOCK_TIMEOUT)
    bot = create_app(settings, ledger=ledger, clock=clock, **app)
    async with on_loopback(bot) as url:
        yield Office(url, connector, ledger, clock, settings.workbook, session, bot)


@contextlib.asynccontextmanager
async def on_loopback(app: web.Application) -> AsyncIterator[str]:
    """``app`` served on a free loopback port until the block ends: its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    workbook = tmp_path / "stora-arenden.xlsx"
    settings = Settings(
        _env_file=None,
        MicrosoftAppId="",
        STORA_STATE_DIR=tmp_path / "state",
        STORA_WORKBOOK=workbook,
        STORA_TENANT_ID=teams.TENANT,
        STORA_TEAM_ID=teams.TEAM,
    )
    try:
        async with (
            aiohttp.ClientSession() as session,
            serve(settings, connector, session) as office,
        ):
            yield office
    finally:
        await connector.stop()

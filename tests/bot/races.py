"""Offices on either store for the race tests: the bot's real app over HTTP, the fake
Bot Connector, and the workbook local (LocalWorkbookLedger) or in the fake Graph."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

from bot.app import create_app
from bot.config import Settings
from bot.identity import SignatureBook
from bot.storage import JsonFileStorage
from cases.ledger import Ledger
from graph.ledger import GraphLedger
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.conftest import Clock, Office, on_loopback
from tests.bot.test_lifecycle_e2e import workbook_rows
from tests.fakes import teams
from tests.fakes.cardwalk import buttons
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.graph import FakeGraph
from tests.fakes.teams import Agent
from tests.graph.conftest import FixedToken, config_for

STORES = ("local", "graph")

T = TypeVar("T")


def click_activity(
    office: Office,
    agent: Agent,
    post: Post,
    verb: str,
    inputs: dict[str, Any] | None = None,
    *,
    card: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The invoke of one click, built once: Teams may deliver it more than once."""
    action = buttons(card if card is not None else post.card)[verb]
    data = {**(action.get("data") or {}), **(inputs or {})}
    conversation_id = post.conversation_id
    if ";messageid=" not in conversation_id and post.reply_to is None:
        conversation_id = f"{conversation_id};messageid={post.activity_id}"
    return teams.card_action(
        agent, office.connector.url, conversation_id=conversation_id,
        reply_to=post.activity_id, verb=verb, data=data,
    )  # fmt: skip


async def deliver(office: Office, activity: dict[str, Any]) -> dict[str, Any]:
    """Deliver ``activity`` to ``office`` as Teams does; the invoke's answer."""
    status, body = await office.post(activity)
    assert status == 200, (status, body)
    return body


def agents(count: int, prefix: str = "agent") -> list[Agent]:
    return [Agent(f"Agent {n}", f"aad-{prefix}-{n}") for n in range(count)]


@dataclass
class Bench:
    """One team's Teams (the connector), workbook and bot state; offices serve it."""

    store: str
    tmp: Path
    connector: FakeConnector
    session: aiohttp.ClientSession
    graph: FakeGraph | None = None
    offices: list[Office] = field(default_factory=list)
    graph_deadline: float = 2.5

    @property
    def workbook(self) -> Path:
        return self.tmp / "stora-arenden.xlsx"

    def settings(self) -> Settings:
        return Settings(
            _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=self.tmp / "state",
            STORA_WORKBOOK=self.workbook, STORA_TENANT_ID=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
            STORA_NOTIFY_INTERVAL_SECONDS=0,
        )  # fmt: skip

    def ledger(self) -> Ledger:
        if self.graph is None:
            return LocalWorkbookLedger(self.workbook, lock_timeout=2.5)
        return GraphLedger(config_for(self.graph, deadline=self.graph_deadline), FixedToken())

    def seat(self, *people: Agent) -> None:
        for agent in people:
            self.connector.add_member(teams.TEAM, agent.account())

    async def signed_up(self, people: list[Agent]) -> None:
        """``people`` bound to signatures xa0, xa1, ... before the race (as on an earlier day)."""
        book = SignatureBook(JsonFileStorage(self.tmp / "state"))
        for n, agent in enumerate(people):
            await book.bind(agent.aad_object_id, f"xa{n}", agent.name)

    async def bound(self) -> dict[str, str]:
        """Account -> signature, as the shared state holds them now."""
        book = SignatureBook(JsonFileStorage(self.tmp / "state"))
        return {b.aad_object_id: b.signature for b in await book.bindings() if b.active}

    def rows(self) -> list[dict[str, Any]]:
        """The workbook's cases as the store holds them now."""
        if self.graph is not None:
            return [r for r in self.graph.workbook.rows() if r.get("Ärende-ID")]
        if not self.workbook.exists():
            return []
        return workbook_rows(self.offices[0])

    @contextlib.asynccontextmanager
    async def serve(self) -> AsyncIterator[Office]:
        """One more bot instance on this team's workbook and state, on its own port."""
        ledger = self.ledger()
        app = create_app(self.settings(), ledger=ledger, clock=Clock())
        async with on_loopback(app) as url:
            office = Office(
                url, self.connector, ledger, Clock(), self.workbook, self.session, app,  # type: ignore[arg-type]
            )  # fmt: skip
            self.offices.append(office)
            yield office


@contextlib.asynccontextmanager
async def bench_on(store: str, tmp: Path) -> AsyncIterator[Bench]:
    connector = FakeConnector()
    await connector.start()
    graph = FakeGraph() if store == "graph" else None
    if graph is not None:
        await graph.start()
    # Enough connections for a hundred clicks in flight at once.
    http = aiohttp.TCPConnector(limit=200)
    try:
        async with aiohttp.ClientSession(connector=http) as session:
            yield Bench(store, tmp, connector, session, graph)
    finally:
        if graph is not None:
            await graph.stop()
        await connector.stop()


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    """``work``'s result and how long it took: for the printed figures, never asserted."""
    started = time.perf_counter()
    result = await work
    return result, time.perf_counter() - started

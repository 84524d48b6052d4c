"""The office the fault matrix clicks in: the bot's real app on loopback, on either store.

``office_on("local" | "graph", ...)``: the app from ``bot.app.create_app``, the
fake Bot Connector, and the local workbook or the Graph Ledger on the fake
Graph, with the budgets shrunk (see ``CLICK_BUDGET``). Retry passes are run by
the test (``Bench.retry_pass``), never on a timer.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import openpyxl

from bot.app import REDRAWS, create_app
from bot.config import Settings
from bot.redraw_outbox import KEY as OUTBOX
from bot.storage import JsonFileStorage
from cases.columns import ARENDE_ID, HANTERAS_AV, KOMMENTAR, STATUS
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.conftest import LOCK_TIMEOUT, Clock, Office, on_loopback, seat_team
from tests.cards.schema import assert_valid_card
from tests.fakes import teams
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import VirtualTime

# Shrunk from 4 s and 2.5 s, so that an answer "too late" costs the test about a second.
CLICK_BUDGET = 2.0
GRAPH_DEADLINE = 1.2

CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"


class Sleeps(list):
    """The Poster's wait between retries: remembered, not waited."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- the office -------------------------------------------------------------


@dataclass
class Bench:
    office: Office
    connector: FakeConnector
    state_dir: Path
    graph: FakeGraph | None = None
    vtime: VirtualTime | None = None
    posts: dict[str, Post] = field(default_factory=dict)  # Ärende-ID -> its channel card

    def need_graph(self) -> FakeGraph:
        assert self.graph is not None
        return self.graph

    def rows(self) -> list[dict[str, str]]:
        if self.graph is not None:
            raw = self.graph.workbook.rows()
        else:
            book = openpyxl.load_workbook(self.office.workbook)
            values = list(book["Stora ärenden"].iter_rows(values_only=True))
            raw = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
        rows = [{str(k): "" if v is None else str(v) for k, v in row.items()} for row in raw]
        return [row for row in rows if any(row.values())]

    def heal(self) -> None:
        self.connector.heal()
        if self.graph is not None and self.vtime is not None:
            self.graph.clear_faults()
            self.vtime.skipped += 60  # past any Retry-After the bot was told to respect

    def faults_served(self) -> int:
        return self.connector.faults_served + (self.graph.faults_served if self.graph else 0)

    async def retry_pass(self) -> None:
        assert self.office.app is not None
        await self.office.app[REDRAWS].run()

    async def outbox(self) -> dict[str, Any]:
        document = (await JsonFileStorage(self.state_dir).read([OUTBOX])).get(OUTBOX) or {}
        return document.get("cases") or {}

    def state_text(self) -> str:
        return "\n".join(p.read_text("utf-8") for p in self.state_dir.glob("*.json"))

    def cards_of(self, case_id: str) -> list[Post]:
        return [p for p in self.connector.top_level_posts() if case_id in texts(p.card)]


def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "state",
        STORA_WORKBOOK=tmp_path / "stora-arenden.xlsx", STORA_TENANT_ID=teams.TENANT,
        STORA_TEAM_ID=teams.TEAM, STORA_NOTIFY_INTERVAL_SECONDS=0, STORA_REDRAW_RETRY_SECONDS=0,
        STORA_NOTIFY_POSTS_PER_SECOND=1000, STORA_GRAPH_CLICK_BUDGET=CLICK_BUDGET,
    )  # fmt: skip


@contextlib.asynccontextmanager
async def office_on(
    store: str,
    tmp_path: Path,
    fake_graph: FakeGraph,
    vtime: VirtualTime,
    make_ledger: Callable[..., Any],
) -> AsyncIterator[Bench]:
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    settings = settings_for(tmp_path)
    on_graph = store == "graph"
    ledger: Any = (
        make_ledger(deadline=GRAPH_DEADLINE) if on_graph
        else LocalWorkbookLedger(settings.workbook, lock_timeout=LOCK_TIMEOUT)
    )  # fmt: skip
    clock = Clock()
    app = create_app(settings, ledger=ledger, clock=clock, retry_sleep=Sleeps())
    try:
        async with on_loopback(app) as url, aiohttp.ClientSession() as session:
            office = Office(url, connector, ledger, clock, settings.workbook, session, app)
            graph = (fake_graph, vtime) if on_graph else (None, None)
            yield Bench(office, connector, settings.state_dir, *graph)
    finally:
        await connector.stop()


# -- reading what the agents see ----------------------------------------------


def answer_text(answer: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    if answer["type"] == ERROR:  # Universal Actions' error answer: Teams shows its message
        return answer["value"]["message"], None
    assert answer["type"] == CARD, answer
    assert_valid_card(answer["value"])
    return texts(answer["value"]), answer["value"]


def said(words: tuple[str, ...], text: str) -> bool:
    return any(w in text for w in words)


def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row[ARENDE_ID]: row for row in rows if row.get(ARENDE_ID)}


def channel_shows(card: dict[str, Any], row: dict[str, str]) -> bool:
    """The channel's card shows the case as the workbook has it."""
    shown = texts(card)
    if row[STATUS] == "Ny":
        return verbs(card) == {"claim", "details"}
    if row[STATUS] == "Hanterad":
        return "Hanterad" in shown and verbs(card) == set()
    handed_over = (
        bool(row[KOMMENTAR]) and row[HANTERAS_AV] == "xbo"
    )  # in this matrix, only Bo hands over
    return (
        row[HANTERAS_AV] in shown
        and verbs(card) == {"takeover", "details"}
        and (("Lämnat över" in shown) == handed_over)
    )


def assert_no_customer_data_shown(bench: Bench, customer_data: tuple[str, ...]) -> None:
    """Not in the channel, nor in any version of any message the bot sent, nor in bot state."""
    channel = bench.connector.all_text()
    sent = json.dumps([c.body for c in bench.connector.calls], ensure_ascii=False)
    state = bench.state_text()
    for value in customer_data:
        assert value not in channel, value
        assert value not in sent, value
        assert value not in state, value

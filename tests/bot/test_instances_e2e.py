"""Two bot instances, as App Service runs them during a slot swap or scaled out: one workbook
in the fake Graph, one bot state in Azure Blob storage (Azurite), one Teams.

Each instance is the real aiohttp app with its own Graph Ledger (its own
workbook session). The agents' clicks go to either one, all at once:
registrations, claims (some of one case by two agents on both instances),
closes; then both run their stall scan at the same moment. What must hold: no
Ärende-ID issued twice, every registration one row, one winner per claimed
case, each case card posted once, each stall notice posted once, and no
customer data left of a closed case.

Runs in ``make test`` wherever Azurite is installed (CI: ``.ci/run``); the
figure it prints is for docs/deploy.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from azure.storage.blob.aio import ContainerClient

from bot.app import create_app
from bot.config import Settings
from bot.identity import SignatureBook
from bot.responses import ERROR
from bot.state import create_storage
from cases.columns import ARENDE_ID, BESKRIVNING, CAB, KUNDNUMMER
from graph.ledger import GraphLedger
from tests.azurite import azurite_blob
from tests.bot.closing import close_case
from tests.bot.conftest import Clock, Office, on_loopback
from tests.bot.races import agents
from tests.bot.test_lifecycle_e2e import CARD, REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes import teams
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.connector import FakeConnector, Post
from tests.fakes.graph import FakeGraph
from tests.fakes.teams import Agent
from tests.graph.conftest import SDK_NOISE, FixedToken, config_for
from tests.notify.conftest import at

pytestmark = [pytest.mark.filterwarnings(noise) for noise in SDK_NOISE]

SECRET = "a-long-shared-secret-for-the-two-instances-0123"
REGISTRATIONS = 24  # half through each instance
CLAIMS = 16  # the rest stay new, and stall
RIVALS = 4  # claims of a case someone else claims at the same moment, on the other instance
CLOSES = 8
DONE = {
    "changedIds": ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(3)),
    "greeting": "AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatan 1",
}


def customer(n: int) -> dict[str, str]:
    """Registration ``n``'s customer data: its own in every field, so a leak names its case."""
    return {
        "customerNumber": f"50{n:05d}",
        "cabNumber": f"93{n:05d}",
        "description": f"Fakturaadresser hos kund nummer {n:02d}",
    }


@dataclass
class Pair:
    """The team's Teams, workbook and blob state, and the two instances serving them."""

    graph: FakeGraph
    connector: FakeConnector
    connection: str  # Azurite's
    container: str
    offices: tuple[Office, Office]

    def rows(self) -> list[dict[str, Any]]:
        return [r for r in self.graph.workbook.rows() if r[ARENDE_ID]]

    def case_cards(self) -> dict[str, list[Post]]:
        """Ärende-ID -> the channel's new threads showing it (the case cards)."""
        found: dict[str, list[Post]] = {}
        for post in self.connector.top_level_posts():
            shown = " ".join(texts(card) for card in post.cards)
            for case_id in {r[ARENDE_ID] for r in self.rows()}:
                if case_id in shown:
                    found.setdefault(case_id, []).append(post)
        return found

    def notices(self) -> list[str]:
        """The Ärende-ID each stall notice in the channel is about."""
        ids = []
        for post in self.connector.posts.values():
            if post.cards and (post.cards[0].get("body") or [{}])[0].get("id") == "stallNotice":
                ids += [c for c in (r[ARENDE_ID] for r in self.rows()) if c in texts(post.card)]
        return ids

    async def blob_text(self) -> str:
        """Everything the bot state holds now, as one string."""
        container = ContainerClient.from_connection_string(self.connection, self.container)
        async with container:
            return "\n".join([
                (await (await container.download_blob(blob.name)).readall()).decode()
                async for blob in container.list_blobs()
            ])  # fmt: skip

    async def scan_both(self) -> list[dict[str, Any]]:
        async def scan(office: Office) -> dict[str, Any]:
            headers = {"Authorization": f"Bearer {SECRET}"}
            async with office.session.post(f"{office.url}/api/notify", headers=headers) as answer:
                assert answer.status == 200
                return await answer.json()

        return list(await asyncio.gather(*(scan(o) for o in self.offices)))


@contextlib.asynccontextmanager
async def instance(
    settings: Settings, graph: FakeGraph, connector: FakeConnector, clock: Clock,
    session: aiohttp.ClientSession,
) -> AsyncIterator[Office]:  # fmt: skip
    ledger = GraphLedger(config_for(graph, deadline=4.0, click_budget=4.5), FixedToken())
    app = create_app(settings, ledger=ledger, clock=clock)
    async with on_loopback(app) as url:
        yield Office(url, connector, ledger, clock, Path(), session, app)  # type: ignore[arg-type]


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[Pair]:
    async with two_instances(tmp_path) as both:
        yield both


@contextlib.asynccontextmanager
async def two_instances(tmp_path: Path) -> AsyncIterator[Pair]:
    async with contextlib.AsyncExitStack() as stack:
        connection = await stack.enter_async_context(azurite_blob())
        graph = FakeGraph()
        await graph.start()
        stack.push_async_callback(graph.stop)
        connector = FakeConnector()
        await connector.start()
        stack.push_async_callback(connector.stop)
        container = f"state-{uuid.uuid4().hex[:8]}"
        settings = Settings(
            _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "unused",
            STORA_WORKBOOK=tmp_path / "unused.xlsx", STORA_TENANT_ID=teams.TENANT,
            STORA_TEAM_ID=teams.TEAM, STORA_STORAGE="blob", STORA_BLOB_CONTAINER=container,
            STORA_BLOB_CONNECTION_STRING=connection, STORA_GRAPH_CLICK_BUDGET=4.5,
            STORA_NOTIFY_SECRET=SECRET, STORA_NOTIFY_INTERVAL_SECONDS=0,
            STORA_NOTIFY_POSTS_PER_SECOND=1000,
        )  # fmt: skip
        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        )
        clock = Clock(at(2026, 11, 23, 9))  # a Monday morning
        offices = (
            await stack.enter_async_context(instance(settings, graph, connector, clock, session)),
            await stack.enter_async_context(instance(settings, graph, connector, clock, session)),
        )
        yield Pair(graph, connector, connection, container, offices)


async def sign_up(pair: Pair, people: list[Agent]) -> None:
    """The agents' signatures, in the shared state (as on an earlier day)."""
    for agent in people:
        pair.connector.add_member(teams.TEAM, agent.account())
    storage = create_storage(
        Settings(_env_file=None, STORA_STORAGE="blob", STORA_BLOB_CONTAINER=pair.container,
                 STORA_BLOB_CONNECTION_STRING=pair.connection)
    )  # fmt: skip
    book = SignatureBook(storage)
    for n, agent in enumerate(people):
        await book.bind(agent.aad_object_id, f"xa{n}", agent.name)
    await storage.close()  # type: ignore[attr-defined]


async def test_two_instances_register_claim_and_close_at_once_without_a_duplicate(
    pair: Pair,
) -> None:
    started = time.perf_counter()
    people = agents(REGISTRATIONS, "two")
    await sign_up(pair, people)
    status, _ = await pair.offices[0].post(teams.installed_in_team(people[0], pair.connector.url))
    assert status in (200, 201)  # the bot learns the team's channel, in the shared state

    # -- register: every agent at once, half through each instance ----------
    at_ = [pair.offices[n % 2] for n in range(REGISTRATIONS)]
    forms = await asyncio.gather(
        *(o.say(p, "registrera") for o, p in zip(at_, people, strict=True))
    )
    answers = await asyncio.gather(*(
        o.click(p, form, "register", {**REGISTRATION, **customer(n)})
        for n, (o, p, form) in enumerate(zip(at_, people, forms, strict=True))
    ))  # fmt: skip
    rows = pair.rows()
    by_customer = {str(r[KUNDNUMMER]): r[ARENDE_ID] for r in rows}
    ids = [r[ARENDE_ID] for r in rows]
    assert len(ids) == len(set(ids)) == REGISTRATIONS, sorted(ids)  # no ID twice, no row lost
    assert set(by_customer) == {customer(n)["customerNumber"] for n in range(REGISTRATIONS)}
    for n, answer in enumerate(answers):  # each agent told their own case's ID
        assert f"{by_customer[customer(n)['customerNumber']]} är registrerat" in texts(
            card_of(answer)
        )
    cards = pair.case_cards()
    assert {case_id: len(posts) for case_id, posts in cards.items()} == dict.fromkeys(ids, 1)

    # -- claim 16, four of them by two agents at once through both instances ---
    claimed = ids[:CLAIMS]
    clicks = [(n % 2, people[n], case_id) for n, case_id in enumerate(claimed)]
    clicks += [((n + 1) % 2, people[CLAIMS + n], claimed[n]) for n in range(RIVALS)]
    claims = await asyncio.gather(*(
        pair.offices[at].click(agent, cards[case_id][0], "claim") for at, agent, case_id in clicks
    ))  # fmt: skip
    handler_of = {r[ARENDE_ID]: r["Hanteras av"] for r in pair.rows()}
    winners: dict[str, tuple[Agent, dict[str, Any]]] = {}
    told = 0
    for (_, agent, case_id), answer in zip(clicks, claims, strict=True):
        signature = f"xa{people.index(agent)}"
        if answer["type"] == CARD and verbs(answer["value"]) == {"handover.form", "close.form"}:
            assert signature == handler_of[case_id]  # told it has the case: the row agrees
            assert case_id not in winners, case_id  # one winner per case
            winners[case_id] = (agent, answer["value"])
        else:  # told who has it, or that nothing was saved
            assert answer["type"] == ERROR or handler_of[case_id] in texts(card_of(answer))
            told += answer["type"] == CARD
    assert sorted(winners) == sorted(claimed)

    # -- close 8 of them, each through the other instance ----------------------
    forms = await asyncio.gather(*(
        pair.offices[(n + 1) % 2].click(
            winners[case_id][0], cards[case_id][0], "close.form", card=winners[case_id][1]
        )
        for n, case_id in enumerate(claimed[:CLOSES])
    ))  # fmt: skip
    closes = await asyncio.gather(*(
        close_case(
            pair.offices[n % 2], winners[case_id][0], cards[case_id][0], DONE, card=card_of(form)
        )
        for n, (case_id, form) in enumerate(zip(claimed, forms, strict=False))
    ))  # fmt: skip
    assert all("Inget sparades" not in texts(card_of(answer)) for answer in closes)  # e-mail drafts
    status_of = {r[ARENDE_ID]: r["Status"] for r in pair.rows()}
    assert [status_of[c] for c in claimed] == ["Hanterad"] * CLOSES + ["Påbörjad"] * (
        CLAIMS - CLOSES
    )
    for row in pair.rows():
        if row["Status"] == "Hanterad":  # its customer data wiped from the workbook
            assert (row[KUNDNUMMER], row[CAB], row[BESKRIVNING]) == ("", "", "")

    # -- the stall scans: both instances at once, now and four hours later -----
    await pair.scan_both()  # the first scans: nothing stalled yet
    pair.offices[0].clock.now = at(2026, 11, 23, 13, 5)
    reports = await pair.scan_both()
    stalled = ids[CLAIMS:]  # still new after four hours
    assert sorted(pair.notices()) == sorted(stalled)  # each one once, from one instance
    assert sum(r["notices"] for r in reports) == len(stalled)

    # -- no customer data of a closed case anywhere: workbook, bot state, channel
    state, channel = await pair.blob_text(), pair.connector.all_text()
    for n in range(REGISTRATIONS):
        if status_of[by_customer[customer(n)["customerNumber"]]] == "Hanterad":
            for value in customer(n).values():
                assert value not in state and value not in channel
    print(
        f"\nTwo instances, one workbook and blob state: {REGISTRATIONS} registrations,"
        f" {len(set(ids))} unique IDs ({min(ids)}..{max(ids)}), {len(rows)} rows,"
        f" {len(cards)} case cards, {CLAIMS} claims ({RIVALS} contested: {told} told who won), {CLOSES} closes,"
        f" {len(pair.notices())} stall notices for {len(stalled)} stalled cases;"
        f" {pair.graph.counts['rows.add']} rows/add; {time.perf_counter() - started:.1f} s"
    )

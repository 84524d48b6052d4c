"""The office for stall notices: bot instances on loopback sharing a state folder and a workbook.

Each ``Instance`` is the real aiohttp app, as ``python -m bot`` runs it, so a
test can restart the bot (a new instance on the same folders) or run two at
once. All talk to one fake Bot Connector, which records every proactive post,
and read one controllable clock. The in-process schedule is off unless a test
turns it on: scans run when the test calls ``POST /api/notify``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import openpyxl
import pytest
from aiohttp import web

from bot.app import create_app
from bot.config import Settings
from bot.notify import NOTIFIER, StallNotifier
from bot.storage import JsonFileStorage
from cases import lifecycle
from cases.clock import STOCKHOLM
from cases.model import Case, NewCase
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.conftest import ANNA, LOCK_TIMEOUT, Clock, Office, seat_team
from tests.fakes import teams
from tests.fakes.connector import FakeConnector, Post

SECRET = "a-long-shared-secret-for-the-tests-0123456789"
CUSTOMER = {
    "customer_number": "5012345",
    "cab_number": "9876543",
    "description": "22 fakturaadresser, Elin",
}
CUSTOMER_VALUES = tuple(CUSTOMER.values())


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


@dataclass
class Instance:
    app: web.Application
    runner: web.AppRunner
    url: str
    stopped: bool = False

    @property
    def notifier(self) -> StallNotifier:
        return self.app[NOTIFIER]

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()


class Team:
    def __init__(
        self, tmp_path: Path, connector: FakeConnector, session: aiohttp.ClientSession
    ) -> None:
        self.connector = connector
        self.session = session
        self.clock = Clock(at(2026, 11, 23, 9))  # a Monday
        self.workbook = tmp_path / "stora-arenden.xlsx"
        self.state_dir = tmp_path / "state"
        self.ledger = LocalWorkbookLedger(self.workbook, lock_timeout=LOCK_TIMEOUT)
        self.instances: list[Instance] = []

    async def start(self, **env: Any) -> Instance:
        defaults = {
            "STORA_NOTIFY_SECRET": SECRET,
            "STORA_NOTIFY_INTERVAL_SECONDS": 0,
            "STORA_NOTIFY_POSTS_PER_SECOND": 1000,
        }
        settings = Settings(
            _env_file=None,
            MicrosoftAppId="",
            STORA_STATE_DIR=self.state_dir,
            STORA_WORKBOOK=self.workbook,
            STORA_TENANT_ID=teams.TENANT,
            STORA_TEAM_ID=teams.TEAM,
            **{**defaults, **env},
        )
        ledger = LocalWorkbookLedger(self.workbook, lock_timeout=LOCK_TIMEOUT)
        app = create_app(settings, ledger=ledger, clock=self.clock)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        instance = Instance(app, runner, f"http://127.0.0.1:{port}")
        self.instances.append(instance)
        return instance

    async def stop_all(self) -> None:
        for instance in self.instances:
            await instance.stop()

    def office(self, instance: Instance) -> Office:
        """The agents' side of one instance: say, click, sign up (tests/bot/conftest.py)."""
        return Office(
            instance.url, self.connector, self.ledger, self.clock, self.workbook, self.session
        )

    async def install(self, instance: Instance) -> None:
        """The bot is added to the Backoffice team: it learns the channel to post to."""
        async with self.session.post(
            f"{instance.url}/api/messages", json=teams.installed_in_team(ANNA, self.connector.url)
        ) as response:
            assert response.status in (200, 201)

    async def trigger(
        self, instance: Instance, *, authorization: str | None = None
    ) -> tuple[int, Any]:
        headers = {
            "Authorization": authorization if authorization is not None else f"Bearer {SECRET}"
        }
        async with self.session.post(f"{instance.url}/api/notify", headers=headers) as response:
            text = await response.text()
            try:
                return response.status, json.loads(text)
            except ValueError:
                return response.status, text

    async def scan(self, instance: Instance) -> dict[str, Any]:
        status, report = await self.trigger(instance)
        assert status == 200, (status, report)
        return report

    # -- cases, as the agents' clicks would leave them ------------------------

    async def register(self) -> Case:
        return await self.ledger.add(
            NewCase(registered_by="xanna", registered_at=self.clock(), **CUSTOMER)
        )

    async def claim(self, case_id: str, who: str = "xbo") -> Case:
        case = await self.ledger.get(case_id)
        return await self.ledger.update(case, lifecycle.claim(case, actor=who, now=self.clock()))

    async def hand_over(self, case_id: str) -> Case:
        case = await self.ledger.get(case_id)
        changed = lifecycle.hand_over(
            case, actor=case.handler, note="Klar med 10 av 22", now=self.clock()
        )
        return await self.ledger.update(case, changed)

    def edit_in_excel(self, case_id: str, header: str, value: object) -> None:
        """A person changes one cell in Excel and saves; Senast ändrad is left as it was."""
        book = openpyxl.load_workbook(self.workbook)
        sheet = book["Stora ärenden"]
        headers = [cell.value for cell in sheet[1]]
        column = headers.index(header) + 1
        id_column = headers.index("Ärende-ID") + 1
        (row,) = [
            r for r in range(2, sheet.max_row + 1) if sheet.cell(r, id_column).value == case_id
        ]
        sheet.cell(row, column).value = value
        book.save(self.workbook)

    # -- what the channel shows --------------------------------------------

    def notices(self) -> list[Post]:
        return [p for p in self.connector.posts.values() if _first_id(p) == "stallNotice"]

    def digests(self) -> list[Post]:
        return [p for p in self.connector.posts.values() if _first_id(p) == "stallDigest"]

    async def book(self) -> dict[str, Any]:
        """The notices' bookkeeping as it is stored."""
        return (await JsonFileStorage(self.state_dir).read(["stall-notices"])).get(
            "stall-notices", {}
        )

    def state_text(self) -> str:
        return "\n".join(p.read_text("utf-8") for p in self.state_dir.glob("*.json"))


def _first_id(post: Post) -> str | None:
    cards = post.cards
    if not cards:
        return None
    body = cards[0].get("body") or [{}]
    return body[0].get("id")


class GatedConnector(FakeConnector):
    """The fake Bot Connector, able to hold new posts until the test lets them through."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()

    def hold(self) -> None:
        self.arrived.clear()
        self.release.clear()

    async def stop(self) -> None:
        self.release.set()  # a test that failed while holding a post must not hang
        await super().stop()

    async def _create_conversation(self, request: web.Request) -> web.Response:
        self.arrived.set()
        await self.release.wait()
        return await super()._create_conversation(request)


@pytest.fixture
async def connector() -> AsyncIterator[GatedConnector]:
    fake = GatedConnector()
    await fake.start()
    seat_team(fake)
    yield fake
    await fake.stop()


@pytest.fixture
async def team(tmp_path: Path, connector: FakeConnector) -> AsyncIterator[Team]:
    async with aiohttp.ClientSession() as session:
        office = Team(tmp_path, connector, session)
        yield office
        await office.stop_all()

"""The bot's real app on the Graph Ledger: clicks over HTTP, the workbook in the fake Graph.

Also: the store is chosen from the settings, and one Teams request's Graph
work shares one budget inside Teams' 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from bot.app import SERVICES, create_app
from bot.config import Settings
from graph.ledger import GraphLedger
from local_workbook.ledger import LocalWorkbookLedger
from tests.bot.closing import close_case
from tests.bot.conftest import ANNA, BO, CIA, Clock, Office, on_loopback, seat_team
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes import teams
from tests.fakes.cardwalk import inputs, texts
from tests.fakes.connector import FakeConnector
from tests.fakes.graph import DRIVE_ID, ITEM_ID, FakeGraph

MakeLedger = Callable[..., GraphLedger]


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "MicrosoftAppId": "",
        "STORA_STATE_DIR": tmp_path / "state",
        "STORA_WORKBOOK": tmp_path / "unused.xlsx",
        "STORA_TENANT_ID": teams.TENANT,
        "STORA_TEAM_ID": teams.TEAM,
        "STORA_NOTIFY_INTERVAL_SECONDS": 0,
    }
    return Settings(_env_file=None, **{**values, **extra})


@contextlib.asynccontextmanager
async def graph_office(
    tmp_path: Path, ledger: GraphLedger, **extra: object
) -> AsyncIterator[Office]:
    """The bot's real app on ``ledger`` over loopback, ``extra`` in its settings."""
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    clock = Clock()
    app = create_app(settings_for(tmp_path, **extra), ledger=ledger, clock=clock)
    async with on_loopback(app) as url, aiohttp.ClientSession() as session:
        yield Office(url, connector, ledger, clock, tmp_path, session)  # type: ignore[arg-type]
    await connector.stop()


@pytest.fixture
async def office_on_graph(
    tmp_path: Path, make_ledger: MakeLedger, request: pytest.FixtureRequest
) -> AsyncIterator[Office]:
    budget, deadline = getattr(request, "param", (4.0, 2.5))
    ledger = make_ledger(virtual=False, deadline=deadline)
    async with graph_office(tmp_path, ledger, STORA_GRAPH_CLICK_BUDGET=budget) as office:
        yield office


async def test_a_case_goes_through_its_life_in_sharepoint(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    for agent, signature in ((ANNA, "xanna"), (BO, "xbo"), (CIA, "xcia")):
        await office.sign_up(agent, signature)
    form = await office.say(ANNA, "registrera")
    assert "SA-000001" in texts(card_of(await office.click(ANNA, form, "register", REGISTRATION)))
    post = office.connector.top_level_posts()[-1]
    claimed = card_of(await office.click(BO, post, "claim"))
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))
    card_of(await office.click(BO, post, "handover", {"note": "Klar med 10 av 22"}, card=form))
    card_of(await office.click(CIA, office.connector.last(), "takeover"))  # from the notice
    taken = card_of(await office.refresh(CIA, post))  # her own view of the case card
    form = card_of(await office.click(CIA, post, "close.form", card=taken))
    ids = ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(3))
    done = {
        "changedIds": ids,
        "greeting": "AB",
        "emailChange": "fakturaadress",
        "emailValue": "Gatan 1",
    }
    card_of(await close_case(office, CIA, post, done, card=form))
    (row,) = fake_graph.workbook.rows()
    assert (row["Status"], row["Hanteras av"], row["Registrerat av"]) == (
        "Hanterad",
        "xcia",
        "xanna",
    )
    assert (row["Kundnummer"], row["Vad gäller ärendet"], row["Eventuell kommentar"]) == (
        "",
        "",
        "",
    )


async def test_a_throttled_registration_keeps_what_was_typed_and_saves_nothing(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    fake_graph.inject(None, status=429, retry_after="30", times=100)
    answer = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert inputs(answer)["customerNumber"]["value"] == REGISTRATION["customerNumber"]
    assert "Inget sparades" in texts(answer)
    assert fake_graph.workbook.rows()[0]["Ärende-ID"] == ""
    assert office.connector.top_level_posts() == []


@pytest.mark.parametrize("office_on_graph", [(4.0, 0.6)], indirect=True)
async def test_a_registration_answered_too_late_says_it_may_be_saved(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    await office.ledger.list()  # steady state: the next add is one read and one write
    form = await office.say(ANNA, "registrera")
    fake_graph.inject("$batch", delay=0.0)  # the read: on time
    fake_graph.inject("$batch", delay=1.0)  # the write: done, answered after the deadline
    answer = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert inputs(answer)["description"]["value"] == REGISTRATION["description"]
    assert "oklart om ändringen sparades (SA-000001)" in texts(answer)
    await asyncio.sleep(0.8)  # Graph finishes the slow write: the agent was told it may be there
    assert fake_graph.workbook.rows()[0]["Ärende-ID"] == "SA-000001"


@pytest.mark.parametrize("office_on_graph", [(0.6, 0.6)], indirect=True)
async def test_one_click_stays_inside_its_budget(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    post = office.connector.top_level_posts()[-1]
    # Each request slow: the click's read fits the budget, its write does not. The
    # write was sent, so the agent is told it is unclear whether it was saved.
    fake_graph.latency = 0.35
    started = time.perf_counter()
    answer = await office.click(BO, post, "claim")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.2
    assert "oklart om ändringen sparades" in str(answer)
    fake_graph.latency = 0
    assert fake_graph.workbook.rows()[0]["Status"] == "Ny"


def test_the_graph_store_is_chosen_when_its_settings_are_there(tmp_path: Path) -> None:
    local = create_app(settings_for(tmp_path))
    assert isinstance(local[SERVICES].ledger, LocalWorkbookLedger)
    graph = create_app(
        settings_for(
            tmp_path,
            STORA_GRAPH_DRIVE_ID=DRIVE_ID,
            STORA_GRAPH_ITEM_ID=ITEM_ID,
            AZURE_TENANT_ID="contoso.onmicrosoft.com",
            AZURE_CLIENT_ID="11111111-2222-3333-4444-555555555555",
            AZURE_CLIENT_SECRET="not-used-here",
        )
    )
    ledger = graph[SERVICES].ledger
    assert isinstance(ledger, GraphLedger)
    assert ledger.config.credential_kind == "secret"
    assert "not-used-here" not in repr(ledger.config)


def test_graph_settings_fall_back_to_the_bots_own_identity(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        STORA_GRAPH_GROUP_ID="g",
        MicrosoftAppId="app",
        MicrosoftAppPassword="pw",
        MicrosoftAppTenantId="t",
    )
    config = settings.graph_config()
    assert config.configured and (config.client_id, config.tenant_id, config.credential_kind) == (
        "app",
        "t",
        "secret",
    )
    msi = settings_for(
        tmp_path, STORA_GRAPH_GROUP_ID="g", MicrosoftAppId="mi", MicrosoftAppType="UserAssignedMSI"
    )
    assert msi.graph_config().credential_kind == "managed-identity"
    assert msi.graph_config().client_id == "mi"


@pytest.fixture
def sessions_refused(fake_graph: FakeGraph, request: pytest.FixtureRequest) -> str:
    """Before the bot starts (it opens its session at start-up): sessions refused in a shape."""
    fake_graph.refuse("createSession", request.param)
    return request.param


@pytest.mark.parametrize("sessions_refused", ["open", "edit", "wac", "denied"], indirect=True)
async def test_a_click_succeeds_when_sessions_are_refused_in_any_shape(
    sessions_refused: str, office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    """App-only sessions refused (graph.errors.Refusal): the bot works without one."""
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    form = await office.say(ANNA, "registrera")
    assert "SA-000001" in texts(card_of(await office.click(ANNA, form, "register", REGISTRATION)))
    post = office.connector.top_level_posts()[-1]
    card_of(await office.click(BO, post, "claim"))
    assert fake_graph.workbook.rows()[0]["Hanteras av"] == "xbo"
    assert fake_graph.counts["createSession"] == 1 and fake_graph.sessionless_requests > 0

"""The Graph Ledger against the fake Graph on loopback, with the real msgraph-sdk in between."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Self

import pytest
from azure.core.credentials import AccessToken

from graph.config import GraphConfig
from graph.ledger import GraphLedger
from tests.fakes.graph import DRIVE_ID, ITEM_ID, TOKEN, FakeGraph
from tests.fakes.graph_workbook import Workbook

# msgraph-sdk's generated request builders warn about their own deprecated
# configuration classes as each module is first imported: noise, not ours.
SDK_NOISE = (
    "ignore:This class is deprecated. Please use the generic RequestConfiguration",
    "ignore:GetQueryParameters is deprecated:DeprecationWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/graph/" in str(item.path).replace("\\", "/"):
            for noise in SDK_NOISE:
                item.add_marker(pytest.mark.filterwarnings(noise))


class FixedToken:
    """An ``AsyncTokenCredential`` that never calls login.microsoftonline.com."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    async def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        pass

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        pass


class VirtualTime:
    """Real time plus what retries "slept": a 2 s Retry-After costs the test nothing."""

    def __init__(self) -> None:
        self.skipped = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return time.monotonic() + self.skipped

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.skipped += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def fake_graph(vtime: VirtualTime) -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    fake.clock = vtime.clock  # sessions expire on the time the ledger's retries skip too
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def vtime() -> VirtualTime:
    return VirtualTime()


def config_for(fake: FakeGraph, **changes: Any) -> GraphConfig:
    values: dict[str, Any] = {"drive_id": DRIVE_ID, "item_id": ITEM_ID, "base_url": fake.base_url}
    values.update(changes)
    return GraphConfig(**values)


@pytest.fixture
async def make_ledger(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> AsyncIterator[Callable[..., GraphLedger]]:
    """``make_ledger(deadline=0.5, fake=other)``: a Graph Ledger on a fake, closed afterwards.

    Its keep-alive beats every real minute unless ``beat`` (its pause) is given.
    """
    made: list[GraphLedger] = []

    def make(
        *,
        fake: FakeGraph | None = None,
        credential: Any = None,
        virtual: bool = True,
        beat: Any = None,
        **changes: Any,
    ) -> GraphLedger:
        kwargs: dict[str, Any] = {}
        if virtual:
            kwargs.update(clock=vtime.clock, sleep=vtime.sleep)
        if beat is not None:
            kwargs.update(beat=beat)  # the keep-alive's pause between beats
        config = config_for(fake or fake_graph, **changes)
        ledger = GraphLedger(config, credential or FixedToken(), **kwargs)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        await ledger.aclose()


@pytest.fixture
async def other_fake() -> AsyncIterator[Callable[[Workbook], Any]]:
    """``await other_fake(workbook)``: a second fake Graph serving a workbook of the test's own."""
    started: list[FakeGraph] = []

    async def start(workbook: Workbook) -> FakeGraph:
        fake = FakeGraph(workbook)
        await fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        await fake.stop()

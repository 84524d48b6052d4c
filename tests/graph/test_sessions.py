"""The workbook session as Graph treats it: ended for good, expiring when idle, slow to make.

- A session Graph says is over is never sent again; the call goes on with a
  new session, or without one, as Microsoft's error-handling page allows.
- While the bot runs, its keep-alive refreshes the session, so the first click
  after a quiet hour makes none.
- A click never waits for a session being made: it goes on without one, and
  later clicks use the session once it is there. Only start-up waits for one.

Time is virtual: the fake's sessions expire on the ledger's clock, and the
keep-alive beats only when the test turns ``Beats``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from cases.model import Status
from graph.errors import GraphUnavailable
from graph.ledger import GraphLedger
from graph.session import SESSION_REST
from tests.contract.ledger_contract import claimed, handed_over, registration
from tests.fakes.graph import DRIVE_ID, ITEM_ID, TOKEN, FakeGraph
from tests.fakes.graph_sessions import ENDINGS
from tests.graph.conftest import VirtualTime

MakeLedger = Callable[..., GraphLedger]

NEW_SESSION = [
    "invalidSessionReCreatable",
    "invalidSessionNotFound",
    "invalidSessionAccessConflict",
]
WITHOUT_ONE = [
    "invalidSessionAuthentication",
    "invalidSessionRestricted",
    "invalidSessionUnexpected",
    "invalidSessionUnsupportedWorkbook",
]
NOT_RESENT = ["internalServerErrorUncategorized"]


def sessions_sent(fake: FakeGraph, since: int) -> list[str]:
    """The session each workbook request carried ("": none), createSession left out."""
    return [session for kind, session, _ in fake.log[since:] if kind != "createSession"]


class Beats:
    """The keep-alive's pause, turned by the test: virtual time passes one beat at a time."""

    def __init__(self, vtime: VirtualTime) -> None:
        self._vtime = vtime
        self._asked: asyncio.Queue[tuple[float, asyncio.Future[None]]] = asyncio.Queue()
        self._held: tuple[float, asyncio.Future[None]] | None = None
        self.beats = 0

    async def __call__(self, seconds: float) -> None:
        go: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._asked.put_nowait((seconds, go))
        await go

    async def run(self, seconds: float) -> None:
        """Let ``seconds`` pass, a beat at a time; returns once the last beat is done."""
        while True:
            if self._held is None:
                async with asyncio.timeout(10):  # a keep-alive that never started: fail, not hang
                    self._held = await self._asked.get()
            wanted, go = self._held
            if seconds <= 0:
                return
            self._held = None
            self._vtime.skipped += wanted
            seconds -= wanted
            self.beats += 1
            go.set_result(None)

    @property
    def stopped(self) -> bool:
        """The keep-alive was stopped while it paused."""
        return self._held is not None and self._held[1].cancelled()


# -- sessions Graph ended ---------------------------------------------------------------


def test_every_code_the_fake_ends_a_session_with_is_covered() -> None:
    assert sorted(NEW_SESSION + WITHOUT_ONE + NOT_RESENT) == sorted(ENDINGS)


@pytest.mark.parametrize("code", NEW_SESSION)
async def test_a_session_graph_ended_is_replaced_and_the_call_goes_on(
    fake_graph: FakeGraph, make_ledger: MakeLedger, code: str
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    [dead] = fake_graph.end_session(code=code)
    since = len(fake_graph.log)
    assert await ledger.update(case, claimed(case)) == claimed(case)
    await ledger.session.settled()  # made in the background meanwhile
    new = ledger.session.id
    await ledger.get(case.case_id)
    sent = sessions_sent(fake_graph, since)
    assert sent.count(dead) == 1  # the request that found out, and never again
    assert fake_graph.counts["createSession"] == 2
    assert set(sent[sent.index(dead) + 1 :]) <= {"", new}  # none until the new one is there
    assert sent[-2:] == [new, new]  # the get: header row, row


@pytest.mark.parametrize("code", WITHOUT_ONE)
async def test_a_session_ended_as_unwelcome_means_going_without_one_for_a_while(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime, code: str
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    [dead] = fake_graph.end_session(code=code)
    since = len(fake_graph.log)
    assert await ledger.update(case, claimed(case)) == claimed(case)
    await ledger.get(case.case_id)
    sent = sessions_sent(fake_graph, since)
    assert sent.count(dead) == 1
    assert sent[sent.index(dead) + 1 :] == [""] * (len(sent) - sent.index(dead) - 1)
    assert fake_graph.counts["createSession"] == 1  # Graph does not expect the same one soon
    vtime.skipped += SESSION_REST + 1
    assert (await ledger.get(case.case_id)).status is Status.PABORJAD
    await ledger.session.settled()  # asked for by that get, made in the background
    assert fake_graph.counts["createSession"] == 2
    since = len(fake_graph.log)
    await ledger.get(case.case_id)
    assert sessions_sent(fake_graph, since) == [ledger.session.id] * 2  # the new session


async def test_after_an_unspecified_error_the_request_is_not_resent_nor_the_session(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    [dead] = fake_graph.end_session(code="internalServerErrorUncategorized")
    since = len(fake_graph.log)
    with pytest.raises(GraphUnavailable):  # "not expected to resend the failed request"
        await ledger.update(case, claimed(case))
    assert await ledger.update(case, claimed(case)) == claimed(case)
    await ledger.session.settled()
    sent = sessions_sent(fake_graph, since)
    assert sent.count(dead) == 1
    assert fake_graph.counts["createSession"] == 2


async def test_a_refresh_that_finds_the_session_ended_has_a_new_one_made(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    [dead] = fake_graph.end_session(code="invalidSessionNotFound")
    vtime.skipped += 150
    assert await ledger.keep_alive.beat() == "failed"
    await ledger.session.settled()
    assert ledger.session.id not in (None, dead)
    since = len(fake_graph.log)
    await ledger.get(case.case_id)
    assert sessions_sent(fake_graph, since) == [ledger.session.id] * 2  # header row, row
    assert fake_graph.counts["createSession"] == 2


# -- kept alive -------------------------------------------------------------------------


async def test_the_fake_expires_an_idle_session_and_a_refresh_renews_it(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    workbook = f"{fake_graph.base_url}/drives/{DRIVE_ID}/items/{ITEM_ID}/workbook"
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        made = await http.post(f"{workbook}/createSession", json={"persistChanges": True})
        session = {"workbook-session-id": made.json()["id"]}
        statuses = []
        for idle in (200, 200, 301, 0):
            vtime.skipped += idle
            refreshed = await http.post(f"{workbook}/refreshSession", headers=session)
            statuses.append(refreshed.status_code)
    assert statuses == [204, 204, 404, 404]  # renewed twice; then expired, and it stays so


async def test_after_a_quiet_hour_the_first_click_makes_no_session(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    beats = Beats(vtime)
    ledger = make_ledger(beat=beats)
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    await beats.run(3600)
    assert beats.beats == 60
    assert 20 <= fake_graph.counts["refreshSession"] <= 30  # every two or three minutes
    fake_graph.reset_counts()
    case = await ledger.update(case, claimed(case))
    assert fake_graph.counts["createSession"] == 0
    assert fake_graph.http == {"$batch": 1, "range.patch": 1}  # no failed request first
    await ledger.aclose()
    assert beats.stopped


async def test_a_busy_workbook_skips_a_beat(
    fake_graph: FakeGraph, make_ledger: MakeLedger, vtime: VirtualTime
) -> None:
    ledger = make_ledger()
    await ledger.warm_up()
    await ledger.add(registration(1))
    vtime.skipped += 150
    async with ledger._lock:  # a click at the workbook
        assert await ledger.keep_alive.beat() == "busy"
    assert fake_graph.counts["refreshSession"] == 0
    assert await ledger.keep_alive.beat() == "refreshed"
    assert fake_graph.max_in_flight == 1


# -- slow to make -------------------------------------------------------------------------


@pytest.mark.parametrize("code", NEW_SESSION)
async def test_a_click_never_waits_for_a_new_session(
    fake_graph: FakeGraph, make_ledger: MakeLedger, code: str
) -> None:
    # Main's click waited up to half its time for the new session (a claim: 1.2 s of its
    # 2.5 s). Given minutes, any such wait would hold this click for minutes.
    ledger = make_ledger(deadline=600)
    await ledger.warm_up()
    case = await ledger.add(registration(1))
    [dead] = fake_graph.end_session(code=code)
    made = asyncio.Event()
    fake_graph.before("createSession", lambda _wb: made.wait())  # Graph takes its time
    since = len(fake_graph.log)
    try:
        async with asyncio.timeout(10):  # a click that waits for the session: fail, not hang
            assert await ledger.update(case, claimed(case)) == claimed(case)
        making = ledger.session._making
        assert making is not None and not making.done()  # answered while the session is made
        assert set(sessions_sent(fake_graph, since)) == {dead, ""}  # found out; then without
    finally:
        made.set()
    await ledger.session.settled()
    assert ledger.session.id not in (None, dead)
    assert fake_graph.counts["createSession"] == 2  # one at a time


async def test_start_up_waits_for_its_session(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    fake_graph.inject("createSession", delay=0.2)
    ledger = make_ledger()
    await ledger.warm_up()
    assert ledger.session.id is not None
    assert fake_graph.sessionless_requests == 0


async def test_a_slow_new_session_does_not_hold_up_the_click(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    # Main's code made the session inside the click and failed it when that took too long.
    ledger = make_ledger(deadline=0.6)
    fake_graph.inject("createSession", delay=1.0)
    first, _ = await asyncio.gather(ledger.add(registration(1)), ledger.add(registration(2)))
    assert fake_graph.sessionless_requests > 0
    await ledger.session.settled()
    assert fake_graph.counts["createSession"] == 1  # one at a time, however many clicks wait
    since = len(fake_graph.log)
    await ledger.update(first, handed_over(first, "Halvvägs"))
    assert set(sessions_sent(fake_graph, since)) == {ledger.session.id}
    assert fake_graph.counts["createSession"] == 1


async def test_closing_stops_a_session_being_made(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=0.6)
    fake_graph.inject("createSession", delay=1.0)
    await ledger.list()
    making = ledger.session._making
    assert making is not None and not making.done()
    await ledger.aclose()
    assert making.cancelled()
    assert fake_graph.counts["closeSession"] == 0


async def test_closing_closes_a_session_made_in_the_background(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    ledger = make_ledger(deadline=0.6)
    fake_graph.inject("createSession", delay=1.0)
    await ledger.list()
    await ledger.session.settled()
    made = ledger.session.id
    assert made is not None
    await ledger.aclose()
    assert ("closeSession", made, 204) in fake_graph.log

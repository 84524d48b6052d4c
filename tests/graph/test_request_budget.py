"""A click on the Graph store costs at most one read and one write, counted at the fake Graph.

Each click goes through the bot's real aiohttp app to the fake Graph on
loopback, in steady state (the session open, the table read, a case through
its life before). Counted per click, at the fake, as it was sent:

- a *read* is one HTTP request that changes nothing: a GET, or a JSON batch of
  GETs; a *write* is one that changes the workbook (a PATCH, ``rows/add``, or a
  batch holding one). That is the budget: each is one round trip to Microsoft
  (learn.microsoft.com/graph/json-batching: combining requests in one batch
  "can save the application significant network latency"), so a click waits
  for at most two;
- the *parts* Graph carries out inside them, the stricter count (requests in a
  batch are evaluated individually against throttling limits,
  learn.microsoft.com/graph/throttling), are pinned too, so that none is added
  unnoticed. A click on a case reads two:
  the header row, which proves the columns are where they were
  (tests/graph/test_faults.py: a renamed header, an inserted column), and the
  case's row. A registration reads four (``graph.add_queue``) and writes two.

A session's createSession, refreshSession or closeSession is no click's: none
may happen during one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from graph.ledger import GraphLedger
from tests.bot.conftest import ANNA, BO, CIA, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import texts
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import graph_office

TYPED = {
    "changedIds": ", ".join(make_gsrn(f"735999102000{i:05d}") for i in range(3)),
    "greeting": "AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatan 1",
}
ONE_ROW = {"read parts": 2, "write parts": 1}  # header row + the row; the changed cells


@pytest.fixture
async def office(tmp_path: Path, make_ledger: Callable[..., GraphLedger]) -> AsyncIterator[Office]:
    """The bot on the Graph store, its channel posts not paced (what is counted is Graph's)."""
    # The late-edit read-back comes 10 s after a write (bot/late_edits.py), in no click:
    # off, so that a slow run cannot count it in one.
    async with graph_office(
        tmp_path,
        make_ledger(virtual=False),
        STORA_NOTIFY_POSTS_PER_SECOND=1000,
        STORA_GRAPH_LATE_EDIT_CHECK=0,
    ) as office:
        yield office


class Counted:
    """What each click cost at the fake: round trips and parts, reads and writes."""

    def __init__(self, fake: FakeGraph) -> None:
        self.fake = fake
        self.clicks: dict[str, Counter[str]] = {}

    async def click(self, name: str, click: Awaitable[Any]) -> Any:
        before = len(self.fake.trips)
        answer = await click
        self.clicks[name] = self.fake.tally(self.fake.trips[before:])
        return answer


async def a_case_through_its_life(office: Office, counted: Counted) -> None:
    """Register, claim, hand over, take over, close (review, then Ja): each click counted."""
    form = await office.say(ANNA, "registrera")
    card_of(await counted.click("register", office.click(ANNA, form, "register", REGISTRATION)))
    post = office.connector.top_level_posts()[-1]
    claimed = card_of(await counted.click("claim", office.click(BO, post, "claim")))
    form = card_of(await office.click(BO, post, "handover.form", card=claimed))
    handover = office.click(BO, post, "handover", {"note": "Halvvägs"}, card=form)
    card_of(await counted.click("hand over", handover))
    notice = office.connector.last()
    card_of(await counted.click("take over", office.click(CIA, notice, "takeover")))
    taken = card_of(await office.refresh(CIA, post))
    form = card_of(await office.click(CIA, post, "close.form", card=taken))
    review = office.click(CIA, post, "close.review", TYPED, card=form)
    sure = card_of(await counted.click("close review", review))
    closed = card_of(await counted.click("close", office.click(CIA, post, "close", card=sure)))
    assert "Gatan 1" in texts(closed)  # the e-mail draft: the close went through


async def steady(office: Office, fake: FakeGraph) -> Counted:
    for agent, signature in ((ANNA, "xanna"), (BO, "xbo"), (CIA, "xcia")):
        await office.sign_up(agent, signature)
    await a_case_through_its_life(office, Counted(fake))  # the session, the bot's sheet
    return Counted(fake)


async def test_each_click_is_one_read_and_one_write_and_a_changed_row_still_answers(
    office: Office, fake_graph: FakeGraph
) -> None:
    counted = await steady(office, fake_graph)
    await a_case_through_its_life(office, counted)
    assert counted.clicks == {
        "register": {"reads": 1, "writes": 1, "read parts": 4, "write parts": 2},
        "claim": {"reads": 1, "writes": 1, **ONE_ROW},
        "hand over": {"reads": 1, "writes": 1, **ONE_ROW},
        "take over": {"reads": 1, "writes": 1, **ONE_ROW},
        "close review": {"reads": 1, "read parts": 2},
        "close": {"reads": 1, "writes": 1, **ONE_ROW},
    }
    # The close's wipe was read back by its own write's answer, and is in the workbook.
    row = fake_graph.workbook.rows()[-1]
    assert (row["Status"], row["Kundnummer"], row["Vad gäller ärendet"]) == ("Hanterad", "", "")

    # A row claimed in Excel after the card was drawn still answers "changed", in that one
    # read, and nothing is written.
    await a_stale_claim(office, fake_graph, counted)
    assert counted.clicks["stale claim"] == {"reads": 1, "read parts": 2}


async def a_stale_claim(office: Office, fake_graph: FakeGraph, counted: Counted) -> None:
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    post = office.connector.top_level_posts()[-1]
    case_id = fake_graph.workbook.rows()[-1]["Ärende-ID"]
    fake_graph.workbook.person_types(case_id, "Status", "Påbörjad")
    fake_graph.workbook.person_types(case_id, "Hanteras av", "xper")
    answer = card_of(await counted.click("stale claim", office.click(BO, post, "claim")))
    assert f"{case_id} har just ändrats av xper" in texts(answer)
    assert fake_graph.workbook.rows()[-1]["Hanteras av"] == "xper"

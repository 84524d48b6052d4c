"""Every action under every fault: done and said so, or not done and said so.

Over real HTTP: the bot's own aiohttp app, the fake Bot Connector and, for the
Graph store, the fake Graph with the real msgraph-sdk in between. For each
fault (Graph: a 429 storm longer than the click, a single 429, a 503 storm, a
single 503, an answer that comes too late, a write done but answered too late,
a 503 storm that starts right after the write; the Bot Connector: a 429 storm
and a 503 storm) and each action (register, claim, hand over, take over,
close) it can reach, one click is made while the fault lasts.
Then:

- the answer says done and the workbook shows the whole change, or it says
  plainly that nothing was saved and the workbook is as it was (no partial row,
  no half-wiped row), or (a write sent whose answer never came) it says that
  it is unclear, naming the Ärende-ID, and the row is whole either way;
- a form that was not (surely) saved comes back with what was typed;
- while the channel does not show a done change, the answer says so; once the
  storm is over a retry pass makes the channel show the workbook, each case
  with exactly one card;
- customer data is never in the channel, in any message the bot sent, nor in
  bot state, and a close that says done left none in the row.

Graph-side faults run on the Graph store; the Bot Connector's on both stores.
Graph's retries sleep on ``VirtualTime``; the Poster's on ``Sleeps``; only the
"too late" faults take real time, a shrunk Graph deadline's worth. The office
is ``tests/faults/office.py``; the figures are printed at the end of the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cases.columns import HANTERAS_AV, KOMMENTAR, REGISTRERAT_AV, STATUS
from graph.writes import CUSTOMER_HEADERS
from tests.bot.conftest import ANNA, BO, CIA, Office
from tests.cases.gsrn_helpers import make_gsrn
from tests.fakes.cardwalk import buttons, inputs, verbs
from tests.fakes.connector import Post
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import VirtualTime

from .office import (
    GRAPH_DEADLINE,
    Bench,
    answer_text,
    assert_no_customer_data_shown,
    by_id,
    channel_shows,
    office_on,
    said,
)
from .tally import TALLY

LATE = GRAPH_DEADLINE + 0.4  # past the Graph Ledger's deadline, inside nothing
REGISTRATION = {
    "customerNumber": "5012345",
    "cabNumber": "9876543",
    "description": "22 fakturaadresser, Elin och CAB",
    "changeCount": "22",
    "changeKind": "faktura",
    "customerKind": "företag",
}
NOTE = "Klar med rad 1-10 av kundens lista"
CHANGED = [make_gsrn(f"73599910200000{i:03d}") for i in range(2)]
CLOSE_INPUTS = {
    "changedIds": ", ".join(CHANGED),
    "greeting": "Fastighets AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123, 111 11 Staden",
}
CUSTOMER_DATA = (
    "5012345",
    "9876543",
    "22 fakturaadresser",
    NOTE,
    *CHANGED,
    "Gatunamnet",
    "Fastighets AB",
)

# Anna and Bo have Teams in Swedish, Cia in English.
NOT_DONE = ("Inget sparades", "Nothing was saved")
IN_DOUBT = ("oklart om ändringen sparades", "unclear whether the change was saved")
# What the agent reads while the channel lags behind a done change.
LAGGING = (
    "kanalen visar den inte än",
    "the channel does not show it yet",  # a change (bot/redraws.py)
    "kanalen visar det som öppet än",  # a close
    "Kortet har inte kommit ut i kanalen än",  # a registration
)
ACTIONS = ("register", "claim", "handover", "takeover", "close")


# -- the faults ------------------------------------------------------------------------
# Graph's: throttling answers 429 with Retry-After (learn.microsoft.com/graph/throttling),
# a busy service 503 (learn.microsoft.com/graph/errors); their bodies carry the
# second-level codes of learn.microsoft.com/graph/workbook-error-handling (tests/fakes/graph.py).


Inject = Callable[["Bench", str], None]


@dataclass(frozen=True)
class Fault:
    inject: Inject  # (bench, action): arm the fault before the click
    actions: tuple[str, ...] = ACTIONS  # the actions it can reach


def _graph(**fault: Any) -> Fault:
    return Fault(lambda bench, _action: bench.need_graph().inject(None, **fault))


# The workbook's write itself: a new row, or the row's cells.
_WRITE = {"register": "rows.add", **dict.fromkeys(ACTIONS[1:], "range.patch")}


def _late_write(bench: Bench, action: str) -> None:
    bench.need_graph().inject(_WRITE[action], delay=LATE, process=True)


def _connector(status: int, retry_after: int | None = None) -> Fault:
    return Fault(
        lambda bench, _action: bench.connector.fail_next(status, retry_after=retry_after, times=20)
    )


GRAPH_FAULTS: dict[str, Fault] = {
    "graph 429 storm": _graph(status=429, retry_after="30", times=1000),  # 30 s: past any click
    "graph 429 once": _graph(status=429, retry_after="1"),
    "graph 503 storm": _graph(status=503, times=1000),
    "graph 503 once": _graph(status=503),
    "graph answer too late": _graph(delay=LATE),
    "graph write answered too late": Fault(_late_write),
    # No click sends Graph anything after its write (issue 13: a close's wipe is read
    # back from the write's own answer), so a storm from the write on has nothing to hit.
}
CONNECTOR_FAULTS: dict[str, Fault] = {
    "connector 429 storm": _connector(429, retry_after=30),
    "connector 503 storm": _connector(503),
}
CELLS = [
    *((f, "graph") for f in GRAPH_FAULTS),
    *((f, store) for f in CONNECTOR_FAULTS for store in ("local", "graph")),
]


# -- what the answers say ------------------------------------------------------------


def says_done(action: str, text: str, card: dict[str, Any] | None) -> bool:
    if card is None or said(NOT_DONE, text) or said(IN_DOUBT, text):
        return False
    if action == "register":
        return "Ärendet registrerat i Stora ärenden" in text
    if action in ("claim", "takeover"):
        return verbs(card) == {"handover.form", "close.form"}
    if action == "handover":
        return "note" not in inputs(card) and NOTE in text
    return "changedIds" not in inputs(card) and CHANGED[0] in text  # close: the e-mail draft


def applied(
    action: str, case_id: str, before: list[dict[str, str]], after: list[dict[str, str]]
) -> bool:
    """The whole change is in the workbook, and nothing else changed."""
    old, new = by_id(before), by_id(after)
    if action == "register":
        added = set(new) - set(old)
        if len(added) != 1 or any(new[i] != row for i, row in old.items()):
            return False
        row = new[added.pop()]
        return (row["Kundnummer"], row[STATUS], row[REGISTRERAT_AV]) == ("5012345", "Ny", "xanna")
    if set(new) != set(old) or any(new[i] != row for i, row in old.items() if i != case_id):
        return False
    row = new[case_id]
    if action == "claim":
        return (row[STATUS], row[HANTERAS_AV]) == ("Påbörjad", "xbo")
    if action == "handover":
        return (row[STATUS], row[HANTERAS_AV], row[KOMMENTAR]) == ("Påbörjad", "xbo", NOTE)
    if action == "takeover":
        return (row[STATUS], row[HANTERAS_AV]) == ("Påbörjad", "xcia")
    return row[STATUS] == "Hanterad" and not any(row[h] for h in CUSTOMER_HEADERS)


# -- preparing each action's case ------------------------------------------------------


async def register(bench: Bench) -> str:
    office = bench.office
    form = await office.say(ANNA, "registrera")
    before = set(office.connector.posts)
    answer = await office.click(ANNA, form, "register", REGISTRATION)
    text, _ = answer_text(answer)
    case_id = re.search(r"SA-\d{6}", text)[0]  # type: ignore[index]
    (post,) = [p for k, p in office.connector.posts.items() if k not in before]
    bench.posts[case_id] = post
    return case_id


async def claimed_by_bo(bench: Bench) -> tuple[str, dict[str, Any]]:
    case_id = await register(bench)
    answer = await bench.office.click(BO, bench.posts[case_id], "claim")
    return case_id, answer["value"]


@dataclass
class Click:
    """One action, ready to click: who, on which post, with which card and inputs."""

    action: str
    agent: Any
    post: Post
    verb: str
    case_id: str = ""
    card: dict[str, Any] | None = None
    typed: dict[str, Any] | None = None

    async def __call__(self, office: Office) -> dict[str, Any]:
        return await office.click(self.agent, self.post, self.verb, self.typed, card=self.card)


async def prepare(bench: Bench) -> dict[str, Click]:
    office = bench.office
    for agent, signature in ((ANNA, "xanna"), (BO, "xbo"), (CIA, "xcia")):
        await office.sign_up(agent, signature)
    clicks = {"register": Click("register", ANNA, await office.say(ANNA, "registrera"), "register",
                                typed=REGISTRATION)}  # fmt: skip
    case_id = await register(bench)
    clicks["claim"] = Click("claim", BO, bench.posts[case_id], "claim", case_id)
    case_id, claimed = await claimed_by_bo(bench)
    form = (await office.click(BO, bench.posts[case_id], "handover.form", card=claimed))["value"]
    clicks["handover"] = Click(
        "handover", BO, bench.posts[case_id], "handover", case_id, form, {"note": NOTE}
    )
    case_id, _ = await claimed_by_bo(bench)
    # Bo claimed it just now: Ta över asks first, and "Ja, ta över" is the click that writes.
    asked = (await office.click(CIA, bench.posts[case_id], "takeover"))["value"]
    clicks["takeover"] = Click(
        "takeover", CIA, bench.posts[case_id], "takeover.confirm", case_id, asked
    )
    case_id, claimed = await claimed_by_bo(bench)
    form = (await office.click(BO, bench.posts[case_id], "close.form", card=claimed))["value"]
    # The click under the fault is "Ja, stäng och radera"; "Fortsätt" before it stores nothing.
    sure = await office.click(BO, bench.posts[case_id], "close.review", CLOSE_INPUTS, card=form)
    carried = buttons(sure["value"])["close"]["data"]
    typed = {name: carried[name] for name in CLOSE_INPUTS}  # as the confirmation carries them
    clicks["close"] = Click(
        "close", BO, bench.posts[case_id], "close", case_id, sure["value"], typed
    )
    return clicks


# -- one cell --------------------------------------------------------------------------


async def under_fault(bench: Bench, click: Click, inject: Inject) -> str:
    """Click under the fault; check everything the module's docstring promises; the outcome."""
    before_rows = bench.rows()
    before_posts = set(bench.connector.posts)
    card_before = json.dumps(click.post.card) if click.case_id else ""
    inject(bench, click.action)
    answer = await click(bench.office)
    bench.heal()
    text, card = answer_text(answer)
    after_rows = bench.rows()

    if says_done(click.action, text, card):
        outcome = "done"
    elif said(NOT_DONE, text):
        outcome = "not done"
    elif said(IN_DOUBT, text):
        outcome = "in doubt"
        assert re.search(r"\(SA-\d{6}\)", text), text  # named, so the agent can look it up
    else:
        raise AssertionError(
            f"{click.action}: an answer that says neither done nor not done: {text!r}"
        )

    case_id = click.case_id
    if click.action == "register":
        new = set(by_id(after_rows)) - set(by_id(before_rows))
        case_id = next(iter(new), "")
    whole = applied(click.action, case_id, before_rows, after_rows)
    unchanged = after_rows == before_rows
    if outcome == "done":
        assert whole, (click.action, "said done, but the workbook does not show it all")
    elif outcome == "not done":
        assert unchanged, (click.action, "said not done, but the workbook changed")
    else:
        assert whole or unchanged, (click.action, "a partial change")

    if outcome != "done" and click.typed:
        kept = inputs(card) if card else {}
        for name, value in click.typed.items():
            assert str(kept.get(name, {}).get("value")) == str(value), (
                click.action,
                name,
                "not kept",
            )

    if outcome == "done":
        shown_now = bench.cards_of(case_id)
        in_step = bool(shown_now) and channel_shows(shown_now[-1].card, by_id(after_rows)[case_id])
        if not in_step:
            assert said(LAGGING, text), (click.action, "the channel lags, untold", text)
    if outcome == "not done":
        assert set(bench.connector.posts) == before_posts, "a post for what was not done"
        if click.case_id:
            assert json.dumps(click.post.card) == card_before, (
                "the card redrawn for what was not done"
            )

    assert_no_customer_data_shown(bench, CUSTOMER_DATA)

    # The storm is over: a retry pass brings the channel in step with the workbook.
    await bench.retry_pass()
    rows = by_id(bench.rows())
    if case_id in rows:
        cards = bench.cards_of(case_id)
        assert len(cards) == 1, (click.action, f"{len(cards)} cards for {case_id}")
        assert channel_shows(cards[0].card, rows[case_id]), (
            click.action,
            "the channel lags for good",
        )
    assert await bench.outbox() == {}, (click.action, "left in the outbox")
    await bench.retry_pass()  # a second pass posts nothing more
    if case_id in rows:
        assert len(bench.cards_of(case_id)) == 1
    assert_no_customer_data_shown(bench, CUSTOMER_DATA)
    return outcome


@pytest.mark.parametrize(("fault", "store"), CELLS, ids=[f"{f} on {s}" for f, s in CELLS])
async def test_each_action_under_the_fault_is_done_or_plainly_not(
    fault: str,
    store: str,
    tmp_path: Path,
    fake_graph: FakeGraph,
    vtime: VirtualTime,
    make_ledger: Callable[..., Any],
) -> None:
    kind = {**GRAPH_FAULTS, **CONNECTOR_FAULTS}[fault]
    async with office_on(store, tmp_path, fake_graph, vtime, make_ledger) as bench:
        clicks = await prepare(bench)
        for action in kind.actions:
            served = bench.faults_served()
            try:
                outcome = await under_fault(bench, clicks[action], kind.inject)
                assert bench.faults_served() > served, (action, "the fault never reached the bot")
            except AssertionError:
                TALLY["lost"] += 1
                raise
            finally:
                TALLY["cells"] += 1
                TALLY["answers"] += bench.faults_served() - served
            TALLY[outcome] += 1

"""What a turn costs the bot beyond its own work, counted over real HTTP (no timing).

botbuilder 4.17.1 builds a new connector client, with its own HTTP session, for
every activity (``bot.reused_clients``), and deep-copies and walks every card it
sends value by value (``bot.card_payload``). These count what the fixes take
away: connections to the Bot Connector, and msrest's per-value work on a card,
and check that the card still reaches the channel as it was built.
"""

from __future__ import annotations

from typing import Any

import pytest
from msrest.serialization import Serializer

import cards
from bot.identity import _KEY as SIGNATURES_KEY
from bot.storage import JsonFileStorage
from cases import lifecycle
from cases.model import NewCase
from tests.bot.conftest import ANNA, CIA, Office
from tests.cards.queue_rows import queue_rows, row_of

TURNS = 12


async def open_cases(office: Office, n: int) -> None:
    for i in range(n):
        await office.ledger.add(
            NewCase(f"50{i:05d}", f"40{i:05d}", "Flytt", "xanna", office.clock.now)
        )


async def test_turns_share_their_connections_to_the_bot_connector(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    office.connector.connections.clear()
    for _ in range(TURNS):
        await office.say(ANNA, "kö")
    # One client per service URL, kept: its HTTP session keeps its connection
    # (one per worker thread of msrest's sender at most), where a new client per
    # turn opened one per turn.
    assert len(office.connector.connections) <= TURNS // 2, office.connector.connections


@pytest.fixture
def serialized_values(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many values msrest's ``serialize_object`` is handed, in all."""
    counted = [0]
    inner = Serializer.serialize_object

    def counting(self: Serializer, attr: Any, **kwargs: Any) -> Any:
        counted[0] += 1
        return inner(self, attr, **kwargs)

    monkeypatch.setattr(Serializer, "serialize_object", counting)
    return counted


async def test_a_queue_card_is_sent_as_built_not_walked_value_by_value(
    office: Office, serialized_values: list[int]
) -> None:
    await office.sign_up(ANNA, "xanna")
    await open_cases(office, 20)
    serialized_values[0] = 0
    queue = await office.say(ANNA, "kö")
    # The card of 20 cases holds some 500 values; the activity around it a few dozen.
    assert serialized_values[0] < 100, serialized_values[0]
    rows = queue_rows(queue.card)
    assert len(rows) == 20 and all("claim" in row.buttons for row in rows)


async def test_the_queue_is_drawn_again_only_when_what_it_shows_changed(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(CIA, "xcia")
    await open_cases(office, 3)
    drawn = [0]
    draw = cards.queue_card

    def counting(*args: Any, **kwargs: Any) -> Any:
        drawn[0] += 1
        return draw(*args, **kwargs)

    monkeypatch.setattr(cards, "queue_card", counting)
    posts = [await office.say(ANNA, "kö") for _ in range(3)]
    first = posts[0].card
    assert drawn[0] == 1
    assert first == posts[1].card == posts[2].card
    refreshed = await office.refresh(ANNA, posts[0])  # Teams showing it to her again
    assert drawn[0] == 1
    assert refreshed["value"] == first

    office.clock.advance(minutes=90)  # every age ticks over
    later = (await office.say(ANNA, "kö")).card
    assert drawn[0] == 2
    assert [r.text for r in queue_rows(later)] != [r.text for r in queue_rows(first)]

    (case, *_) = await office.ledger.list()
    await office.ledger.update(case, lifecycle.claim(case, actor="xcia", now=office.clock.now))
    claimed = (await office.say(ANNA, "kö")).card
    assert drawn[0] == 3
    assert "Cia Carlsson (xcia)" in row_of(claimed, case.case_id).text
    assert "takeover" in row_of(claimed, case.case_id).buttons

    for_cia = (await office.say(CIA, "kö")).card  # her buttons, her language, her refresh
    assert drawn[0] == 4
    assert for_cia["refresh"]["userIds"] == [CIA.mri]
    assert "claim" not in row_of(for_cia, case.case_id).buttons


async def test_a_queue_turn_reads_the_signature_book_once(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(CIA, "xcia")
    await open_cases(office, 2)
    (case, *_) = await office.ledger.list()
    await office.ledger.update(case, lifecycle.claim(case, actor="xcia", now=office.clock.now))
    keys: list[str] = []
    read = JsonFileStorage.read

    async def counting(self: JsonFileStorage, wanted: list[str]) -> dict[str, Any]:
        keys.extend(wanted)
        return await read(self, wanted)

    monkeypatch.setattr(JsonFileStorage, "read", counting)
    queue = await office.say(ANNA, "kö")
    assert keys.count(SIGNATURES_KEY) == 1, keys
    # Who she is and how the others are named, both from that one read.
    assert queue.card["refresh"]["userIds"] == [ANNA.mri]
    assert "Cia Carlsson (xcia)" in row_of(queue.card, case.case_id).text

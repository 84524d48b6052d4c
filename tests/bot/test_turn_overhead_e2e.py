"""What a turn costs the bot beyond its own work, counted over real HTTP (no timing).

botbuilder 4.17.1 builds a new connector client, with its own HTTP session, for
every activity (``bot.reused_clients``), and deep-copies and walks every card it
sends value by value (``bot.card_payload``). These count what the fixes take
away: connections to the Bot Connector, and msrest's per-value work on a card,
and check that the card still reaches the channel as it was built.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from msrest.serialization import Serializer

from cases.model import NewCase
from tests.bot.conftest import ANNA, Office
from tests.cards.queue_rows import queue_rows

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
def serialized_values() -> Iterator[list[int]]:
    """How many values msrest's ``serialize_object`` is handed, in all."""
    counted = [0]
    inner = Serializer.serialize_object

    def counting(self: Serializer, attr: Any, **kwargs: Any) -> Any:
        counted[0] += 1
        return inner(self, attr, **kwargs)

    Serializer.serialize_object = counting  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        Serializer.serialize_object = inner  # type: ignore[method-assign]


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

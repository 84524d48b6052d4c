"""What instances take in turn, on both stores: an ID for good, a case until its time is up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from botbuilder.core import Storage

from bot.reservations import StorageReservations


class Wall:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_of_many_instances_reserving_one_id_at_once_exactly_one_gets_it(
    state_store: Storage,
) -> None:
    instances = [StorageReservations(state_store) for _ in range(8)]
    taken = await asyncio.gather(*(r.reserve("d/i/SA-000007") for r in instances))
    assert sorted(taken) == [False] * 7 + [True]
    assert await instances[0].reserve("d/i/SA-000008")
    found = (await state_store.read(["reserved/d/i/SA-000007"]))["reserved/d/i/SA-000007"]
    assert set(found) == {"instance", "at", "e_tag"}  # who and when: nothing else


async def test_a_held_case_is_refused_to_others_until_given_back_or_run_out(
    state_store: Storage,
) -> None:
    wall = Wall()
    one, other = (
        StorageReservations(state_store, clock=wall),
        StorageReservations(state_store, clock=wall),
    )
    assert await one.hold("d/i/case/SA-000001", "update-a", 30)
    assert not await other.hold("d/i/case/SA-000001", "update-b", 30)
    assert await one.hold("d/i/case/SA-000001", "update-a", 30)  # its own next attempt
    await one.release("d/i/case/SA-000001")
    assert await other.hold("d/i/case/SA-000001", "update-b", 30)
    wall.now += timedelta(seconds=31)  # update-b's instance died holding it
    assert await one.hold("d/i/case/SA-000001", "update-c", 30)
    assert not await other.hold("d/i/case/SA-000001", "update-b", 30)

"""The record of what was applied: once per key, in one instance and across two sharing
the state; bounded, expiring, and holding nothing but ids, verbs and times."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import Storage

from bot.redelivery import KEEP, LOST, RUNNING_EXPIRES, Applied, Redelivery
from bot.storage import JsonFileStorage, StorageConflict

KEY = "activity\n19:backoffice-general@thread.tacv2;messageid=1\nf:7c1e"
REGISTERED = Applied("register", "SA-000001")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Work:
    """A click's work: counts its runs; ``hold`` keeps it running until released."""

    def __init__(self, applied: Applied | None = REGISTERED) -> None:
        self.applied = applied
        self.runs = 0
        self.agains: list[Applied | None] = []
        self.hold: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def first(self) -> tuple[str, Applied | None]:
        self.runs += 1
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        return f"first answer {self.runs}", self.applied

    async def again(self, applied: Applied | None) -> str | None:
        self.agains.append(applied)
        return "answered again"


@pytest.fixture
def storage(tmp_path: Path) -> JsonFileStorage:
    return JsonFileStorage(tmp_path / "state")


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_the_first_delivery_runs_and_a_later_one_is_answered_from_the_record(
    storage: JsonFileStorage, clock: Clock
) -> None:
    work = Work()
    redelivery = Redelivery(storage, clock)
    assert await redelivery.once(KEY, work.first, work.again) == "first answer 1"
    # Also after a restart: the record is in the bot state, not in memory.
    assert await Redelivery(storage, clock).once(KEY, work.first, work.again) == "answered again"
    assert work.runs == 1 and work.agains == [Applied("register", "SA-000001")]


async def test_a_twin_in_the_same_instance_awaits_the_firsts_own_answer(
    storage: JsonFileStorage,
) -> None:
    work = Work()
    work.hold = asyncio.Event()
    redelivery = Redelivery(storage)
    one = asyncio.create_task(redelivery.once(KEY, work.first, work.again))
    await work.started.wait()
    # The twin's first step is scheduled before the first can go on: it finds it running.
    two = asyncio.create_task(redelivery.once(KEY, work.first, work.again))
    work.hold.set()
    assert await asyncio.gather(one, two) == ["first answer 1", "first answer 1"]
    assert work.runs == 1 and work.agains == []


async def test_another_instance_is_told_while_the_first_runs_and_answered_after(
    tmp_path: Path,
) -> None:
    work = Work()
    work.hold = asyncio.Event()
    here = Redelivery(JsonFileStorage(tmp_path / "state"))
    there = Redelivery(JsonFileStorage(tmp_path / "state"))  # its own handle on the shared folder
    first = asyncio.create_task(here.once(KEY, work.first, work.again))
    await work.started.wait()
    assert await there.once(KEY, work.first, work.again) == "answered again"
    work.hold.set()
    assert await first == "first answer 1"
    assert await there.once(KEY, work.first, work.again) == "answered again"
    assert work.runs == 1 and work.agains == [None, Applied("register", "SA-000001")]


async def test_a_run_that_applied_nothing_or_failed_leaves_no_record(
    storage: JsonFileStorage,
) -> None:
    redelivery = Redelivery(storage)
    nothing = Work(applied=None)
    await redelivery.once(KEY, nothing.first, nothing.again)
    await redelivery.once(KEY, nothing.first, nothing.again)
    assert nothing.runs == 2 and nothing.agains == []

    async def broken() -> tuple[str, Applied | None]:
        raise RuntimeError("the workbook said no")

    with pytest.raises(RuntimeError):
        await redelivery.once("other", broken, nothing.again)
    assert await redelivery.once("other", nothing.first, nothing.again) == "first answer 3"


async def test_an_in_doubt_record_lets_again_decide_to_run_after_all(
    storage: JsonFileStorage,
) -> None:
    redelivery = Redelivery(storage)
    doubt = Work(applied=Applied("register", "SA-000007", in_doubt=True))
    await redelivery.once(KEY, doubt.first, doubt.again)

    async def not_there(applied: Applied | None) -> str | None:
        doubt.agains.append(applied)
        return None  # SA-000007 is not in the workbook: register after all

    assert await redelivery.once(KEY, doubt.first, not_there) == "first answer 2"
    assert doubt.agains == [Applied("register", "SA-000007", in_doubt=True)]


async def test_a_reservation_left_by_a_dead_run_expires(tmp_path: Path, clock: Clock) -> None:
    work = Work()
    work.hold = asyncio.Event()
    dead = asyncio.create_task(
        Redelivery(JsonFileStorage(tmp_path / "state"), clock).once(KEY, work.first, work.again)
    )
    await work.started.wait()  # reserved, and it never finishes (its process was killed)
    clock.now += RUNNING_EXPIRES
    heir = Work()
    assert await Redelivery(JsonFileStorage(tmp_path / "state"), clock).once(
        KEY, heir.first, heir.again
    ) == ("first answer 1")
    assert heir.runs == 1 and heir.agains == []
    dead.cancel()


async def test_records_expire_and_a_slot_keeps_the_newest_only(
    storage: JsonFileStorage, clock: Clock
) -> None:
    redelivery = Redelivery(storage, clock, slots=1, per_slot=3)
    for n in range(5):
        clock.now += timedelta(seconds=1)
        work = Work(Applied("claim", f"SA-00000{n}"))
        await redelivery.once(f"key {n}", work.first, work.again)
    (slot,) = (await storage.read(["applied/00"])).values()
    assert sorted(r["case"] for r in slot["entries"].values()) == [
        "SA-000002",
        "SA-000003",
        "SA-000004",
    ]
    clock.now += KEEP
    late = Work(Applied("claim", "SA-000009"))
    await redelivery.once("key 9", late.first, late.again)
    (slot,) = (await storage.read(["applied/00"])).values()
    assert [r["case"] for r in slot["entries"].values()] == ["SA-000009"]
    # Pruned means forgotten: key 4 runs again.
    again = Work()
    await redelivery.once("key 4", again.first, again.again)
    assert again.runs == 1


async def test_a_record_holds_a_hash_a_state_a_verb_a_case_and_a_time(
    storage: JsonFileStorage,
) -> None:
    work = Work(Applied("close", "SA-000003"))
    await Redelivery(storage).once(KEY, work.first, work.again)
    documents = [json.loads(p.read_text("utf-8")) for p in storage._dir.glob("*.json")]
    (document,) = [d for d in documents if d["key"].startswith("applied/")]
    ((entry, record),) = document["value"]["entries"].items()
    assert re.fullmatch("[0-9a-f]{32}", entry)
    assert set(record) == {"state", "verb", "case", "at"} and record["case"] == "SA-000003"
    assert "backoffice" not in json.dumps(document)


class Failing(Storage):
    """A state store that is down for writes."""

    def __init__(self, inner: Storage) -> None:
        self._inner = inner

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await self._inner.read(keys)

    async def write(self, changes: dict[str, Any]) -> None:
        raise OSError("the state store is down")

    async def delete(self, keys: list[str]) -> None:
        await self._inner.delete(keys)


async def test_a_state_store_that_is_down_does_not_stop_the_click(storage: JsonFileStorage) -> None:
    work = Work()
    assert await Redelivery(Failing(storage)).once(KEY, work.first, work.again) == "first answer 1"
    assert work.runs == 1


async def refused() -> str:
    return "nothing saved"


async def test_a_click_that_creates_is_refused_when_it_cannot_be_reserved(
    storage: JsonFileStorage,
) -> None:
    # Its twin would add a second row: no state of the workbook catches that.
    work = Work()
    down = Redelivery(Failing(storage))
    assert await down.once(KEY, work.first, work.again, refuse=refused) == "nothing saved"
    assert await down.once(KEY, work.first, work.again, refuse=refused) == "nothing saved"
    assert work.runs == 0
    up = Redelivery(storage)
    assert await up.once(KEY, work.first, work.again, refuse=refused) == "first answer 1"


class Contested(JsonFileStorage):
    """Other instances write every slot before this one can: each write loses."""

    async def write(self, changes: dict[str, Any]) -> None:
        raise StorageConflict(next(iter(changes)))


async def test_a_click_that_creates_is_refused_while_other_instances_keep_the_slot(
    tmp_path: Path,
) -> None:
    work = Work()
    busy = Redelivery(Contested(tmp_path / "state"), patience=0.05)
    assert await busy.once(KEY, work.first, work.again, refuse=refused) == "nothing saved"
    assert work.runs == 0


class FailingAfter(JsonFileStorage):
    """Down for writes once ``left`` writes have gone through."""

    left = 1

    async def write(self, changes: dict[str, Any]) -> None:
        if self.left <= 0:
            raise OSError("the state store is down")
        self.left -= 1
        await super().write(changes)


async def test_a_creating_run_that_could_not_record_its_end_is_never_run_again(
    tmp_path: Path, clock: Clock
) -> None:
    work = Work()
    blipping = FailingAfter(tmp_path / "state")  # the reservation written, the record not
    assert await Redelivery(blipping, clock).once(KEY, work.first, work.again, refuse=refused) == (
        "first answer 1"
    )
    clock.now += RUNNING_EXPIRES
    later = Redelivery(JsonFileStorage(tmp_path / "state"), clock)
    assert await later.once(KEY, work.first, work.again, refuse=refused) == "answered again"
    assert work.runs == 1 and work.agains == [LOST]
    # A click guarded by the workbook's own state runs again, as after a dead run.
    assert await later.once(KEY, work.first, work.again) == "first answer 2"


async def test_a_record_in_doubt_is_looked_into_by_one_delivery_only(tmp_path: Path) -> None:
    redelivery = Redelivery(JsonFileStorage(tmp_path / "state"))
    doubt = Work(applied=Applied("register", "SA-000007", in_doubt=True))
    await redelivery.once(KEY, doubt.first, doubt.again)
    # Pressed again on two instances at once: each would look for SA-000007, not
    # find it, and register it anew; the one that takes the record over does.
    work = Work()
    work.hold = asyncio.Event()

    async def look_again(applied: Applied | None) -> str | None:
        work.agains.append(applied)
        return None if applied is not None and applied.in_doubt else "answered again"

    second = asyncio.Event()  # set when a second run begins: the failure, told without a hang

    async def first() -> tuple[str, Applied | None]:
        if work.runs:
            second.set()
        return await work.first()

    here = asyncio.create_task(redelivery.once(KEY, first, look_again))
    await work.started.wait()
    other_instance = Redelivery(JsonFileStorage(tmp_path / "state"))
    there = asyncio.create_task(other_instance.once(KEY, first, look_again))
    seconds = asyncio.create_task(second.wait())
    await asyncio.wait([there, seconds], return_when=asyncio.FIRST_COMPLETED)
    seconds.cancel()
    work.hold.set()
    assert await asyncio.gather(here, there) == ["first answer 1", "answered again"]
    assert work.runs == 1 and work.agains == [Applied("register", "SA-000007", in_doubt=True), None]

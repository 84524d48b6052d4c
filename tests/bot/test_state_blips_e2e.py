"""Registrera pressed twice on one form while the bot state fails for the duplicate-click
records (``applied/``, bot/redelivery.py) only: a blob 503 burst past the SDK's own
retries, the ID reservations beside them still answering. No press may register without
its form reserved, since no state of the workbook tells a registration from its twin:
each is told nothing was saved, the form back with what was typed. And a registration
stored whose record then failed to say so is never registered again by that form."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from botbuilder.core import Storage

import bot.app
from bot.redelivery import RUNNING_EXPIRES, Redelivery
from bot.storage import JsonFileStorage
from tests.bot.conftest import ANNA, Clock
from tests.bot.races import STORES, bench_on, click_activity, deliver
from tests.bot.test_instances_e2e import sign_up, two_instances
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.bot.test_redelivery_e2e import registered_id
from tests.fakes.cardwalk import buttons, inputs, texts
from tests.graph.conftest import SDK_NOISE

pytestmark = [pytest.mark.filterwarnings(noise) for noise in SDK_NOISE]

RECORDS = "applied/"
NOT_SAVED = "Inget sparades"
LOST = "oklart om formuläret registrerades"


@dataclass
class Fault:
    """What fails, shared by every instance's state: reads of the records, and their
    writes once ``writes_left`` (if set) are used up."""

    reads: bool = False
    writes_left: int | None = None


class Blip(Storage):
    """The bot's real state store, failing for the redelivery records as ``fault`` says."""

    def __init__(self, inner: Storage, fault: Fault) -> None:
        self._inner, self._fault = inner, fault
        # What each store raises once its own retries are spent: azure-storage-blob
        # retries a 503 itself and then raises HttpResponseError; the disk an OSError.
        self._error = OSError if isinstance(inner, JsonFileStorage) else HttpResponseError

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if self._fault.reads and any(key.startswith(RECORDS) for key in keys):
            raise self._error("503 ServerBusy")
        return await self._inner.read(keys)

    async def write(self, changes: Mapping[str, Any]) -> None:
        if any(key.startswith(RECORDS) for key in changes) and self._fault.writes_left is not None:
            if self._fault.writes_left <= 0:
                raise self._error("503 ServerBusy")
            self._fault.writes_left -= 1
        await self._inner.write(changes)  # type: ignore[arg-type]

    async def delete(self, keys: list[str]) -> None:
        await self._inner.delete(keys)

    async def close(self) -> None:
        if close := getattr(self._inner, "close", None):
            await close()


@pytest.fixture
def fault(monkeypatch: pytest.MonkeyPatch) -> Fault:
    """Every bot instance created from now on keeps its state behind the ``Blip``."""
    fault, real = Fault(), bot.app.create_storage
    monkeypatch.setattr(bot.app, "create_storage", lambda settings: Blip(real(settings), fault))
    return fault


def typed_kept(card: dict[str, Any]) -> bool:
    shown = inputs(card)
    return all(shown[n].get("value") == REGISTRATION[n] for n in ("customerNumber", "description"))


async def test_registrera_to_two_instances_while_the_records_fail_registers_nothing_twice(
    tmp_path: Path, fault: Fault
) -> None:
    # One workbook (fake Graph), one blob state (Azurite), two instances.
    async with two_instances(tmp_path) as pair:
        await sign_up(pair, [ANNA])
        one, other = pair.offices
        form = await one.say(ANNA, "registrera")
        nonce = buttons(form.card)["register"]["data"]["form"]
        fault.reads = True
        answers = await asyncio.gather(*(
            deliver(office, click_activity(office, ANNA, form, "register", REGISTRATION))
            for office in (one, other)
        ))  # fmt: skip
        refused = [card_of(answer) for answer in answers]
        print(f"\nRegistrera twice, to two instances, records failing: {len(pair.rows())} rows")
        assert pair.rows() == []  # before: SA-000001 and SA-000002, both told "registrerat"
        for card in refused:  # nothing saved, said so, the same form back as typed
            assert NOT_SAVED in texts(card) and typed_kept(card)
            assert buttons(card)["register"]["data"]["form"] == nonce
        fault.reads = False
        # The state back: pressed again on both refused forms, still at once.
        again = await asyncio.gather(*(
            office.click(ANNA, form, "register", REGISTRATION, card=card)
            for office, card in zip((one, other), refused, strict=True)
        ))  # fmt: skip
    assert [r["Ärende-ID"] for r in pair.rows()] == ["SA-000001"]
    for answer in again:
        shown = texts(card_of(answer))
        assert "SA-000001 är registrerat" in shown or "behandlas redan" in shown, shown
    assert len(pair.connector.top_level_posts()) == 1  # one case card


@pytest.mark.parametrize("store", STORES)
async def test_registrera_twice_on_one_instance_while_the_records_fail(
    tmp_path: Path, fault: Fault, store: str
) -> None:
    async with bench_on(store, tmp_path) as bench:
        bench.seat(ANNA)
        await bench.signed_up([ANNA])
        async with bench.serve() as office:
            form = await office.say(ANNA, "registrera")
            fault.reads = True
            refused = [
                card_of(await office.click(ANNA, form, "register", REGISTRATION)) for _ in "12"
            ]
            assert bench.rows() == []  # before: SA-000001 and SA-000002
            for card in refused:
                assert NOT_SAVED in texts(card) and typed_kept(card)
            fault.reads = False
            stored = await office.click(ANNA, form, "register", REGISTRATION, card=refused[0])
            twice = await office.click(ANNA, form, "register", REGISTRATION, card=refused[1])
    assert registered_id(stored) == registered_id(twice) == "SA-000001"
    assert [r["Ärende-ID"] for r in bench.rows()] == ["SA-000001"]


@pytest.mark.parametrize("store", STORES)
async def test_a_registration_whose_record_failed_after_the_row_is_never_registered_again(
    tmp_path: Path, fault: Fault, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    wall = Clock(datetime.now(UTC))  # the records' clock: past the reservation's expiry below
    monkeypatch.setattr(bot.app, "Redelivery", functools.partial(Redelivery, clock=wall))
    async with bench_on(store, tmp_path) as bench:
        bench.seat(ANNA)
        await bench.signed_up([ANNA])
        async with bench.serve() as office:
            form = await office.say(ANNA, "registrera")
            click = click_activity(office, ANNA, form, "register", REGISTRATION)
            fault.writes_left = 1  # the reservation is written; the record of the row is not
            assert registered_id(await deliver(office, click)) == "SA-000001"
            fault.writes_left = None
            wall.advance(seconds=RUNNING_EXPIRES.total_seconds())
            # The form pressed again (its answer lost in Teams): the row is there, unrecorded.
            lost = card_of(await office.click(ANNA, form, "register", REGISTRATION))
            again = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert [r["Ärende-ID"] for r in bench.rows()] == ["SA-000001"]  # before: SA-000002 too
    for card in (lost, again):  # told to look in the queue; a new form, as typed, if it is not
        assert LOST in texts(card) and typed_kept(card)
        assert buttons(card)["register"]["data"]["form"] != click["value"]["action"]["data"]["form"]

"""Each change applied once, whoever delivers it and however often.

Teams may deliver one invoke twice (the same activity id in the same
conversation: a retry after a slow answer, possibly to another instance), and
an agent may press Registrera twice on one form before the first answer shows.
``Redelivery.once(key, first, again)`` runs ``first`` for the first delivery of
``key`` and answers every later one with ``again``:

- in this instance, a twin arriving while the first still runs awaits the
  first's own answer instead of racing it;
- across instances sharing the bot state, the first delivery reserves the key
  in Storage before it applies anything (a write under the document's e_tag,
  ``CREATE_ONLY`` for a new document), and records what it applied when done.
  A later delivery finds the record; one arriving while another instance runs
  it is told so (``again(None)``). A run that applied nothing leaves no record,
  so that a retry does the work after all.

A click that creates something (a registration: ``refuse`` given) is never
applied without that reservation: no state of the workbook would stop its
twin from adding a second row. When the records cannot be read or written
(the state store failing, or other instances' writes to the slot for all of
the patience), it gets ``refuse()``, "nothing was saved", instead. Its
reservation is its form's nonce taken before the write, and for such a click
it never runs out: a run that never wrote what it applied (its record write
failed after the row was stored, or its process died) leaves the key
``LOST``, which ``again`` answers without applying anything. A record in
doubt is taken over by the one delivery that looks for its case again.

Storage cannot list keys, so records under a key each could never be found
again to expire. They live in ``SLOTS`` documents instead (``applied/NN``,
by a hash of the key), each holding what was recorded in the last ``KEEP``,
at most ``PER_SLOT`` records: bounded whatever the traffic. A record is only a
hash of the key, a state, a verb, an Ärende-ID and a time: no customer data.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from botbuilder.core import Storage

from .in_turn import InTurn
from .storage import CREATE_ONLY

log = logging.getLogger(__name__)

R = TypeVar("R")
Clock = Callable[[], datetime]

SLOTS = 64
PER_SLOT = 200
# Teams retries an invoke within seconds, and a form is sent twice within
# seconds too; a day leaves room for a form submitted again after lunch.
KEEP = timedelta(days=1)
# A reservation this old belongs to a run that died (its process killed) or
# could not record its end: the next delivery may run it again, unless it
# creates something (then it is LOST).
RUNNING_EXPIRES = timedelta(seconds=30)
_PATIENCE = 3.0  # other instances' writes to one slot, retried with jitter

RUNNING, DONE, IN_DOUBT = "running", "done", "in-doubt"


@dataclass(frozen=True)
class Applied:
    """What a delivery changed: the verb and the case; ``in_doubt`` when the
    workbook's answer never came, so the case may or may not be there."""

    verb: str
    case_id: str
    in_doubt: bool = False


# A run that began and never recorded what it did: it may have stored its case, or not.
LOST = Applied("", "", in_doubt=True)

First = Callable[[], Awaitable[tuple[R, Applied | None]]]
# The answer to a later delivery: from what the first applied, or None while
# another instance still runs it. Returning None for a record in doubt runs
# ``first`` after all (it holds the reservation then).
Again = Callable[[Applied | None], Awaitable[R | None]]
# The answer to a creating click whose reservation could not be made: nothing applied.
Refuse = Callable[[], Awaitable[R]]


@dataclass(frozen=True)
class _Found:
    reserved: bool  # this delivery holds the key now, and runs
    earlier: Applied | None  # what an earlier delivery applied, or may have (in doubt)


class Redelivery:
    def __init__(
        self,
        storage: Storage,
        clock: Clock = lambda: datetime.now(UTC),
        *,
        slots: int = SLOTS,
        per_slot: int = PER_SLOT,
        patience: float = _PATIENCE,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._slots = slots
        self._per_slot = per_slot
        self._patience = patience
        self._running: dict[str, asyncio.Future[Any]] = {}
        self._turns: dict[str, InTurn] = {}  # one per slot document

    async def once(
        self, key: str, first: First[R], again: Again[R], *, refuse: Refuse[R] | None = None
    ) -> R:
        """``refuse``: given for a click that creates something, the answer when its
        reservation cannot be made; without it the click is applied all the same."""
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(self._once(key, first, again, refuse))
            self._running[key] = running
            running.add_done_callback(lambda _: self._running.pop(key, None))
        else:
            log.info("a second delivery awaits the first")
        # Shielded: a delivery whose caller went away does not stop its twin's answer.
        return await asyncio.shield(running)

    async def _once(
        self, key: str, first: First[R], again: Again[R], refuse: Refuse[R] | None
    ) -> R:
        try:
            found = await self._reserve(key, creates=refuse is not None)
        except Exception as failed:  # noqa: BLE001 - the state's trouble must not crash a click
            if refuse is not None:
                log.warning("redelivery not checked, nothing applied: %s", type(failed).__name__)
                return await refuse()
            # The workbook's own guard (the case's version, expected by the
            # write) stops a redelivered claim, hand-over, take-over, correction
            # or close from changing the case twice.
            log.warning("redelivery not checked: %s", type(failed).__name__)
            return (await first())[0]
        if found.earlier is not None or not found.reserved:
            log.info("delivered before", extra={"applied": found.earlier is not None})
            answer = await again(found.earlier)
            if answer is not None:
                if found.reserved:  # a record in doubt taken over, and not run: as it was
                    await self._settle(key, found.earlier)
                return answer
            if not found.reserved:
                # Nothing earlier said what to answer, and another delivery holds the key.
                return await refuse() if refuse is not None else (await first())[0]
        try:
            result, applied = await first()
        except BaseException:
            await self._settle(key, None)
            raise
        await self._settle(key, applied)
        return result

    # -- the records -----------------------------------------------------------

    async def _reserve(self, key: str, *, creates: bool) -> _Found:
        """Reserve ``key`` for this delivery, unless an earlier one ran it or runs it now."""

        def reserve(entries: dict[str, Any], entry: str, now: datetime) -> _Found:
            record = entries.get(entry)
            earlier: Applied | None = None
            if record is not None:
                if record["state"] == DONE:
                    return _Found(False, Applied(record["verb"], record["case"]))
                if record["state"] == IN_DOUBT:
                    # Taken over: of two deliveries, one looks for the case and maybe adds it.
                    earlier = Applied(record["verb"], record["case"], in_doubt=True)
                elif now - _time(record) < RUNNING_EXPIRES:
                    return _Found(False, None)
                elif creates:
                    # Died or unrecorded: its row may be stored. Left as it is, for good.
                    return _Found(False, LOST)
            entries[entry] = {"state": RUNNING, "at": now.isoformat()}
            return _Found(True, earlier)

        return await self._change(key, reserve)

    async def _settle(self, key: str, applied: Applied | None) -> None:
        """Record what was applied, or drop the reservation so that a retry runs."""

        def settle(entries: dict[str, Any], entry: str, now: datetime) -> None:
            if applied is None:
                entries.pop(entry, None)
                return
            state = IN_DOUBT if applied.in_doubt else DONE
            entries[entry] = {
                "state": state, "verb": applied.verb, "case": applied.case_id, "at": now.isoformat()
            }  # fmt: skip

        try:
            await self._change(key, settle)
        except Exception as failed:  # noqa: BLE001 - the change itself is stored: answer it
            # Unrecorded, a redelivery runs again and the workbook's own guard
            # (the case's version) stops a second change; a registration's
            # reservation stays "running" and later reads as LOST, never as "run".
            log.warning("redelivery record not written: %s", type(failed).__name__)

    async def _change(self, key: str, change: Callable[[dict[str, Any], str, datetime], R]) -> R:
        """Read-modify-write of the key's slot: one at a time here, e_tag against others."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        slot, entry = f"applied/{int(digest[:8], 16) % self._slots:02d}", digest[:32]

        async def attempt() -> R:
            stored = (await self._storage.read([slot])).get(slot) or {}
            now = self._clock()
            entries = self._pruned(stored.get("entries") or {}, now)
            result = change(entries, entry, now)
            e_tag = stored.get("e_tag") or CREATE_ONLY
            await self._storage.write({slot: {"entries": entries, "e_tag": e_tag}})
            return result

        turns = self._turns.get(slot) or self._turns.setdefault(slot, InTurn(self._patience))
        return await turns.run(attempt)

    def _pruned(self, entries: dict[str, Any], now: datetime) -> dict[str, Any]:
        kept = {e: r for e, r in entries.items() if now - _time(r) < KEEP}
        newest = sorted(kept.items(), key=lambda item: item[1]["at"], reverse=True)
        return dict(newest[: self._per_slot])


def _time(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["at"])

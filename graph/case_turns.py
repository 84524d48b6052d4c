"""One instance at a time per case: the read, the check and the write of an update.

Inside one instance the ledger's lock makes updates take turns. Two instances
could both read a case as it was, both find it as expected, and both write:
two agents each told they claimed it, the later write silently winning (the
Excel API has no conditional write to a range). So an update first holds the
case in the bot's shared state (``cases.ledger.Reservations.hold``). An
instance that finds it held waits as for any access conflict, then reads the
row the other one wrote and tells its agent who changed it.

The hold is given back once the write is answered, or certainly not made. A
write in doubt (sent, no answer) keeps it until it runs out: that write may
still land, and nobody may write over it meanwhile.

The twin clean-up (``graph.twins``) holds several cases at once: each it may
delete a row of, and each whose row its delete moves up (``run_all``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from cases.columns import id_key
from cases.ledger import Reservations

from .errors import GraphError
from .workbook import Op

log = logging.getLogger(__name__)

T = TypeVar("T")

# Far longer than any click (Teams gives 5 s), so a hold never runs out under
# a write still being answered; short enough that a write lost in doubt, or an
# instance that died holding a case, blocks that case for half a minute only.
HOLD_SECONDS = 30.0


def case_held() -> GraphError:
    """Another instance is writing the case: retried as Graph's own access conflicts are."""
    return GraphError(409, ("caseHeldByAnotherInstance", "accessConflict"), None, "case turn")


class CaseTurns:
    def __init__(self, reservations: Reservations | None = None) -> None:
        self.reservations = reservations

    async def run(
        self, workbook: str, case_id: str, holder: str, op: Op, body: Callable[[], Awaitable[T]]
    ) -> T:
        """``body()`` while ``holder`` (one update call, all its attempts) holds the case."""
        if self.reservations is None:
            return await body()
        name = _name(workbook, case_id)
        if not await self.reservations.hold(name, holder, HOLD_SECONDS):
            raise case_held()
        try:
            result = await body()
        except BaseException:
            if not op.in_doubt:
                await self._release(name)
            raise
        await self._release(name)
        return result

    async def run_all(
        self,
        workbook: str,
        case_ids: Iterable[str],
        holder: str,
        op: Op,
        body: Callable[[], Awaitable[None]],
    ) -> bool:
        """``body()`` while ``holder`` holds every case in ``case_ids``; False, and nothing
        run or held, when another holder has one of them."""
        if self.reservations is None:
            await body()
            return True
        names = sorted({_name(workbook, case_id) for case_id in case_ids})
        reservations = self.reservations
        got = await asyncio.gather(
            *(reservations.hold(name, holder, HOLD_SECONDS) for name in names),
            return_exceptions=True,
        )
        held = [name for name, ok in zip(names, got, strict=True) if ok is True]
        if len(held) < len(names):
            await self._release_all(held)
            failed = next((g for g in got if isinstance(g, BaseException)), None)
            if failed is not None:
                raise failed
            return False
        try:
            await body()
        except BaseException:
            if not op.in_doubt:
                await self._release_all(held)
            raise
        await self._release_all(held)
        return True

    async def _release_all(self, names: Iterable[str]) -> None:
        await asyncio.gather(*(self._release(name) for name in names))

    async def _release(self, name: str) -> None:
        try:
            await self.reservations.release(name)  # type: ignore[union-attr]
        except Exception as failed:  # noqa: BLE001 - the hold runs out by itself
            log.warning("could not give back a case hold: %s", type(failed).__name__)


def _name(workbook: str, case_id: str) -> str:
    return f"{workbook}/case/{id_key(case_id)}"

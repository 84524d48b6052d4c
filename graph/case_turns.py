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
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
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
        name = f"{workbook}/case/{id_key(case_id)}"
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

    async def _release(self, name: str) -> None:
        try:
            await self.reservations.release(name)  # type: ignore[union-attr]
        except Exception as failed:  # noqa: BLE001 - the hold runs out by itself
            log.warning("could not give back a case hold: %s", type(failed).__name__)

"""A click's read, decision and write in one turn of the store.

A click on a case reads the case, checks that the card clicked is still
current and the rule allows it, then writes with the read state as the
expected one. A store whose requests cost a round trip each (the Graph
Ledger: 100 ms or more to Microsoft) offers ``change``: the read that checks
the expected state is also the one the click decides on, so no read goes
before it (issue 13: one read and one write per click). A store without it
(the local workbook, reads from memory) gets ``get`` then ``update``: the
same answers, since ``update`` still refuses a row changed in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from cases.ledger import Ledger
from cases.model import Case

Decide = Callable[[Case], Case | None]  # the case to store, or None: store nothing


@runtime_checkable
class ChangesInOneTurn(Protocol):
    async def change(self, case_id: str, decide: Decide) -> tuple[Case, Case | None]:
        """The case as read, and as stored (``None``: ``decide`` stored nothing).

        Raises ``Conflict`` as ``update`` does, when a retried write finds the
        row changed meanwhile.
        """
        ...


async def change(ledger: Ledger, case_id: str, decide: Decide) -> tuple[Case, Case | None]:
    if isinstance(ledger, ChangesInOneTurn):
        return await ledger.change(case_id, decide)
    case = await ledger.get(case_id)
    new = decide(case)
    return case, None if new is None else await ledger.update(case, new)

"""One registration in two rows under one Ärende-ID: found, and the bot's spare row taken out.

Microsoft's answer to a 504 on ``rows/add`` is "to repeat the request"
(learn.microsoft.com/graph/api/table-post-rows, .../tablerowcollection-add).
The add queue repeats it with the same Ärende-IDs, once a read has not found
them. But requests to a workbook wait in a queue on Microsoft's servers, and
after a failure "there is no way to confirm the status of other pending
requests" (learn.microsoft.com/graph/workbook-best-practice): the first
request may land after that read too. The case is then in two rows under one
ID; never under two IDs.

For a while after each repeat (``WATCH``: no page says how long a request can
wait, so the bound is ours), every turn of the add queue ends with one read of
the table. Where a repeated ID is in more than one row, each row still exactly
as the bot wrote it is deleted (learn.microsoft.com/graph/api/tablerow-delete),
but one: the row someone changed, else the first. A row someone changed is
never deleted; two such rows are left for a person, and logged by ID only.

"Exactly as written": each of the bot's columns shows what it wrote, and each
of the team's own columns is empty or holds what the same column holds in
every other row of that ID (a calculated column fills all of them alike).

The rows are deleted by index, right after the read: like every write the bot
makes to a row it has just read, a person who sorts the table in that moment
could make it miss. Deleting bottom-up keeps the other indexes right.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.columns import ARENDE_ID, case_to_cells, id_key
from cases.model import Case

from .client import BatchItem
from .excel import Layout, parse_address, read_back
from .workbook import Op

if TYPE_CHECKING:
    from .ledger import GraphLedger

log = logging.getLogger(__name__)

WATCH = 900.0  # seconds a repeated registration is looked for in a second row
FIELDS = "address,values,formulas"
BATCH_MAX = 20  # learn.microsoft.com/graph/json-batching: "limited to 20 individual requests"


@dataclass
class _Watch:
    case: Case  # as the bot wrote it, both times
    until: float


class Twins:
    """The IDs the bot wrote twice, and the read that takes out their spare rows."""

    def __init__(self, ledger: GraphLedger) -> None:
        self._ledger = ledger
        self._watched: dict[str, _Watch] = {}

    def watch(self, case: Case) -> None:
        until = self._ledger.policy.clock() + WATCH
        self._watched[id_key(case.case_id)] = _Watch(case, until)

    @property
    def watching(self) -> bool:
        now = self._ledger.policy.clock()
        self._watched = {k: w for k, w in self._watched.items() if w.until > now}
        return bool(self._watched)

    async def tidy(self) -> None:
        """One read, and the spare rows deleted; a failure is logged, and tried next turn."""
        ledger = self._ledger
        op = Op("tidy", ledger.policy.deadline(ledger.config.deadline))
        try:
            await ledger.policy.run(op.deadline, lambda: ledger._attempt(op, self._tidy))
        except Exception as failed:  # noqa: BLE001 - never the callers' business
            what = failed.summary() if hasattr(failed, "summary") else type(failed).__name__
            log.warning("graph twin rows not checked", extra={"error": what})

    async def _tidy(self, op: Op) -> None:
        ledger = self._ledger
        body = await ledger._send(op, op.requests.table_range(FIELDS), "table")
        layout = Layout.from_header_range(body["address"], body["values"][:1])
        first_data = parse_address(body["address"]).min_row + 1
        id_col = layout.columns[ARENDE_ID]
        spare: list[int] = []  # 0-based table row indexes
        settled: list[str] = []
        for key, watched in self._watched.items():
            at = [n for n, row in enumerate(body["values"][1:]) if id_key(row[id_col]) == key]
            if len(at) < 2:
                continue  # the first request has not landed (yet), or it was all there was
            rows = [(body["values"][1 + n], body["formulas"][1 + n]) for n in at]
            changed = _changed(layout, watched.case, rows)
            keep = next((n for n, c in zip(at, changed, strict=True) if c), at[0])
            spare += [n for n, c in zip(at, changed, strict=True) if not c and n != keep]
            settled.append(key)
            if sum(changed) > 1:
                log.warning(
                    "graph case in more than one row, changed by hand: left for a person",
                    extra={"case_id": watched.case.case_id, "rows": [first_data + n for n in at]},
                )
        if spare:
            bottom_up = sorted(spare, reverse=True)
            for start in range(0, len(bottom_up), BATCH_MAX):  # a JSON batch takes 20
                items = [
                    BatchItem(f"d{n}", op.requests.delete_row(index), "delete row")
                    for n, index in enumerate(bottom_up[start : start + BATCH_MAX])
                ]
                await ledger._batch(op, items)
            log.info("graph took out a row the bot wrote twice", extra={"rows": len(spare)})
            await ledger._read_all(op)  # the rows below moved up
        for key in settled:
            del self._watched[key]


def _changed(layout: Layout, case: Case, rows: Sequence[tuple[list[Any], list[Any]]]) -> list[bool]:
    """For each row of one ID (values, formulas): whether it is other than the bot wrote it."""
    wrote = case_to_cells(case)
    own = set(layout.columns.values())
    team = [i for i in range(layout.width) if i not in own]

    def changed(values: list[Any], formulas: list[Any]) -> bool:
        if any(read_back(values[i]) != wrote.get(h, "") for h, i in layout.columns.items()):
            return True
        return any(
            formulas[i] not in ("", None) and any(f[i] != formulas[i] for _, f in rows)
            for i in team
        )

    return [changed(values, formulas) for values, formulas in rows]

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
never deleted; two such rows are left for a person, and logged by ID only
(once). Their ID stays watched, and the bot remembers it as twinned: a close
of that case wipes the customer data of every row of it, and so does the
clean-up once one of its rows shows the case closed (``graph.twin_wipe``).

The clean-up runs at the end of each turn of the add queue, from the
keep-alive's beat (``graph.keep_alive``: in a quiet team no other turn comes),
and first thing in an update of a watched case, so that the update acts on one
row. The update's clean-up takes and gives back its turns before the update
holds its own case: no instance ever waits holding a turn (``run_all`` takes
all or none), so none can wait for another in a ring.

"Exactly as written": each of the bot's columns shows what it wrote, and each
of the team's own columns is empty or holds what the same column holds in
every other row of that ID (a calculated column fills all of them alike).

Another instance may be changing one of those cases meanwhile: it knows the
case by either row. So the clean-up takes the cases' turns, as an update does
(``graph.case_turns``): the twins' and those of every case in a row below
the top spare, which the delete moves up under another instance's write
(Graph deletes by index only). The first read only says whether there is
anything to do; what is deleted is decided on a second read, made while the
turns are held, so every row deleted is still exactly as the bot wrote it. A
case another instance holds leaves the clean-up to a later turn.

The rows are deleted by index, bottom-up (the other indexes stay right),
right after that read: a person who sorts the table in that moment could make
it miss, as any write the bot makes to a row it has just read. A delete
answered with no certain outcome may still land and move rows: no other is
sent until the cases' turns, kept for it, run out.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cases.columns import ARENDE_ID, case_to_cells, id_key
from cases.model import Case

from .case_turns import HOLD_SECONDS
from .client import BatchItem, TimedOut
from .deadline import Deadline
from .errors import GraphError, WipeNotVerified
from .excel import Layout, parse_address, read_back
from .twin_wipe import has_customer_data, shows_closed, wipe_rows
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


@dataclass
class _Found:
    """One read of the table, and what the clean-up would do on it."""

    ids: list[str]  # each table row's ID key, by 0-based index
    layout: Layout
    spare: list[int] = field(default_factory=list)  # table row indexes to delete
    settled: list[str] = field(default_factory=list)  # watched keys found in more rows
    for_person: list[tuple[str, list[int]]] = field(default_factory=list)  # ID, sheet rows
    wipe: dict[str, list[int]] = field(default_factory=dict)  # ID, sheet rows: case closed

    @property
    def moved(self) -> set[str]:
        """The cases whose rows the delete takes out or moves up: the top spare's and below."""
        return {key for key in self.ids[min(self.spare) :] if key} if self.spare else set()

    @property
    def held(self) -> set[str]:
        """The cases whose turns the clean-up needs: those the delete moves, those wiped."""
        return self.moved | {id_key(case_id) for case_id in self.wipe}


class Twins:
    """The IDs the bot wrote twice, and the read that takes out their spare rows."""

    def __init__(self, ledger: GraphLedger) -> None:
        self._ledger = ledger
        self._watched: dict[str, _Watch] = {}
        self._twinned: set[str] = set()  # keys found in two rows someone changed: kept
        self._paused_until = 0.0  # a delete in doubt: none other until then

    def watch(self, case: Case) -> None:
        until = self._ledger.policy.clock() + WATCH
        self._watched[id_key(case.case_id)] = _Watch(case, until)

    @property
    def watching(self) -> bool:
        now = self._ledger.policy.clock()
        self._watched = {k: w for k, w in self._watched.items() if w.until > now}
        return bool(self._watched)

    def watches(self, case_id: str) -> bool:
        return self.watching and id_key(case_id) in self._watched

    def may_have(self, case_id: str) -> bool:
        """Whether the case may stand in more than one row: watched, or found so."""
        return id_key(case_id) in self._twinned or self.watches(case_id)

    async def tidy(self, deadline: Deadline | None = None) -> None:
        """One read, and the spare rows deleted; a failure is logged, and tried next turn.

        The caller holds the workbook's turn (the ledger's lock)."""
        ledger = self._ledger
        op = Op("tidy", deadline or ledger.policy.deadline(ledger.config.deadline))
        holder = uuid.uuid4().hex  # this clean-up's: its own retries find the cases held by it
        try:
            body = functools.partial(self._tidy, holder=holder)
            await ledger.policy.run(op.deadline, lambda: ledger._attempt(op, body))
        except Exception as failed:  # noqa: BLE001 - never the callers' business
            what = failed.summary() if hasattr(failed, "summary") else type(failed).__name__
            log.warning("graph twin rows not checked", extra={"error": what})

    async def _tidy(self, op: Op, holder: str) -> None:
        ledger = self._ledger
        if self._paused_until > ledger.policy.clock():
            return
        found = await self._read(op)
        if not found.spare and not found.wipe:
            self._settle(found)
            return
        held = found.held
        turns, workbook = ledger.turns, ledger.workbook_key()
        if not await turns.run_all(workbook, held, holder, op, lambda: self._take_out(op, held)):
            log.info("graph twin rows left for a later turn: a case is being changed")

    async def _take_out(self, op: Op, held: set[str]) -> None:
        """Under the turns of the cases ``held``: read again, and delete what that read says."""
        found = await self._read(op)
        if not found.held <= held:
            return  # a row came in below meanwhile: a later turn holds it too
        for case_id, rows in found.wipe.items():  # before the deletes: the rows are where read
            try:
                await wipe_rows(self._ledger, op, found.layout, case_id, rows)
            except WipeNotVerified as left:
                log.error(
                    "graph customer data left in a second row of a closed case",
                    extra={"case_id": case_id, "column": left.header},
                )
        if found.spare:
            await self._delete(op, found.spare)
            log.info("graph took out a row the bot wrote twice", extra={"rows": len(found.spare)})
            await self._ledger._read_all(op)  # the rows below moved up
        self._settle(found)

    async def _delete(self, op: Op, spare: list[int]) -> None:
        bottom_up = sorted(spare, reverse=True)
        op.in_doubt = "twin rows"  # while set, the turns are kept (graph.case_turns)
        try:
            for start in range(0, len(bottom_up), BATCH_MAX):  # a JSON batch takes 20
                items = [
                    BatchItem(f"d{n}", op.requests.delete_row(index), "delete row")
                    for n, index in enumerate(bottom_up[start : start + BATCH_MAX])
                ]
                await self._ledger._batch(op, items)
        except (GraphError, TimedOut) as failed:
            if isinstance(failed, GraphError) and not failed.ambiguous:
                op.in_doubt = ""
                raise
            # It may land later, and a second delete sent meanwhile would then take
            # the row below the spare: none until the turns kept for it run out.
            self._paused_until = self._ledger.policy.clock() + HOLD_SECONDS
            raise
        op.in_doubt = ""

    async def _read(self, op: Op) -> _Found:
        body = await self._ledger._send(op, op.requests.table_range(FIELDS), "table")
        return self._find(body)

    def _find(self, body: dict[str, Any]) -> _Found:
        layout = Layout.from_header_range(body["address"], body["values"][:1])
        first_data = parse_address(body["address"]).min_row + 1
        id_col = layout.columns[ARENDE_ID]
        found = _Found([id_key(row[id_col]) for row in body["values"][1:]], layout)
        for key, watched in self._watched.items():
            at = [n for n, row_key in enumerate(found.ids) if row_key == key]
            if len(at) < 2:
                continue  # the first request has not landed (yet), or it was all there was
            rows = [(body["values"][1 + n], body["formulas"][1 + n]) for n in at]
            changed = _changed(layout, watched.case, rows)
            keep = next((n for n, c in zip(at, changed, strict=True) if c), at[0])
            found.spare += [n for n, c in zip(at, changed, strict=True) if not c and n != keep]
            found.settled.append(key)
            if sum(changed) > 1:
                found.for_person.append((watched.case.case_id, [first_data + n for n in at]))
            values = [body["values"][1 + n] for n in at]
            if any(shows_closed(layout, v) for v in values):  # the rest go, or are wiped
                wipe = [
                    first_data + n
                    for n, v in zip(at, values, strict=True)
                    if n not in found.spare and has_customer_data(layout, v)
                ]
                if wipe:
                    found.wipe[watched.case.case_id] = wipe
        return found

    def _settle(self, found: _Found) -> None:
        for case_id, rows in found.for_person:
            if id_key(case_id) not in self._twinned:
                log.warning(
                    "graph case in more than one row, changed by hand: left for a person",
                    extra={"case_id": case_id, "rows": rows},
                )
            self._twinned.add(id_key(case_id))
        for key in found.settled:
            if key not in self._twinned:  # still watched: a close elsewhere is caught
                self._watched.pop(key, None)


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

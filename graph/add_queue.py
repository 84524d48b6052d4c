"""Registrations on Graph, written together: while one call holds the workbook, adds queue up.

Microsoft asks for one request at a time per workbook, and for new rows to be
sent together: "collect the rows to be inserted on the application side and
perform a single rows add operation" (learn.microsoft.com/graph/api/table-post-rows).
So each turn at the workbook takes every registration waiting (at most
``MAX_ROWS``) and writes them with one read and one write, whatever their number:

- read (one JSON batch): header row, last row, the high-water mark on "_bot"
  and whether that sheet is "very hidden";
- write (one JSON batch): the new mark, the template's blank row filled with
  the first case (a ``PATCH``), the others in one ``rows/add``, a read of
  the rows added (Graph answers ``rows/add`` with its top row only), and the
  sheet hidden when it was not.

Ärende-IDs are issued from the mark (or the highest ID seen, if higher), each
reserved first so that no other instance issues it too (``graph.ids``); a
caller keeps its ID from one attempt to the next. The mark is written once,
with the highest of them.

Each caller keeps its own deadline. One that passes while its registration
waits its turn, or is being read for, takes it out: the caller is told nothing
was saved, and that row is never written. One that passes after the write was
sent is told it is unclear, with its Ärende-ID. A write whose answer was lost,
or that took only in part (a batch's requests are carried out one by one), is
checked on the next attempt by the IDs it gave out: found, the case is the
answer; not found, it is written again under the same ID, never a new one:
Microsoft's answer to a 504 on rows/add is to "repeat the request"
(learn.microsoft.com/graph/api/table-post-rows), and the first one may only be
late. Should both land, ``graph.twins`` takes the bot's spare row out. While
the first may still land, its ID is never given to another case, and the
template's blank row it filled is not filled again: the repeat is appended.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.columns import (
    STATE_SHEET,
    case_from_cells,
    format_case_id,
    id_key,
)
from cases.model import Case, NewCase

from .add_plan import OPTIONAL, Plan, Shown, block, plan_write, texts
from .client import BatchItem, TimedOut
from .deadline import Deadline
from .errors import GraphError, GraphUnavailable, WriteNotVerified, agent_error
from .excel import Layout, is_blank, parse_address, whole_number
from .ids import ReservationsBroken
from .workbook import Op
from .writes import RowWrite

if TYPE_CHECKING:
    from .ledger import GraphLedger

log = logging.getLogger(__name__)

# Rows per write: a request body of a few tens of kB at most.
MAX_ROWS = 50

Outcome = Case | Exception


@dataclass(eq=False)
class Waiter:
    """One caller's registration, from the queue to its answer."""

    new: NewCase
    deadline: Deadline
    answer: asyncio.Future[Outcome]
    reserved: str = ""  # its Ärende-ID, reserved for it alone: every attempt and repeat keeps it
    in_doubt: str = ""  # that ID, while a write sent with it may still land
    blank_row: int = 0  # the template's blank row, reserved for it to fill
    left: bool = False  # the caller has been answered, or gave up

    @property
    def waiting(self) -> bool:
        return not self.left and not self.answer.done()

    def resolve(self, outcome: Outcome) -> None:
        if not self.answer.done():
            self.answer.set_result(outcome)


class Latest(Deadline):
    """A batch's deadline: the latest of its callers still waiting (none waiting: passed)."""

    def __init__(self, waiters: Sequence[Waiter]) -> None:  # no clock of its own
        self._waiters = waiters

    def remaining(self) -> float:
        return max((w.deadline.remaining() for w in self._waiters if w.waiting), default=0.0)


class AddQueue:
    """``GraphLedger.add``: the queue, the writer that works through it, and the write."""

    def __init__(self, ledger: GraphLedger) -> None:
        self._ledger = ledger
        self._queue: list[Waiter] = []
        self._writer: asyncio.Task[None] | None = None
        self._twins = ledger.twins
        # The ID whose fill of the template's blank row may still land: that row
        # is filled no more, not even by its repeat (the late PATCH would
        # overwrite whatever the row holds by then; a twin row cannot be lost).
        self._held_fill = ""

    async def add(self, new: NewCase) -> Case:
        ledger = self._ledger
        answer: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        waiter = Waiter(new, ledger.policy.deadline(ledger.config.deadline), answer)
        self._queue.append(waiter)
        if self._writer is None or self._writer.done():
            # A context of its own: no one caller's request budget or log fields.
            self._writer = asyncio.create_task(self._drain(), context=contextvars.Context())
        try:
            async with asyncio.timeout(max(0.0, waiter.deadline.remaining())):
                outcome = await asyncio.shield(answer)
        except TimeoutError:
            if not answer.done():
                raise agent_error("add", waiter.in_doubt, TimedOut("add")) from None
            outcome = answer.result()  # answered in the very same moment
        finally:
            waiter.left = True
            if waiter in self._queue:
                self._queue.remove(waiter)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def aclose(self) -> None:
        if self._writer is not None and not self._writer.done():
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)

    # -- the writer: one turn at the workbook per batch ---------------------------------

    async def _drain(self) -> None:
        lock = self._ledger._lock
        while self._queue:
            latest = max(w.deadline.remaining() for w in self._queue)
            try:
                async with asyncio.timeout(max(0.0, latest)):
                    await lock.acquire()
            except TimeoutError:
                self._queue[:] = [
                    w for w in self._queue if w.waiting and w.deadline.remaining() > 0
                ]
                continue
            try:
                batch = [w for w in self._queue if w.waiting][:MAX_ROWS]
                self._queue[:] = [w for w in self._queue if w.waiting and w not in batch]
                if batch:
                    await self._write(batch)
                if self._twins.watching and not any(w.waiting for w in self._queue):
                    await self._twins.tidy()  # no one waits for it
            finally:
                lock.release()

    async def _write(self, batch: list[Waiter]) -> None:
        ledger = self._ledger
        op = Op("add", Latest(batch))
        try:
            body = functools.partial(self._attempt, batch)
            await ledger.policy.run(op.deadline, lambda: ledger._attempt(op, body))
        except (GraphError, TimedOut) as failed:
            for waiter in batch:
                if waiter.waiting:
                    waiter.resolve(agent_error("add", waiter.in_doubt, failed))
        except Exception as failed:  # noqa: BLE001 - a layout error, or a bug: each caller hears it
            for waiter in batch:
                if waiter.waiting:
                    waiter.resolve(failed)

    # -- one attempt at writing the batch ------------------------------------------------

    async def _attempt(self, batch: list[Waiter], op: Op, *, again: bool = True) -> None:
        if any(w.in_doubt and w.waiting for w in batch):
            await self._check_doubts(op, batch)
        if not any(w.waiting for w in batch):
            return
        found = await self._read(op, batch)
        live = await self._reserve(op, batch, *found)
        # From here to the write nothing waits: who is in, and their IDs, stay as they are.
        if not live:
            return
        plan = plan_write(self._ledger._highest, live, *found, may_fill=not self._held_fill)
        before = [w.in_doubt for w in live]
        for waiter, case in zip(live, plan.cases, strict=True):
            if waiter.in_doubt:  # sent again while the first may land: both might
                self._twins.watch(case)
            waiter.in_doubt = case.case_id
        try:
            answers = await self._ledger._batch(op, plan.items(op.requests), optional=OPTIONAL)
        except (GraphError, TimedOut) as failed:
            self._settle(plan, live, before, failed)
            if again and plan.state is None and _sheet_made_meanwhile(failed):
                await self._attempt(batch, op, again=False)
                return
            raise
        if plan.hides and "hs" not in answers:
            log.warning("graph could not hide the sheet %s: tried again next write", STATE_SHEET)
        for waiter, outcome in zip(live, await self._outcomes(op, plan, answers), strict=True):
            waiter.in_doubt = ""
            waiter.resolve(outcome)

    def _settle(self, plan: Plan, live: list[Waiter], before: list[str], failed: Exception) -> None:
        """After a failed write: who may still have a row landing, and whose row is not."""
        done = failed.done if isinstance(failed, GraphError) else frozenset()
        sure = isinstance(failed, GraphError) and not failed.ambiguous
        for n, waiter in enumerate(live):
            item = "r" if plan.reuse and n == 0 else "a"
            if sure and item not in done:  # refused, or never run: this write added nothing
                waiter.in_doubt = before[n]
        if plan.reuse and live[0].in_doubt and "r" not in done:
            self._held_fill = live[0].in_doubt

    async def _check_doubts(self, op: Op, batch: list[Waiter]) -> None:
        """An earlier write went unanswered, or took in part: find its cases by their IDs.

        One not found keeps its ID (and its doubt): the next write repeats it.
        """
        snapshot = await self._ledger._read_all(op)
        if self._held_fill and snapshot.case(self._held_fill) is not None:
            self._held_fill = ""
        for waiter in batch:
            if not (waiter.in_doubt and waiter.waiting):
                continue
            done = snapshot.case(waiter.in_doubt)
            if done is not None:
                waiter.in_doubt = ""
                waiter.resolve(self._ledger._remember(done, snapshot.rows[id_key(done.case_id)]))

    async def _reserve(
        self, op: Op, batch: list[Waiter], _: Layout, last: Any, state: Any
    ) -> list[Waiter]:
        """An ID for each waiter without one, and the blank row: those waiting, its filler first."""
        ledger = self._ledger
        after = max(whole_number(state["values"][0][1]) if state else 0, ledger._highest)
        blank = parse_address(last["address"]).min_row if is_blank(last["values"][0]) else 0
        waiting = [w for w in batch if w.waiting]
        try:
            async with asyncio.timeout(max(0.0, op.deadline.remaining())):
                ledger._highest = await ledger.ids.hand_out(
                    ledger.workbook_key(), waiting, after, blank
                )
        except TimeoutError:
            raise TimedOut("reserve ids") from None
        except ReservationsBroken:
            raise GraphUnavailable("reserve ids: every candidate taken") from None
        live = [w for w in waiting if w.waiting]
        return sorted(live, key=lambda w: not blank or w.blank_row != blank)  # stable

    async def _read(self, op: Op, batch: list[Waiter]) -> tuple[Layout, Any, Any]:
        """The one read: the layout, the last row, the "_bot" sheet (None: no such sheet):
        its cells' ``address`` and ``values``, and its ``visibility``."""
        ledger = self._ledger
        if ledger._layout is None:
            await ledger._read_all(op)  # cold: the highest ID in the table, once
        requests = op.requests
        found = await ledger.transport.batch(
            [
                BatchItem("h", requests.header_row(), "header row"),
                BatchItem("l", requests.last_row(), "last row"),
                BatchItem("s", requests.cells(STATE_SHEET, "A1:B2", "address,values"), "state"),
                # Hidden still? A hide that failed, or a person's Unhide, is made good
                # by the next write. Optional: without it, that write hides it anyway.
                BatchItem("v", requests.sheet_visibility(STATE_SHEET), "state sheet"),
            ],
            op.deadline,
            op.session,
            missing_ok={"s"},
            optional={"v"},
        )
        layout = Layout.from_header_range(found["h"].body["address"], found["h"].body["values"])
        ledger._layout = layout
        probe = [w.new.with_id(format_case_id(0)) for w in batch if w.waiting]
        if await ledger._add_missing_columns(op, layout, texts(*probe)):
            return await self._read(op, batch)
        if "s" not in found:
            return layout, found["l"].body, None
        seen = found["v"].body if "v" in found else None
        return layout, found["l"].body, {**found["s"].body, **(seen or {"visibility": None})}

    async def _outcomes(self, op: Op, plan: Plan, answers: dict[str, Any]) -> list[Outcome]:
        """Each case as its row now shows it (or what its caller is told)."""
        rows: list[Shown | Exception] = []
        if plan.reuse:
            body = answers["r"]
            formats = (body.get("numberFormat") or [None])[0]
            rows.append(Shown(body["values"][0], formats, plan.writes[0].first))
        if plan.added:
            top = plan.layout.header_row + 1 + int(answers["a"]["index"])
            for n, write in enumerate(plan.added):
                write.row = top + n
            rows += await self._added_rows(op, plan, answers, top)
        return [
            row if isinstance(row, Exception) else await self._checked(op, case, write, row)
            for case, write, row in zip(plan.cases, plan.writes, rows, strict=True)
        ]

    async def _added_rows(
        self, op: Op, plan: Plan, answers: dict[str, Any], top: int
    ) -> list[Shown | Exception]:
        """The rows rows/add added, as they now are: its answer's top row, or the read back."""
        count = len(plan.added)
        if count == 1:
            return [Shown(answers["a"]["values"][0], None, 0)]
        back = answers.get("b")
        if back is None or parse_address(back["address"]).min_row != top:
            # The read back failed, or someone added rows between the read and the
            # write: the rows are in, read them where they are.
            rows_added = block(plan.layout, top, count).cells
            try:
                back = await self._ledger._send(
                    op, op.requests.cells(plan.layout.sheet, rows_added), "read back"
                )
            except (GraphError, TimedOut) as failed:
                cases = plan.cases[len(plan.cases) - count :]
                return [agent_error("add", c.case_id, failed) for c in cases]
        formats = back.get("numberFormat") or [None] * count
        return [Shown(back["values"][n], formats[n], 0) for n in range(count)]

    async def _checked(self, op: Op, case: Case, write: RowWrite, row: Shown) -> Outcome:
        """The case as its row shows it, its cells written once more where they came back wrong.

        Its row is in: whatever fails now is that caller's alone, and never
        makes the row be added again.
        """
        shown = write.shown(row.values, row.first)
        try:
            repair = write.repair(shown, case.case_id, write.formats_of(row.formats, row.first))
            if repair is not None:
                again, _ = await self._ledger._patch(op, repair, case.case_id)
                repair.verify(again, case.case_id)
                shown.update(again)
        except (GraphError, TimedOut) as failed:
            return agent_error("add", case.case_id, failed)  # stored, a cell unconfirmed
        except WriteNotVerified as wrong:
            return wrong
        return self._ledger._remember(case_from_cells(shown), write.row)


def _sheet_made_meanwhile(failed: Exception) -> bool:
    """The "_bot" sheet was made since the read (by another instance, or by this one's
    write landing late): nothing of this write ran, so read again."""
    return (
        isinstance(failed, GraphError) and not failed.done and failed.has_code("itemAlreadyExists")
    )

"""The Graph Ledger: the team's "Stora ärenden" in SharePoint, edited as a co-author.

Same protocol and contract as the local workbook (``cases.ledger``), through
the Excel workbook API inside one persistent session. Never a download and
re-upload: agents keep the file open in Excel for the web all day.

Requests, in steady state (the layout and the case's row known from before):

- ``get``: one read, a JSON batch of the header row and the case's row; the
  header row proves the columns are where they were, the row's Ärende-ID that
  the case is still there (else one full read finds it again).
- ``update``: that same read right before the write, the expected-state check,
  then one write: a ``PATCH`` of the changed cells only, ``null`` for the
  cells in between. Graph's answer is the read-back (wipe check included).
- ``add``: one read (header row, last row, the high-water mark on the "_bot"
  sheet), one write: a batch of the new high-water mark, then ``rows/add``;
  the same two for every registration waiting meanwhile (``graph.add_queue``).
- ``change``: ``update`` without a read before it; the click decides on the
  read that checks the expected state (``bot.actions.one_turn``).
- ``list``: one read of the whole table.

Requests to the workbook go one at a time (an asyncio lock), as Microsoft
advises; retries and deadlines are ``graph.deadline``'s.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import httpx
from azure.core.credentials_async import AsyncTokenCredential

from cases.columns import (
    ARENDE_ID,
    BOT_HEADERS,
    case_from_cells,
    case_to_cells,
    id_key,
)
from cases.errors import CaseNotFound
from cases.ledger import Conflict, Reservations
from cases.model import Case, NewCase, Status

from .add_queue import AddQueue
from .case_turns import CaseTurns
from .client import BatchItem, GraphTransport, TimedOut, make_graph_client
from .config import GraphConfig
from .deadline import Clock, RetryPolicy, Sleep
from .errors import GraphError, GraphUnavailable, agent_error
from .excel import Layout, Snapshot
from .ids import IdIssuer
from .keep_alive import KeepAlive
from .location import Locator
from .parsed_rows import RowMemo
from .session import IDLE_LIMIT, PATIENCE, WorkbookSession
from .twin_wipe import wipe_other_rows
from .twins import Twins
from .workbook import Op, WorkbookRequests
from .writes import CUSTOMER_HEADERS, RowWrite

log = logging.getLogger(__name__)

T = TypeVar("T")
# A case's row as just read: layout, row number, values and number formats.
Located = tuple[Layout, int, list[Any], list[Any]]


class GraphLedger:
    # People edit the file in Excel for the web meanwhile, and their edits reach
    # Graph about 5 s late (github.com/microsoftgraph/msgraph-cli/issues/215): one
    # made just before a write of ours may land after it. The bot reads such a row
    # back a few seconds after writing it (bot/late_edits.py).
    person_edits_arrive_late = True
    # Graph answers a PATCH with the range as it now is (graph.writes): a close's
    # wipe is read back and checked by the write itself (bot/actions/case_verbs.py).
    write_answer_reads_back = True

    def __init__(
        self,
        config: GraphConfig,
        credential: AsyncTokenCredential,
        *,
        http_client: httpx.AsyncClient | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        idle_limit: float = IDLE_LIMIT,
        owns_credential: bool = False,
        beat: Sleep = asyncio.sleep,
        reservations: Reservations | None = None,
    ) -> None:
        self.config = config
        self._credential = credential if owns_credential else None
        self._http = http_client or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
        self._owns_http = http_client is None
        self.transport = GraphTransport(
            make_graph_client(config, credential, http_client=self._http)
        )
        self.policy = RetryPolicy(clock, sleep)
        self.locator = Locator(config, self.transport)
        self.session = WorkbookSession(self.transport, clock, idle_limit)
        self.keep_alive = KeepAlive(self, beat)
        self._clock = clock
        self._lock = asyncio.Lock()
        self._layout: Layout | None = None
        self._rows: dict[str, int] = {}
        self._highest = 0
        self._parsed = RowMemo()  # the last read's cases by row: a scan parses what changed
        # None: this process is the only one writing (graph.ids, graph.case_turns).
        self.ids, self.turns = IdIssuer(reservations), CaseTurns(reservations)
        self.twins = Twins(self)  # one registration in two rows (graph.twins)
        self._adds = AddQueue(self)

    @classmethod
    def create(cls, config: GraphConfig) -> GraphLedger:
        from .credentials import make_credential

        return cls(config.check(), make_credential(config), owns_credential=True)

    # -- the Ledger protocol -----------------------------------------------------

    async def add(self, new: NewCase) -> Case:
        return await self._adds.add(new)

    async def get(self, case_id: str) -> Case:
        return await self._run("get", lambda op: self._get(op, case_id))

    async def list(self, statuses: Iterable[Status] | None = None) -> builtins.list[Case]:
        wanted = None if statuses is None else frozenset(Status(s) for s in statuses)
        snapshot = await self._run("list", self._read_all)
        return [c for c in snapshot.cases if wanted is None or c.status in wanted]

    async def update(self, expected: Case, new: Case) -> Case:
        if new.case_id != expected.case_id:
            raise ValueError(
                f"an update cannot change the Ärende-ID ({expected.case_id} -> {new.case_id})"
            )
        return await self._in_case_turn(new.case_id, lambda op: self._update(op, expected, new))

    async def change(
        self, case_id: str, decide: Callable[[Case], Case | None]
    ) -> tuple[Case, Case | None]:
        """Read the case, ``decide`` on it, write what it returns (``None``: nothing).

        A click in one read and one write: the read that proves the row is as
        expected is the one the click decides on (bot.actions.one_turn).
        """
        plan: builtins.list[tuple[Case, Case]] = []  # (read, new), once decided

        async def decided(op: Op) -> tuple[Case, Case | None]:
            if plan:  # an earlier attempt's write may have taken: update's own doubt rules
                return plan[0][0], await self._update(op, *plan[0])
            located = await self._locate(op, case_id)
            current = case_from_cells(located[0].known_cells(located[2]))
            new = decide(current)
            if new is None:
                return current, None
            plan.append((current, new))
            return current, await self._update(op, current, new, located)

        return await self._in_case_turn(case_id, decided)

    async def _in_case_turn(self, case_id: str, step: Callable[[Op], Awaitable[T]]) -> T:
        """``step`` in the case's turn (``graph.turns``), its twin tidied away first."""
        holder = uuid.uuid4().hex  # this call's: its own retries find the case held by it
        tidied: builtins.list[bool] = []

        async def in_turn(op: Op) -> T:
            if not tidied and self.twins.watches(case_id):
                # Its twin taken out first, so that the change acts on one row. Before
                # the case's own turn: the clean-up's turns are given back by then.
                tidied.append(True)
                await self.twins.tidy(op.deadline)
            key = self.workbook_key()
            return await self.turns.run(key, case_id, holder, op, lambda: step(op))

        return await self._run("update", in_turn)

    async def web_url(self) -> str:
        """Where the workbook opens in the browser (Excel for the web): for a link.

        Read through the drive, outside the workbook's session and its lock.
        """
        deadline = self.policy.deadline(self.config.deadline)
        try:
            return await self.policy.run(deadline, lambda: self.locator.web_url(deadline))
        except (GraphError, TimedOut) as failed:
            raise agent_error("web url", "", failed) from None

    async def ready(self) -> None:
        """The readiness probe's check: file, session, table and headers, in one read."""
        await self._run("ready", self._read_header)

    async def warm_up(self, seconds: float = 15.0) -> None:
        """Locate the file, open the session and read the table before the first click."""
        await self._run("warm up", self._read_all, seconds=seconds, patience=PATIENCE)

    def use_reservations(self, reservations: Reservations) -> None:
        """Take IDs, the blank row and each case's turn in state shared with other instances."""
        self.ids.reservations = self.turns.reservations = reservations

    def workbook_key(self) -> str:
        """The workbook, in the names of its reservations (located by then)."""
        where = self.locator.known
        assert where is not None
        return f"{where.drive_id}/{where.item_id}"

    async def aclose(self) -> None:
        await self._adds.aclose()
        await self.keep_alive.aclose()
        await self.session.aclose(self.locator.known, self.policy.deadline(2.0))
        if self._owns_http:
            await self._http.aclose()
        if self._credential is not None:
            await self._credential.close()

    # -- one call: lock, deadline, retries, and what the agent is told --------------

    async def _run(
        self,
        name: str,
        body: Callable[[Op], Awaitable[T]],
        seconds: float | None = None,
        patience: float = 0.0,  # how long it may wait for a session being made: see graph.session
    ) -> T:
        op = Op(name, self.policy.deadline(seconds or self.config.deadline))
        try:
            async with asyncio.timeout(max(0.0, op.deadline.remaining())):
                await self._lock.acquire()
        except TimeoutError:
            raise GraphUnavailable(f"{name}: workbook busy") from None
        try:
            return await self.policy.run(op.deadline, lambda: self._attempt(op, body, patience))
        except (GraphError, TimedOut) as failed:
            raise agent_error(op.name, op.in_doubt, failed) from None
        finally:
            self._lock.release()

    async def _attempt(
        self, op: Op, body: Callable[[Op], Awaitable[T]], patience: float = 0.0
    ) -> T:
        location = await self.locator.locate(op.deadline)
        self.keep_alive.start()
        op.session = await self.session.for_request(location, op.deadline, patience)
        op.requests = WorkbookRequests(self.transport, location)
        # A session Graph ends is dropped by the transport, whichever request hears it.
        result = await body(op)
        self.session.used()
        return result

    # -- reads ---------------------------------------------------------------------

    async def _send(self, op: Op, info: Any, what: str) -> Any:
        return (await self.transport.send(info, what, op.deadline, op.session)).body

    async def _batch(
        self, op: Op, items: builtins.list[BatchItem], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        answers = await self.transport.batch(items, op.deadline, op.session, optional=optional)
        return {key: answer.body for key, answer in answers.items()}

    async def _read_all(self, op: Op) -> Snapshot:
        body = await self._send(op, op.requests.table_range(), "table")
        snapshot = Snapshot.from_table_range(body["address"], body["values"], self._parsed.for_read)
        self._layout, self._rows = snapshot.layout, snapshot.rows
        self._highest = max(self._highest, snapshot.highest_number)
        return snapshot

    async def _read_header(self, op: Op) -> Layout:
        body = await self._send(op, op.requests.header_row(), "header row")
        return Layout.from_header_range(body["address"], body["values"])

    async def _locate(self, op: Op, case_id: str) -> Located:
        """The case's row right now: layout, row number, values and number formats.

        One read when the row is where it was; else the whole table is read to
        find it (it moved, or this process has not seen it yet), then the row.
        """
        key = id_key(case_id)
        for _ in range(2):
            if self._layout is None or key not in self._rows:
                await self._read_all(op)
                if key not in self._rows:
                    raise CaseNotFound(case_id)
            assert self._layout is not None
            row = self._rows[key]
            address = self._layout.row_address(row).cells
            found = await self._batch(
                op,
                [
                    BatchItem("h", op.requests.header_row(), "header row"),
                    BatchItem("r", op.requests.cells(self._layout.sheet, address), "row"),
                ],
            )
            layout = Layout.from_header_range(found["h"]["address"], found["h"]["values"])
            values, formats = found["r"]["values"][0], found["r"]["numberFormat"][0]
            if layout == self._layout and id_key(values[layout.columns[ARENDE_ID]]) == key:
                return layout, row, values, formats
            self._layout = None  # moved, sorted, or columns changed: read it all again
        raise GraphUnavailable(f"{case_id} keeps moving")  # pragma: no cover - two moves in a row

    async def _get(self, op: Op, case_id: str) -> Case:
        if self._layout is None or id_key(case_id) not in self._rows:
            # Not seen yet: the whole table answers it, no need to read the row again.
            snapshot = await self._read_all(op)
            found = snapshot.case(case_id)
            if found is not None:
                return found
            if id_key(case_id) not in snapshot.rows:
                raise CaseNotFound(case_id)
            # There, but unreadable: reading the row raises the error that says which column.
        layout, _, values, _ = await self._locate(op, case_id)
        return case_from_cells(layout.known_cells(values))

    # -- writes --------------------------------------------------------------------

    async def _update(
        self, op: Op, expected: Case, new: Case, located: Located | None = None
    ) -> Case:
        layout, row, values, formats = located or await self._locate(op, expected.case_id)
        current = case_from_cells(layout.known_cells(values))
        if op.in_doubt and current == new:
            return self._remember(new, row)  # the write that went unanswered did take
        op.in_doubt = ""
        if current != expected:
            raise Conflict(current)
        before, after = case_to_cells(current), case_to_cells(new)
        texts = {h: t for h, t in after.items() if t != before[h]}
        if not new.has_customer_data:  # a wipe: every customer cell, and read back
            texts.update({h: "" for h in CUSTOMER_HEADERS})
        if not texts:
            return current
        if await self._add_missing_columns(op, layout, texts):
            return await self._update(op, expected, new)
        left = None
        if not new.has_customer_data and self.twins.may_have(new.case_id):
            left = await wipe_other_rows(self, op, new.case_id, row)  # graph.twin_wipe
        write = RowWrite(layout, row, texts, formats)
        shown = await self._write_row(op, write, new.case_id)
        stored = self._remember(case_from_cells({**layout.known_cells(values), **shown}), row)
        if not new.has_customer_data:
            self._parsed.forget()
        if left is not None:
            raise left
        return stored

    async def _write_row(self, op: Op, write: RowWrite, case_id: str) -> dict[str, str]:
        """PATCH the cells, and once more any that came back other than sent; the cells as shown."""
        shown, formats = await self._patch(op, write, case_id)
        repair = write.repair(shown, case_id, formats)
        if repair is None:
            return shown
        again, _ = await self._patch(op, repair, case_id)
        repair.verify(again, case_id)
        return {**shown, **again}

    async def _patch(
        self, op: Op, write: RowWrite, case_id: str
    ) -> tuple[dict[str, str], builtins.list[Any] | None]:
        """One PATCH: the written cells as Graph's answer shows them, and their formats."""
        info = op.requests.write_cells(write.layout.sheet, write.address, [write.values()])
        op.in_doubt = case_id
        try:
            body = await self._send(op, info, "write row")
        except GraphError as failed:
            if not failed.ambiguous:
                op.in_doubt = ""
            raise
        op.in_doubt = ""
        formats = (body.get("numberFormat") or [None])[0]
        return write.shown(body["values"][0], write.first), write.formats_of(formats, write.first)

    async def _add_missing_columns(self, op: Op, layout: Layout, texts: dict[str, str]) -> bool:
        """Append the bot's columns (``BOT_HEADERS``, on the right) a workbook made before the bot lacks."""
        missing = [
            h for h in BOT_HEADERS if h not in layout.columns and (h in texts or h == ARENDE_ID)
        ]
        if not missing:
            return False
        await self._batch(
            op,
            [
                BatchItem(f"c{n}", op.requests.add_column(h), "add column")
                for n, h in enumerate(missing)
            ],
        )
        log.info("added the bot's columns to the table", extra={"columns": missing})
        await self._read_all(op)
        return True

    def _remember(self, case: Case, row: int) -> Case:
        self._rows[id_key(case.case_id)] = row
        return case

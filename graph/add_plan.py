"""One write of the add queue: which case goes in which row, under which ID, in what request.

Pure planning, no requests: ``graph.add_queue`` reads, plans with this, sends
the plan's batch and reads the answers back through ``Shown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.clock import stockholm_now
from cases.columns import (
    LAST_ID_LABEL,
    SAVED_AT_LABEL,
    STATE_SHEET,
    case_to_cells,
    format_datetime,
)
from cases.model import Case

from .client import BatchItem
from .excel import Address, Layout, is_blank, parse_address, whole_number
from .workbook import VERY_HIDDEN, WorkbookRequests
from .writes import RowWrite

if TYPE_CHECKING:
    from .add_queue import Waiter


# Items of the write whose failure leaves the registration standing: the read back
# (the rows are then read where they are) and the hiding (done by the next write).
OPTIONAL = frozenset({"b", "hs"})


@dataclass
class Shown:
    """One written row in an answer: its values (and formats) from column ``first`` on."""

    values: list[Any]
    formats: list[Any] | None
    first: int


@dataclass
class Plan:
    """One attempt's write: the cases with their IDs, and each one's row."""

    layout: Layout
    state: Any  # the "_bot" sheet as read (graph.add_queue._read); None: no such sheet yet
    mark: int  # the high-water mark to write: the highest ID number issued
    last_row: int  # the table's last row as read
    reuse: bool  # that row is the template's blank one: the first case fills it
    cases: list[Case]
    writes: list[RowWrite]

    @property
    def added(self) -> list[RowWrite]:
        """The rows that rows/add appends."""
        return self.writes[1:] if self.reuse else self.writes

    @property
    def hides(self) -> bool:
        """Whether the write hides the "_bot" sheet: made by it, or read as not very hidden."""
        return self.state is None or self.state.get("visibility") != VERY_HIDDEN

    def items(self, requests: WorkbookRequests) -> list[BatchItem]:
        """The write, one JSON batch: the "_bot" sheet's mark, then the rows, then a read back;
        last, when it is not "very hidden" (as the local workbook makes it), its hiding."""
        items = []
        if self.state is None:  # the state sheet, once
            items.append(BatchItem("ns", requests.add_sheet(STATE_SHEET), "add sheet"))
        mark: list[list[Any]] = [
            [LAST_ID_LABEL, self.mark],
            [SAVED_AT_LABEL, "'" + format_datetime(stockholm_now())],
        ]
        items.append(BatchItem("s", requests.write_cells(STATE_SHEET, "A1:B2", mark), "state"))
        if self.reuse:
            blank = self.writes[0]
            cells = requests.write_cells(self.layout.sheet, blank.address, [blank.values()])
            items.append(BatchItem("r", cells, "write row"))
        if self.added:
            rows = requests.add_rows([w.whole_row() for w in self.added])
            items.append(BatchItem("a", rows, "rows/add"))
        if len(self.added) > 1:  # Graph answers rows/add with its top row only
            added = block(self.layout, self.last_row + 1, len(self.added)).cells
            items.append(BatchItem("b", requests.cells(self.layout.sheet, added), "read back"))
        if self.hides:  # last and optional (OPTIONAL): no registration fails for it
            items.append(BatchItem("hs", requests.hide_sheet(STATE_SHEET), "hide sheet"))
        return items


def plan_write(
    highest: int,
    live: list[Waiter],
    layout: Layout,
    last: Any,
    state: Any,
    *,
    may_fill: bool = True,
) -> Plan:
    """Each waiter's reserved ID, the blank row's filler first; rows formatted as the last."""
    mark = max(whole_number(state["values"][0][1]) if state else 0, highest)
    cases = [w.new.with_id(w.reserved) for w in live]
    writes = [RowWrite(layout, 0, texts(c), last["numberFormat"][0]) for c in cases]
    last_row = parse_address(last["address"]).min_row
    # An empty last row (the template's first row: an Excel table always has
    # one) is filled before the table grows, by the one who reserved it, and
    # not while a fill of it may still land (``may_fill``).
    reuse = may_fill and is_blank(last["values"][0]) and live[0].blank_row == last_row
    if reuse:
        writes[0].row = last_row
    return Plan(layout, state, mark, last_row, reuse, cases, writes)


def texts(*cases: Case) -> dict[str, str]:
    return {h: t for case in cases for h, t in case_to_cells(case).items() if t}


def block(layout: Layout, first_row: int, count: int) -> Address:
    """``count`` whole table rows from ``first_row``."""
    return Address(
        layout.sheet,
        layout.first_col,
        first_row,
        layout.first_col + layout.width - 1,
        first_row + count - 1,
    )

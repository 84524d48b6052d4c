"""The cases of the table's last read, by each row's values: an unchanged row is not parsed again.

Every ``list`` reads the whole table (the stall scan, ``kö``), and parsing a
row into a ``Case`` (``cases.columns.case_from_cells``: dates, status, texts)
was most of the bot's CPU in a scan of 10,000 rows, nearly all of them closed
and the same as at the last read (bench.scan, issue 13). A row whose values and
their types are those of the last read, under the same header row, gives the
same ``Case`` (a frozen value, shared safely); any other row is parsed as
before, and one that cannot be read is never remembered, so it is reported at
every read as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from cases.columns import case_from_cells
from cases.model import Case

from .excel import Layout

# The values with their types: True == 1 == 1.0 in Python, but a cell holding
# TRUE reads as the text "True" and one holding 1 as "1".
RowKey = tuple[tuple[Any, ...], tuple[type, ...]]


class RowMemo:
    """What the last read parsed; each read keeps only its own rows."""

    def __init__(self) -> None:
        self._layout: Layout | None = None
        self._last: dict[RowKey, tuple[RowKey, Case]] = {}
        self._next: dict[RowKey, tuple[RowKey, Case]] = {}

    def for_read(self, layout: Layout) -> Callable[[Sequence[Any]], Case]:
        """A new read of the whole table under ``layout``: what parses its rows."""
        self._last = self._next if layout == self._layout else {}
        self._layout, self._next = layout, {}
        return functools.partial(self.case, layout)

    def forget(self) -> None:
        """Drop every row: after a close, its wiped values must not live on here.

        A closed case's customer data is gone from the workbook; kept in the
        memo it would stay in the process until two more reads. The next read
        parses every row once, a price paid per close, not per scan.
        """
        self._last, self._next = {}, {}

    def case(self, layout: Layout, row: Sequence[Any]) -> Case:
        """The row's case (``UnreadableRow`` as ``case_from_cells`` raises it)."""
        values = tuple(row)
        key = (values, tuple(map(type, values)))
        try:
            known = self._last.get(key)
        except TypeError:  # an unhashable value (never a cell's): parsed, not remembered
            return case_from_cells(layout.known_cells(row))
        if known is None:
            known = key, case_from_cells(layout.known_cells(row))
        # The key remembered is the first read's, so that an unchanged row leaves
        # nothing new behind to live on: fewer full collections of the heap.
        self._next[known[0]] = known
        return known[1]

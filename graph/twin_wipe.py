"""A closed case's customer data wiped from every row that carries its Ärende-ID.

A registration repeated after a 504 can stand in two rows (``graph.twins``).
The clean-up deletes the bot's spare row, but not a row someone changed by
hand, and it may not have run yet when the case is closed. The project's rule
holds all the same: after a close the customer data is nowhere. So a close of
a case that may have a twin wipes the customer cells of each other row of that
ID, and the twin clean-up does the same when it finds one of those rows
closed (the close made on another instance, or the twin landed after it). The
rest of such a row stays as the person left it; the log names the ID only.

Each wipe is a ``PATCH`` of the customer cells whose answer is the read-back,
as for the main row (``graph.writes``): a cell that does not come back empty
raises ``WipeNotVerified``. The caller holds the case's turn (``graph.case_turns``),
and a wipe moves no row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cases.columns import ARENDE_ID, STATUS, id_key, parse_status
from cases.model import Status

from .errors import WipeNotVerified
from .excel import Layout, parse_address, read_back
from .workbook import Op
from .writes import CUSTOMER_HEADERS, RowWrite

if TYPE_CHECKING:
    from .ledger import GraphLedger

log = logging.getLogger(__name__)


def customer_headers(layout: Layout) -> list[str]:
    return [h for h in CUSTOMER_HEADERS if h in layout.columns]


def has_customer_data(layout: Layout, values: Sequence[Any]) -> bool:
    return any(read_back(values[layout.columns[h]]) for h in customer_headers(layout))


def shows_closed(layout: Layout, values: Sequence[Any]) -> bool:
    """The row shows its case closed: Hanterad, and no customer data left."""
    status = parse_status(values[layout.columns[STATUS]])
    return status is Status.HANTERAD and not has_customer_data(layout, values)


async def wipe_rows(
    ledger: GraphLedger, op: Op, layout: Layout, case_id: str, rows: Iterable[int]
) -> None:
    """Wipe the customer cells of each sheet row in ``rows``, each read back empty."""
    texts = dict.fromkeys(customer_headers(layout), "")
    for row in rows:
        write = RowWrite(layout, row, texts, [])  # an empty text is sent as such: no format
        shown, _ = await ledger._patch(op, write, case_id)
        write.verify(shown, case_id)
        log.info("graph wiped customer data in a second row of a case", extra={"case_id": case_id})


async def wipe_other_rows(
    ledger: GraphLedger, op: Op, case_id: str, keep: int
) -> WipeNotVerified | None:
    """A close: every row of ``case_id`` but ``keep`` (the one the close writes) that still
    holds customer data gets it wiped; one read of the table finds them.

    Made before the close's own write, so that a retry finds that row as
    expected still. A wipe that did not take is returned, not raised: the
    close goes on, and its caller raises it after ("marked Hanterad, but ...").
    """
    body = await ledger._send(op, op.requests.table_range(), "table")
    layout = Layout.from_header_range(body["address"], body["values"][:1])
    first = parse_address(body["address"]).min_row + 1
    key, id_col = id_key(case_id), layout.columns[ARENDE_ID]
    rows = [
        first + n
        for n, values in enumerate(body["values"][1:])
        if first + n != keep and id_key(values[id_col]) == key and has_customer_data(layout, values)
    ]
    try:
        await wipe_rows(ledger, op, layout, case_id, rows)
    except WipeNotVerified as left:
        return left
    return None

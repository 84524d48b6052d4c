"""A session Graph ends is never sent again, whichever request found out.

Some requests' failures are the bot's own business, not the call's: the read
back of a registration's rows, left out of a batch's answers and read again,
and the repair of a cell that came back other than sent. Graph can end the
session on any of them ("further access to the session ... is not expected",
learn.microsoft.com/graph/workbook-error-handling); the session must hear of
it all the same, or every later call would carry the dead session again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from graph.errors import WriteUnconfirmed
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import registration
from tests.fakes.graph import FakeGraph

MakeLedger = Callable[..., GraphLedger]

# One of each way the bot goes on: a new session, none for a while, the request not resent.
CODES = [
    "invalidSessionReCreatable",
    "invalidSessionUnexpected",
    "internalServerErrorUncategorized",
]


class Ended:
    """The session Graph ended, and where in the fake's log that was."""

    session = ""
    at = 0

    def carried(self, fake: FakeGraph) -> list[str]:
        """Every request that carried the session from its end on."""
        return [kind for kind, sent, _ in fake.log[self.at :] if sent == self.session]


async def ready_ledger(fake: FakeGraph, make_ledger: MakeLedger) -> GraphLedger:
    """A ledger with its session open and one case in the table."""
    ledger = make_ledger()
    await ledger.warm_up()
    await ledger.add(registration(0))
    assert ledger.session.id is not None
    return ledger


def end_after(fake: FakeGraph, done: str, then: str, code: str) -> Ended:
    """Graph ends the session once the request ``done`` is carried out, before ``then``."""
    ended = Ended()

    def end(_wb: object) -> None:
        [ended.session] = fake.end_session(code=code)
        ended.at = len(fake.log)

    def arm(_wb: object) -> None:
        fake.before(then, end)

    fake.before(done, arm)
    return ended


@pytest.mark.parametrize("code", CODES)
async def test_a_session_ended_on_the_read_back_of_new_rows_is_not_sent_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger, code: str
) -> None:
    ledger = await ready_ledger(fake_graph, make_ledger)
    # The write batch: the mark, rows/add, and the read back of the rows, left out on failure.
    ended = end_after(fake_graph, "rows.add", "range.get", code)
    news = [registration(n) for n in range(1, 4)]
    cases = await asyncio.gather(*(ledger.add(new) for new in news))
    # Their rows were saved: each agent is told so (main told them "unclear").
    assert cases == [new.with_id(case.case_id) for new, case in zip(news, cases, strict=True)]
    listed = await ledger.list()  # main: GraphUnavailable after internalServerErrorUncategorized
    assert {c.case_id for c in cases} <= {c.case_id for c in listed}
    assert ended.carried(fake_graph) == ["range.get"]  # the read back that found out


@pytest.mark.parametrize("code", CODES)
async def test_a_session_ended_on_the_repair_of_a_new_row_is_not_sent_again(
    fake_graph: FakeGraph, make_ledger: MakeLedger, code: str
) -> None:
    ledger = await ready_ledger(fake_graph, make_ledger)
    wb = fake_graph.workbook

    def format_last_row(_wb: object) -> None:  # the new row comes back as a number: repaired
        for col in range(wb.t.first_col, wb.t.last_col + 1):
            wb.t.sheet.cell(wb.t.last_row, col).number_format = "@"

    fake_graph.before("rows.add", format_last_row)
    ended = end_after(fake_graph, "rows.add", "range.patch", code)
    with pytest.raises(WriteUnconfirmed) as told:  # the row is in, a cell unconfirmed
        await ledger.add(registration(1, customer_number="0012345"))
    assert told.value.case_id == "SA-000002"
    await ledger.list()  # main: GraphUnavailable after internalServerErrorUncategorized
    assert ended.carried(fake_graph) == ["range.patch"]  # the repair that found out

"""Each header once in a JSON batch's sub-request, as OData asks and the fake enforces."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import DRIVE_ID, ITEM_ID, TOKEN, FakeGraph

MakeLedger = Callable[..., GraphLedger]


async def test_the_fake_refuses_a_header_named_twice_in_any_case(fake_graph: FakeGraph) -> None:
    url = f"/drives/{DRIVE_ID}/items/{ITEM_ID}/workbook/worksheets/Sheet1/range(address='A1')"

    def batch(headers: dict[str, str]) -> dict[str, object]:
        return {"requests": [{"id": "1", "method": "PATCH", "url": url, "headers": headers,
                              "body": {"values": [["x"]]}}]}  # fmt: skip

    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        twice = batch({"content-type": "application/json", "Content-Type": "application/json"})
        refused = await http.post(f"{fake_graph.base_url}/$batch", json=twice)
        once = await http.post(
            f"{fake_graph.base_url}/$batch", json=batch({"Content-Type": "application/json"})
        )
    assert refused.status_code == 400
    assert fake_graph.counts["range.patch"] == 1  # the refused batch ran nothing
    assert once.status_code == 200


async def test_registrations_and_updates_name_each_header_once(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    # Main sent "content-type" (kiota's) and "Content-Type" (its own) with every
    # write in a batch: against a Graph as strict as the fake, every
    # registration failed.
    ledger = make_ledger()
    first = await ledger.add(registration(1))  # fills the template's blank row
    await ledger.add(registration(2))  # rows/add
    assert await ledger.update(first, claimed(first)) == claimed(first)
    assert fake_graph.counts["rows.add"] == 1

"""The fake Graph's rows/add, as Microsoft documents it: several rows, the top one answered."""

from __future__ import annotations

import httpx

from cases.columns import HEADERS, KUNDNUMMER
from tests.fakes.graph import DRIVE_ID, ITEM_ID, TOKEN, FakeGraph


async def test_the_fakes_rows_add_takes_several_rows_and_answers_with_the_top_one(
    fake_graph: FakeGraph,
) -> None:
    url = (
        f"{fake_graph.base_url}/drives/{DRIVE_ID}/items/{ITEM_ID}"
        "/workbook/tables/StoraArenden/rows/add"
    )
    width = len(HEADERS)
    rows = [[f"'{n}"] + [None] * (width - 1) for n in (1, 2, 3)]
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        bad = await http.post(url, json={"index": None, "values": [*rows, ["too short"]]})
        assert bad.status_code == 400
        assert len(fake_graph.workbook.rows()) == 1  # all or nothing: not one row added
        answer = await http.post(url, json={"index": None, "values": rows})
    assert answer.status_code == 200
    assert answer.json()["index"] == 1  # below the template's blank row
    assert answer.json()["values"] == [["1"] + [""] * (width - 1)]
    assert [r[KUNDNUMMER] for r in fake_graph.workbook.rows()] == ["", "1", "2", "3"]


async def test_the_fakes_row_delete_works_by_item_at_as_public_reports_say(
    fake_graph: FakeGraph,
) -> None:
    """rows/{index} (the tablerow-delete page) answers ApiNotFound; rows/itemAt(index=n) works."""
    table = f"{fake_graph.base_url}/drives/{DRIVE_ID}/items/{ITEM_ID}/workbook/tables/StoraArenden"
    width = len(HEADERS)
    rows = [[f"'{n}"] + [None] * (width - 1) for n in (1, 2, 3)]
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        await http.post(f"{table}/rows/add", json={"index": None, "values": rows})
        as_documented = await http.delete(f"{table}/rows/2")
        assert as_documented.status_code == 400
        assert as_documented.json()["error"]["code"] == "ApiNotFound"
        answer = await http.delete(f"{table}/rows/itemAt(index=2)")
        beyond = await http.delete(f"{table}/rows/itemAt(index=9)")
    assert (answer.status_code, answer.content) == (200, b"")
    assert beyond.status_code == 404
    assert [r[KUNDNUMMER] for r in fake_graph.workbook.rows()] == ["", "1", "3"]

"""The queue on the Graph store: the link is the file's webUrl, the buttons and search work.

Over real HTTP: the bot's app, the fake Bot Connector, the fake Graph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.conftest import ANNA, BO, Office
from tests.bot.test_lifecycle_e2e import card_of
from tests.bot.test_queue_e2e import click_row, register, search, sent_to_teams
from tests.cards.queue_rows import row_of
from tests.fakes.cardwalk import texts, walk
from tests.fakes.graph import DRIVE_ID, FILE_NAME, FOLDER, WEB_URL, FakeGraph
from tests.graph.conftest import FixedToken
from tests.graph.test_bot_on_graph import MakeLedger, graph_office


@pytest.fixture
async def office_on_graph(tmp_path: Path, make_ledger: MakeLedger) -> AsyncIterator[Office]:
    """The bot's app on the Graph store, its click budget the default one."""
    async with graph_office(tmp_path, make_ledger(virtual=False)) as office:
        yield office


def links(card: dict) -> list[str]:
    return [n["url"] for n in walk(card) if n.get("type") == "Action.OpenUrl"]


async def test_the_queue_links_the_workbook_and_a_claim_from_it_claims(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    case_id = await register(office)
    queue = await office.say(BO, "kö")
    assert links(queue.card) == [WEB_URL]
    again = await office.say(ANNA, "mina")
    assert links(again.card) == [WEB_URL]
    assert fake_graph.counts["item.get"] == 1  # read once, then kept

    claimed = card_of(await click_row(office, BO, queue, case_id, "claim"))
    assert "5012345" in texts(claimed)
    (row,) = fake_graph.workbook.rows()
    assert (row["Status"], row["Hanteras av"]) == ("Påbörjad", "xbo")
    assert "Bo Berg (xbo)" in row_of((await office.say(ANNA, "kö")).card, case_id).text


async def test_a_search_answers_the_searcher_only(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    first = await register(office)
    second = await register(office, customerNumber="5022222", cabNumber="98765")
    queue = await office.say(ANNA, "kö")
    before = len(sent_to_teams(office))
    by_customer = card_of(await search(office, ANNA, queue, "5012345"))
    assert first in texts(by_customer) and second not in texts(by_customer)
    by_cab = card_of(await search(office, ANNA, queue, "CAB-98765"))
    assert second in texts(by_cab) and "5022222" in texts(by_cab)
    assert len(sent_to_teams(office)) == before


async def test_the_queue_comes_without_its_link_when_the_file_cannot_be_read(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    fake_graph.denied.add("item.get")
    queue = await office_on_graph.say(ANNA, "kö")
    assert links(queue.card) == []
    assert "Kö – öppna ärenden" in texts(queue.card)
    fake_graph.denied.discard("item.get")  # a failed read is not kept: the next queue has it
    assert links((await office_on_graph.say(ANNA, "kö")).card) == [WEB_URL]


async def test_a_file_found_by_its_path_brings_its_address_along(
    make_ledger: MakeLedger, fake_graph: FakeGraph
) -> None:
    ledger = make_ledger(
        drive_id=DRIVE_ID, item_id="", folder=FOLDER, file_name=FILE_NAME, credential=FixedToken()
    )
    assert await ledger.web_url() == WEB_URL
    assert await ledger.web_url() == WEB_URL
    assert (fake_graph.counts["item.byPath"], fake_graph.counts["item.get"]) == (1, 0)

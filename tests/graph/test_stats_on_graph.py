"""``statistik`` on the Graph store: the same figures from the workbook in SharePoint.

Over real HTTP: the bot's app, the fake Bot Connector, the fake Graph. The
rows are those of tests/cases/test_stats.py, worked out by hand there.
"""

from __future__ import annotations

import json

from tests.bot.conftest import ANNA, Office
from tests.bot.test_lifecycle_e2e import CUSTOMER_VALUES, card_of
from tests.bot.test_stats_e2e import SIGNATURES, _facts, _seed, _statistik
from tests.cards.schema import without_charts
from tests.fakes.cardwalk import walk
from tests.fakes.graph import FakeGraph
from tests.graph.test_queue_on_graph import office_on_graph

__all__ = ["office_on_graph"]  # the fixture, used by name


async def test_statistik_reads_the_graph_workbook(
    office_on_graph: Office, fake_graph: FakeGraph
) -> None:
    office = office_on_graph
    await _seed(office)
    assert len(fake_graph.workbook.rows()) == 9
    card = await _statistik(office)
    facts = _facts(without_charts(card))
    assert (facts["Median"], facts["9 av 10 klara inom"], facts["varav länge"]) == (
        "7 h",
        "54 h",
        "1",
    )
    (bars,) = [n for n in walk(card) if n.get("type") == "Chart.VerticalBar.Grouped"]
    assert [v["y"] for v in bars["data"][0]["values"]][-3:] == [1, 3, 4]

    answer = card_of(await office.click(ANNA, office.connector.last(), "statsCsv"))
    (block,) = [n for n in walk(answer) if n.get("type") == "CodeBlock"]
    assert "Hanterade;2026-W26;4" in block["codeSnippet"].splitlines()
    shown = json.dumps([card, answer], ensure_ascii=False)
    assert not any(value in shown for value in (*CUSTOMER_VALUES, *SIGNATURES))

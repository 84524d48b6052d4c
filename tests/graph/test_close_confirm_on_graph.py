"""Issue 12's safe close on the Graph store: the bot over HTTP, the workbook in the fake Graph."""

from __future__ import annotations

from tests.bot.conftest import Office
from tests.bot.test_close_confirm_e2e import sixteen_closed_with_five
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import office_on_graph  # noqa: F401  (a fixture)


async def test_sixteen_changes_closed_with_five_ids_in_sharepoint(
    office_on_graph: Office,  # noqa: F811
    fake_graph: FakeGraph,
) -> None:
    await sixteen_closed_with_five(office_on_graph, fake_graph.workbook.rows)

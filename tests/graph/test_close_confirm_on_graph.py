"""Issue 12's safe close on the Graph store: the bot over HTTP, the workbook in the fake Graph."""

from __future__ import annotations

from tests.bot.conftest import BO, Office
from tests.bot.test_close_confirm_e2e import (
    TYPED,
    registered_and_claimed,
    sixteen_closed_with_five,
    typed_in,
)
from tests.bot.test_lifecycle_e2e import card_of
from tests.fakes.cardwalk import texts, verbs, walk
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import office_on_graph  # noqa: F401  (a fixture)


async def test_sixteen_changes_closed_with_five_ids_in_sharepoint(
    office_on_graph: Office,  # noqa: F811
    fake_graph: FakeGraph,
) -> None:
    await sixteen_closed_with_five(office_on_graph, fake_graph.workbook.rows)


async def test_a_close_left_in_doubt_gives_the_draft_on_the_next_fortsatt(
    office_on_graph: Office,  # noqa: F811
    fake_graph: FakeGraph,
) -> None:
    """The wipe's write took but its answer was lost (504), and the check read failed
    (503): the agent gets the form back, "unclear"; its Fortsätt then gives the draft."""
    office = office_on_graph
    post, form = await registered_and_claimed(office)
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    fake_graph.inject("range.patch", status=504, process=True)
    fake_graph.before("range.patch", lambda _wb: fake_graph.inject("$batch", status=503, times=99))
    unclear = card_of(await office.click(BO, post, "close", card=confirmation))
    fake_graph.clear_faults()
    assert "close.review" in verbs(unclear)
    (row,) = fake_graph.workbook.rows()
    assert row["Status"] == "Hanterad" and not row["Kundnummer"]  # it took

    again = card_of(await office.click(BO, post, "close.review", typed_in(unclear), card=unclear))
    assert "emailDraft" in {node.get("id") for node in walk(again)}
    assert "SA-000001" in texts(again)

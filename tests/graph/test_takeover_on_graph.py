"""The take-over question on the Graph store: "Senast ändrad" read back from SharePoint
decides it, and whoever had the case is told under its card."""

from __future__ import annotations

from tests.bot.conftest import ANNA, BO, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.bot.test_takeover_e2e import assert_mentions, assert_no_customer_data_sent, told
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import office_on_graph  # noqa: F401  (the fixture)


def handler(fake_graph: FakeGraph) -> str:
    (row,) = fake_graph.workbook.rows()
    return str(row["Hanteras av"])


async def test_a_take_over_on_graph_asks_within_the_hours_and_not_after(
    office_on_graph: Office,  # noqa: F811
    fake_graph: FakeGraph,
) -> None:
    office = office_on_graph
    for agent, signature in ((ANNA, "xanna"), (BO, "xbo")):
        await office.sign_up(agent, signature)
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    post = office.connector.top_level_posts()[-1]
    card_of(await office.click(BO, post, "claim"))  # Monday 09:00

    office.clock.advance(hours=8, minutes=59)  # 17:59: eight business hours, of nine
    asked = card_of(await office.click(ANNA, post, "takeover"))
    assert verbs(asked) == {"takeover.confirm", "refresh"}
    assert "Bo Berg (xbo) har ärendet och ändrade det senast 2026-11-23 09:00" in texts(asked)
    assert handler(fake_graph) == "xbo"
    card_of(await office.click(ANNA, post, "takeover.confirm", card=asked))
    assert handler(fake_graph) == "xanna"
    assert_mentions(told(office, post)[-1], BO)

    # Tuesday 17:00 is nine business hours after Anna's change at Monday 17:59.
    office.clock.advance(hours=23, minutes=1)
    taken = card_of(await office.click(BO, post, "takeover"))
    assert verbs(taken) == {"handover.form", "close.form"} and handler(fake_graph) == "xbo"
    assert_mentions(told(office, post)[-1], ANNA)
    assert len(told(office, post)) == 2
    assert_no_customer_data_sent(office)

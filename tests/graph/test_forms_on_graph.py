"""Forms that keep what was typed, on the Graph store (the fake Graph workbook).

Three instead of thirty: the routine with Tillbaka, the form back with its
nonce, then one registration however often Registrera is pressed; the CAB
number pasted as "CAB-98765" stored as its digits.
"""

from __future__ import annotations

from tests.bot.conftest import ANNA, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.fakes.cardwalk import buttons, texts, verbs
from tests.fakes.graph import FakeGraph
from tests.graph.test_bot_on_graph import office_on_graph  # noqa: F401 - the fixture


async def test_tillbaka_then_one_registration_with_the_cab_digits(
    office_on_graph: Office,  # noqa: F811 - the fixture imported above
    fake_graph: FakeGraph,
) -> None:
    office = office_on_graph
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "cabNumber": "CAB-98765", "changeCount": "3"}
    routine = card_of(await office.click(ANNA, form, "register", typed))
    assert verbs(routine) == {"register.back"}
    back = card_of(await office.click(ANNA, form, "register.back", card=routine))
    assert buttons(back)["register"]["data"] == buttons(form.card)["register"]["data"]
    assert fake_graph.workbook.rows()[0]["Ärende-ID"] == ""  # nothing stored yet

    thirty = {**typed, "changeCount": "30"}
    for _ in range(2):
        assert "SA-000001" in texts(
            card_of(await office.click(ANNA, form, "register", thirty, card=back))
        )
    (row,) = [r for r in fake_graph.workbook.rows() if r["Ärende-ID"]]
    assert (row["Ärende-ID"], row["Ärendenummer CAB"]) == ("SA-000001", "98765")

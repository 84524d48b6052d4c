"""``statistik`` over HTTP: the team's figures from the workbook, the CSV, and nothing for outsiders.

The workbook is filled with the small case of tests/cases/test_stats.py
(worked out by hand there: around midsommar 2026), open cases with customer
data in their rows; the bot reads it through the real local ledger.
"""

from __future__ import annotations

import json

from cases.model import Case, NewCase
from tests.bot.conftest import ANNA, OUTSIDER, Office
from tests.bot.test_lifecycle_e2e import CUSTOMER_VALUES, REGISTRATION, card_of
from tests.cards.schema import assert_teams_card, without_charts
from tests.cases.test_stats import MIDSUMMER_CASES, NOW
from tests.fakes import teams
from tests.fakes.cardwalk import buttons, texts, walk

ERROR = "application/vnd.microsoft.error"
SIGNATURES = ("xreg1", "xhan1")


async def _seed(office: Office) -> None:
    """Each case of the small example as a row; open rows keep customer data."""
    customer, cab, description = CUSTOMER_VALUES
    for case in MIDSUMMER_CASES:
        new = NewCase(customer, cab, description, case.registered_by, case.registered_at)
        added = await office.ledger.add(new)
        wiped = case.status.value == "Hanterad"
        row: Case = case.replace(
            case_id=added.case_id,
            customer_number="" if wiped else customer,
            cab_number="" if wiped else cab,
            description="" if wiped else description,
        )
        await office.ledger.update(added, row)
    office.clock.now = NOW


async def _statistik(office: Office) -> dict:
    card = (await office.say(ANNA, "statistik")).card
    assert_teams_card(card)
    return card


def _facts(card: dict) -> dict[str, str]:
    return {
        f["title"]: f["value"] for n in walk(card) if n.get("type") == "FactSet" for f in n["facts"]
    }


async def test_statistik_shows_the_teams_figures_and_no_names(office: Office) -> None:
    await _seed(office)
    card = await _statistik(office)
    shown = json.dumps(card, ensure_ascii=False)
    assert not any(value in shown for value in (*CUSTOMER_VALUES, *SIGNATURES, "SA-0"))

    (bars,) = [n for n in walk(card) if n.get("type") == "Chart.VerticalBar.Grouped"]
    registered = [v["y"] for v in bars["data"][0]["values"]]
    handled = [v["y"] for v in bars["data"][1]["values"]]
    assert registered[-3:] == [1, 3, 4] and handled[-3:] == [0, 0, 4]
    facts = _facts(without_charts(card))
    assert (facts["Median"], facts["9 av 10 klara inom"]) == ("7 h", "54 h")
    assert [facts[k] for k in ("under 1 dag", "1–3 dagar", "3–5 dagar", "5 dagar eller mer")] == [
        "2", "0", "1", "1",
    ]  # fmt: skip
    assert "Fastnat just nu (2)" in texts(card)


async def test_the_export_answers_the_clicker_with_the_csv(office: Office) -> None:
    await _seed(office)
    post = await office.say(ANNA, "stats")
    posts_before = len(office.connector.posts)
    csv_card = card_of(await office.click(ANNA, post, "statsCsv"))
    (block,) = [n for n in walk(csv_card) if n.get("type") == "CodeBlock"]
    lines = block["codeSnippet"].splitlines()
    assert lines[0] == "avsnitt;etikett;värde"
    assert "Registrerade;2026-W25;3" in lines and "Hanterade;2026-W26;4" in lines
    assert "Ledtid, registrerad till hanterad;ledtid median (h);7" in lines
    assert "Fastnat just nu;Nya, inte påbörjade;1" in lines
    snippet = block["codeSnippet"]
    assert not any(value in snippet for value in (*CUSTOMER_VALUES, *SIGNATURES, "SA-0"))
    # The answer is the clicker's alone: nothing was posted to the channel.
    assert len(office.connector.posts) == posts_before

    back = card_of(await office.click(ANNA, post, "stats", card=csv_card))
    assert set(buttons(back)) == {"statsCsv"}


async def test_statistik_counts_a_case_registered_through_the_bot(office: Office) -> None:
    assert "Öppna ärenden efter ålder (0)" in texts(await _statistik(office))
    form = await office.say(ANNA, "registrera")
    await office.sign_up(ANNA, "xanna")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    after = await _statistik(office)
    assert "Öppna ärenden efter ålder (1)" in texts(after)
    (bars,) = [n for n in walk(after) if n.get("type") == "Chart.VerticalBar.Grouped"]
    assert bars["data"][0]["values"][-1]["y"] == 1  # this week's registrations


async def test_an_outsider_gets_no_figures(office: Office) -> None:
    await _seed(office)
    anna_post = await office.say(ANNA, "statistik")
    # What there is to see: the member's card has the figures, and her click the CSV.
    assert [n for n in walk(anna_post.card) if n.get("type") == "Chart.Donut"]
    assert "Registrerade;2026-W25;3" in json.dumps(
        await office.click(ANNA, anna_post, "statsCsv"), ensure_ascii=False
    )
    for make in (teams.personal_message, teams.group_message):
        before = set(office.connector.posts)
        status, _ = await office.post(make(OUTSIDER, office.connector.url, "statistik"))
        assert status in (200, 201)
        (answer,) = [p for k, p in office.connector.posts.items() if k not in before]
        assert answer.cards == []
        assert "Median" not in answer.text and "Statistik" not in answer.text
    for verb in ("statsCsv", "stats"):
        body = await office.invoke(OUTSIDER, anna_post, verb, {})
        assert (body["type"], body["statusCode"]) == (ERROR, 403), verb
        assert "Registrerade" not in json.dumps(body, ensure_ascii=False)

"""The statistics card and its CSV: charts with the same figures as their fallbacks, no names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import cards
from cases.stats import LeadTimes, team_stats
from tests.cases.test_stats import CAL, MIDSUMMER_CASES, NOW, RULES
from tests.fakes.cardwalk import buttons, texts, walk

from .conftest import render
from .schema import assert_valid_card, without_charts

STATS = team_stats(MIDSUMMER_CASES, now=NOW, calendar=CAL, rules=RULES)
SIGNATURES = ("xreg1", "xhan1")


def facts(node: Any) -> dict[str, str]:
    return {
        f["title"]: f["value"] for n in walk(node) if n.get("type") == "FactSet" for f in n["facts"]
    }


def chart(card: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [n for n in walk(card) if n.get("type") == kind]
    return found


def test_the_weeks_chart_and_its_table_show_the_same_figures() -> None:
    card = render(cards.stats_card(STATS, CAL, "sv-SE"))
    bars = chart(card, "Chart.VerticalBar.Grouped")
    series = {s["legend"]: [(v["x"], v["y"]) for v in s["values"]] for s in bars["data"]}
    assert series["Registrerade"][-3:] == [("v24", 1), ("v25", 3), ("v26", 4)]
    assert series["Hanterade"][-3:] == [("v24", 0), ("v25", 0), ("v26", 4)]
    table = bars["fallback"]
    assert table["type"] == "Table"
    rows = [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]]
    assert rows[0] == ["Vecka", "Registrerade", "Hanterade"]
    assert rows[-3:] == [["v24", "1", "0"], ["v25", "3", "0"], ["v26", "4", "4"]]
    assert len(rows) == 13


def test_lead_times_ages_and_stalls_as_a_client_without_charts_shows_them() -> None:
    card = without_charts(render(cards.stats_card(STATS, CAL, "sv-SE")))
    assert not [n for n in walk(card) if str(n.get("type", "")).startswith("Chart.")]
    shown = facts(card)
    assert shown["Median"] == "7 h"
    assert shown["9 av 10 klara inom"] == "54 h"
    assert shown["Hanterade ärenden"] == "4"
    assert [shown[k] for k in ("under 1 dag", "1–3 dagar", "3–5 dagar", "5 dagar eller mer")] == [
        "2",
        "0",
        "1",
        "1",
    ]
    assert shown["Nya, inte påbörjade"] == "1"
    assert shown["Påbörjade utan ändring"] == "1"
    assert shown["Överlämnade, inte övertagna"] == "0"
    assert shown["varav länge"] == "1"
    assert "Fastnat just nu (2)" in texts(card)


def test_the_donut_holds_the_age_bands() -> None:
    donut = chart(render(cards.stats_card(STATS, CAL, "en-US")), "Chart.Donut")
    assert [(d["legend"], d["value"]) for d in donut["data"]] == [
        ("under 1 day", 2),
        ("1–3 days", 0),
        ("3–5 days", 1),
        ("5 days or more", 1),
    ]


def test_the_card_names_nobody_and_offers_the_export() -> None:
    for locale in ("sv-SE", "en-US"):
        card = render(cards.stats_card(STATS, CAL, locale))
        assert not any(s in str(card) for s in SIGNATURES)
        assert set(buttons(card)) == {cards.STATS_CSV_VERB}


def test_the_csv_has_every_figure_and_no_signature() -> None:
    text = cards.stats_csv(STATS, "sv-SE")
    lines = text.splitlines()
    assert lines[0] == "avsnitt;etikett;värde"
    assert "Registrerade;2026-W25;3" in lines
    assert "Hanterade;2026-W26;4" in lines
    assert len([line for line in lines if "2026-W" in line]) == 24
    assert "Ledtid, registrerad till hanterad;ledtid median (h);7" in lines
    assert "Ledtid, registrerad till hanterad;ledtid 90:e percentil (h);54" in lines
    assert "Öppna efter ålder;3–5 dagar;1" in lines
    assert "Fastnat just nu;fastnat länge;1" in lines
    assert not any(s in text for s in SIGNATURES)


def test_the_csv_card_holds_the_csv_to_copy() -> None:
    card = render(cards.stats_csv_card(STATS, "sv-SE"))
    (block,) = [n for n in walk(card) if n.get("type") == "CodeBlock"]
    assert block["codeSnippet"] == cards.stats_csv(STATS, "sv-SE")
    assert set(buttons(card)) == {cards.STATS_VERB}


def test_half_hours_are_written_with_a_decimal_comma_in_swedish() -> None:
    stats = type(STATS)(
        now=STATS.now,
        weeks=STATS.weeks,
        lead=LeadTimes(2, timedelta(hours=6.5), timedelta(hours=9.25)),
        open_by_age=(0, 0, 0, 0),
        stalled=STATS.stalled,
    )
    assert facts(render(cards.stats_card(stats, CAL, "sv-SE")))["Median"] == "6,5 h"
    assert facts(render(cards.stats_card(stats, CAL, "en-US")))["Median"] == "6.5 h"
    assert "ledtid 90:e percentil (h);9,2" in cards.stats_csv(stats, "sv-SE")


def test_the_schema_check_refuses_a_chart_without_an_element_to_fall_back_on() -> None:
    card = cards.to_json(cards.stats_card(STATS, CAL, "sv-SE"))
    donut = chart(card, "Chart.Donut")
    donut["fallback"] = "drop"
    with pytest.raises(AssertionError, match=r"Chart\.Donut"):
        assert_valid_card(card)
    donut["fallback"] = {"type": "TextBlock", "text": "x"}
    donut["colour"] = "red"
    with pytest.raises(AssertionError, match="colour"):
        assert_valid_card(card)

"""The statistics card ("statistik") and its CSV: the team's figures, no names.

Charts are Teams' Adaptive Card chart elements
(https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards):
``Chart.VerticalBar.Grouped`` for the weeks, ``Chart.Donut`` for the open
cases' ages. They are not in the Adaptive Cards 1.5 schema, so each carries a
``fallback`` ("an alternate element to render if this type of element is
unsupported", the same page): a Table or a FactSet with the same figures,
which every 1.5 client renders. The lead times and stalls are two or three
numbers each, so they are facts in every client.

The CSV (``stats_csv``) is the same figures, one a line, separated by ";" with
decimal commas: what Excel opens as columns in a Swedish locale.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from microsoft_teams.cards import (
    AdaptiveCard,
    BarChartDataValue,
    CardElement,
    ColumnDefinition,
    DonutChart,
    DonutChartData,
    Fact,
    FactSet,
    GroupedVerticalBarChart,
    GroupedVerticalBarChartData,
    Table,
    TableCell,
    TableRow,
    TextBlock,
)

from cases.business_time import BusinessCalendar
from cases.language import is_english
from cases.stalls import StallRule
from cases.stats import AGE_BANDS, TeamStats

from .copy import copy_block
from .parts import button, card, heading, para, title
from .texts import t

STATS_VERB = "stats"
STATS_CSV_VERB = "statsCsv"
CSV_BLOCK_ID = "statsCsv"

_STALL_KEYS = {
    StallRule.NEW: "stats_stalled_new",
    StallRule.STARTED: "stats_stalled_started",
    StallRule.HANDED_OVER: "stats_stalled_handed_over",
}


def stats_card(stats: TeamStats, calendar: BusinessCalendar, locale: str | None) -> AdaptiveCard:
    intro = t(
        "stats_intro",
        locale,
        weeks=len(stats.weeks),
        opens=calendar.opens.strftime("%H"),
        closes=calendar.closes.strftime("%H"),
    )
    body: list[CardElement] = [title(t("stats_title", locale)), para(intro, subtle=True)]
    body += [heading(t("stats_weeks", locale)), _weeks_chart(stats, locale)]
    body += [heading(t("stats_lead", locale)), _lead_facts(stats, locale)]
    body += [heading(t("stats_open", locale, n=stats.open_total)), _age_chart(stats, locale)]
    body += [
        heading(t("stats_stalled", locale, n=stats.stalled.total)),
        _facts(_stall_rows(stats, locale)),
        para(t("stats_stalled_note", locale), subtle=True),
    ]
    return card(locale, body, [button(t("stats_export", locale), STATS_CSV_VERB)])


def stats_csv_card(stats: TeamStats, locale: str | None) -> AdaptiveCard:
    """The CSV in a block to copy: a per-user answer, so it needs no file permission."""
    body: list[CardElement] = [
        title(t("stats_csv_title", locale)),
        para(t("stats_csv_help", locale), subtle=True),
        copy_block(stats_csv(stats, locale), element_id=CSV_BLOCK_ID),
    ]
    return card(locale, body, [button(t("stats_back", locale), STATS_VERB)])


def stats_csv(stats: TeamStats, locale: str | None) -> str:
    """Section; label; value, one figure a line: weeks, lead times, ages, stalls."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(t("stats_csv_header", locale).split(";"))
    registered, handled = t("stats_registered", locale), t("stats_handled", locale)
    for week in stats.weeks:
        label = f"{week.year}-W{week.number:02d}"
        writer.writerow([registered, label, week.registered])
        writer.writerow([handled, label, week.handled])
    lead = t("stats_lead", locale)
    writer.writerow([lead, t("stats_lead_count", locale), stats.lead.count])
    for key, value in (
        ("stats_csv_lead_median", stats.lead.median),
        ("stats_csv_lead_p90", stats.lead.p90),
    ):
        writer.writerow([lead, t(key, locale), "" if value is None else _hours(value, locale)])
    ages = t("stats_csv_open", locale)
    for label, count in zip(_age_labels(locale), stats.open_by_age, strict=True):
        writer.writerow([ages, label, count])
    stalled = t("stats_csv_stalled", locale)
    for rule, count in stats.stalled.by_rule.items():
        writer.writerow([stalled, t(_STALL_KEYS[rule], locale), count])
    writer.writerow([stalled, t("stats_csv_escalated", locale), stats.stalled.escalated])
    return out.getvalue()


# -- the parts -----------------------------------------------------------------


def _weeks_chart(stats: TeamStats, locale: str | None) -> CardElement:
    labels = [t("stats_week_label", locale, week=w.number) for w in stats.weeks]
    series = (
        (t("stats_registered", locale), [w.registered for w in stats.weeks]),
        (t("stats_handled", locale), [w.handled for w in stats.weeks]),
    )
    return GroupedVerticalBarChart(
        title=t("stats_weeks", locale),
        show_title=False,
        x_axis_title=t("stats_week", locale),
        data=[
            GroupedVerticalBarChartData(
                legend=legend,
                values=[BarChartDataValue(x=x, y=y) for x, y in zip(labels, ys, strict=True)],
            )
            for legend, ys in series
        ],
        fallback=_table(
            [t("stats_week", locale), *(legend for legend, _ in series)],
            [
                [x, str(r), str(h)]
                for x, r, h in zip(labels, *(ys for _, ys in series), strict=True)
            ],
        ),
    )


def _lead_facts(stats: TeamStats, locale: str | None) -> CardElement:
    lead = stats.lead
    if lead.median is None or lead.p90 is None:
        return para(t("stats_lead_none", locale))
    return _facts(
        [
            (t("stats_lead_median", locale), t("stats_hours", locale, hours=_hours(lead.median, locale))),
            (t("stats_lead_p90", locale), t("stats_hours", locale, hours=_hours(lead.p90, locale))),
            (t("stats_lead_count", locale), str(lead.count)),
        ]
    )  # fmt: skip


def _age_chart(stats: TeamStats, locale: str | None) -> CardElement:
    rows = list(zip(_age_labels(locale), stats.open_by_age, strict=True))
    facts = _facts([(label, str(count)) for label, count in rows])
    if stats.open_total == 0:  # a donut of nothing draws nothing
        return facts
    return DonutChart(
        title=t("stats_open", locale, n=stats.open_total),
        show_title=False,
        data=[DonutChartData(legend=label, value=count) for label, count in rows],
        fallback=facts,
    )


def _stall_rows(stats: TeamStats, locale: str | None) -> list[tuple[str, str]]:
    rows = [(t(_STALL_KEYS[r], locale), str(n)) for r, n in stats.stalled.by_rule.items()]
    rows.append((t("stats_stalled_escalated", locale), str(stats.stalled.escalated)))
    return rows


def _age_labels(locale: str | None) -> list[str]:
    return [t(f"stats_age_{band}", locale) for band in range(len(AGE_BANDS) + 1)]


def _facts(rows: list[tuple[str, str]]) -> FactSet:
    return FactSet(facts=[Fact(title=label, value=value) for label, value in rows])


def _table(header: list[str], rows: list[list[str]]) -> Table:
    def row(cells: list[str], bold: bool = False) -> TableRow:
        return TableRow(
            cells=[
                TableCell(items=[TextBlock(text=c, wrap=True, weight="Bolder" if bold else None)])
                for c in cells
            ]
        )

    # The first row is the header by default (the 1.5 schema's firstRowAsHeader;
    # the SDK spells it firstRowAsHeaders, which the schema refuses).
    return Table(
        columns=[ColumnDefinition(width=1) for _ in header],
        rows=[row(header, bold=True), *(row(r) for r in rows)],
    )


def _hours(duration: timedelta, locale: str | None) -> str:
    """Hours to one decimal, the decimal sign as the reader writes it: "6,5" or "6.5"."""
    text = f"{duration.total_seconds() / 3600:.1f}".removesuffix(".0")
    return text if is_english(locale) else text.replace(".", ",")

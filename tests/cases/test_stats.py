"""The team's figures (cases/stats.py): weeks, lead times, age bands and stalls, in business time."""

from __future__ import annotations

from datetime import datetime, timedelta

from cases.business_time import BusinessCalendar
from cases.clock import STOCKHOLM
from cases.model import Case, Status
from cases.stalls import StallRule, StallRules
from cases.stats import LeadTimes, age_band, lead_times, team_stats

CAL = BusinessCalendar()
RULES = StallRules()
H = timedelta(hours=1)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def case(
    number: int,
    registered: datetime,
    status: Status = Status.HANTERAD,
    changed: datetime | None = None,
    handed_over: datetime | None = None,
) -> Case:
    return Case(
        case_id=f"SA-{number:06d}",
        customer_number="",
        cab_number="",
        description="",
        registered_by="xreg1",
        status=status,
        handler="" if status is Status.NY else "xhan1",
        comment="",
        registered_at=registered,
        changed_at=changed or registered,
        handed_over_at=handed_over,
    )


# The small case of the docstring below, worked out by hand.
MIDSUMMER_CASES = [
    case(1, at(6, 18, 15), changed=at(6, 22, 10)),  # A
    case(2, at(6, 22, 9), changed=at(6, 22, 12)),  # B
    case(3, at(6, 16, 8), changed=at(6, 24, 17)),  # C
    case(4, at(6, 23, 16), changed=at(6, 24, 17)),  # D
    case(5, at(6, 25, 9), Status.NY),  # E
    case(6, at(6, 24, 15), Status.NY),  # F
    case(7, at(6, 18, 16), Status.PABORJAD, changed=at(6, 22, 8, 30)),  # G
    case(8, at(6, 8, 10), Status.PABORJAD, changed=at(6, 25, 11), handed_over=at(6, 25, 11)),  # H
    case(9, at(1, 5, 9), changed=at(1, 7, 9)),  # I: long before the 12 weeks
]
NOW = at(6, 25, 12)  # Thursday of ISO week 26, 2026


def test_figures_of_a_small_case_worked_out_by_hand() -> None:
    """Business time 08–17, Monday–Friday; Midsommarafton (Friday 19 June 2026) is off.

    Handled cases (registered -> Senast ändrad of the Hanterad row):
    - A: Thu 18/6 15:00 -> Mon 22/6 10:00: Thu 2 h, Fri off, Mon 2 h = 4 h.
    - B: Mon 22/6 09:00 -> Mon 22/6 12:00 = 3 h.
    - C: Tue 16/6 08:00 -> Wed 24/6 17:00: Tue, Wed, Thu 9 h each, Fri off,
      Mon, Tue, Wed 9 h each = 54 h.
    - D: Tue 23/6 16:00 -> Wed 24/6 17:00: 1 h + 9 h = 10 h.
    - I: handled in January, outside the 12 weeks: not counted.
    Lead times 3, 4, 10, 54 h: median (4 + 10) / 2 = 7 h; 90th percentile by
    nearest rank: rank ceil(0.9 × 4) = 4, so 54 h.

    Weeks (ISO): w24 = 8–14 June, w25 = 15–21, w26 = 22–28.
    Registered: w24 H; w25 A, C, G; w26 B, D, E, F -> 1, 3, 4.
    Handled: A, B, C, D all in w26 -> 0, 0, 4.

    Open cases now (Thu 25/6 12:00), age since Registrerad:
    - E (Ny) Thu 09:00: 3 h -> under 1 day. Not stalled (Ny: 4 h).
    - F (Ny) Wed 24/6 15:00: Wed 2 h + Thu 4 h = 6 h -> under 1 day.
      Stalled under Ny (6 h >= 4 h), not escalated (< 8 h).
    - G (Påbörjad) Thu 18/6 16:00: 1 + 0 (midsommarafton) + 9 + 9 + 9 + 4 = 32 h
      = 3.6 days -> 3–5 days. Since Senast ändrad Mon 22/6 08:30:
      8.5 + 9 + 9 + 4 = 30.5 h >= 2 × 9 h: stalled under Påbörjad, escalated.
    - H (handed over) Mon 8/6 10:00: 7 + 4 × 9 + 4 × 9 + 0 + 3 × 9 + 4 = 110 h
      = 12.2 days -> 5 days and more. Handed over at 11:00 today: 1 h < 2 h, not stalled.
    Bands: 2, 0, 1, 1. Stalled: Ny 1, Påbörjad 1, handed over 0; escalated 1.
    """
    stats = team_stats(MIDSUMMER_CASES, now=NOW, calendar=CAL, rules=RULES)

    assert len(stats.weeks) == 12
    assert (stats.weeks[0].year, stats.weeks[0].number) == (2026, 15)
    assert (stats.weeks[-1].year, stats.weeks[-1].number) == (2026, 26)
    assert [(w.number, w.registered, w.handled) for w in stats.weeks[-3:]] == [
        (24, 1, 0),
        (25, 3, 0),
        (26, 4, 4),
    ]
    assert sum(w.registered for w in stats.weeks) == 8
    assert stats.lead == LeadTimes(count=4, median=7 * H, p90=54 * H)
    assert stats.open_by_age == (2, 0, 1, 1)
    assert stats.stalled.by_rule == {
        StallRule.NEW: 1,
        StallRule.STARTED: 1,
        StallRule.HANDED_OVER: 0,
    }
    assert stats.stalled.escalated == 1


def test_no_handled_case_has_no_lead_time() -> None:
    stats = team_stats(MIDSUMMER_CASES[4:8], now=NOW, calendar=CAL, rules=RULES)
    assert stats.lead == LeadTimes(0, None, None)
    assert stats.open_total == 4


def test_percentiles_are_times_a_case_took() -> None:
    assert lead_times([5 * H]) == LeadTimes(1, 5 * H, 5 * H)
    # 10 cases: 1..10 h. Median 5.5 h; nearest rank ceil(9) = 9 -> 9 h.
    assert lead_times([n * H for n in range(10, 0, -1)]) == LeadTimes(10, 5.5 * H, 9 * H)
    # 11 cases: rank ceil(9.9) = 10.
    assert lead_times([n * H for n in range(1, 12)]).p90 == 10 * H


def test_age_bands_include_their_lower_bound() -> None:
    day = CAL.day_length
    assert [age_band(a, day) for a in (0 * H, day - H, day, 3 * day, 5 * day, 40 * day)] == [
        0,
        0,
        1,
        2,
        3,
        3,
    ]


def test_a_generated_quarter_gives_back_what_it_was_built_from() -> None:
    """Week k (0..11) of the twelve gets k + 1 cases, registered at the week's first
    business opening + 1 h and closed after k + 1 business hours each (calendar.add,
    so holidays such as Kristi himmelsfärdsdag and midsommarafton are skipped).
    A case closed after its week ends counts in the next week.
    """
    now = at(6, 26, 17)  # Friday, week 26
    monday = at(4, 6, 9)  # Monday of week 15 (Annandag påsk: the week opens Tuesday)
    built: list[Case] = []
    handled_in: dict[int, int] = {}
    leads: list[timedelta] = []
    for k in range(12):
        opening = CAL.next_opening(monday + timedelta(weeks=k)) + H
        for _ in range(k + 1):
            closed = CAL.add(opening, (k + 1) * H)
            built.append(case(len(built) + 1, opening, changed=closed))
            week = closed.isocalendar().week
            handled_in[week] = handled_in.get(week, 0) + 1
            leads.append((k + 1) * H)
    stats = team_stats(built, now=now, calendar=CAL, rules=RULES)

    assert [w.registered for w in stats.weeks] == list(range(1, 13))
    assert {w.number: w.handled for w in stats.weeks if w.handled} == handled_in
    assert stats.lead == lead_times(leads)
    # 78 cases: lead k + 1 for k + 1 cases. Median: the 39th and 40th are 9 h.
    assert stats.lead.median == 9 * H
    # Nearest rank ceil(70.2) = 71: 66 cases take up to 11 h, so the 71st takes 12 h.
    assert stats.lead.p90 == 12 * H
    assert stats.open_total == 0


def test_a_generated_year_counts_every_case_once() -> None:
    """Counted independently of cases/stats.py: each case registered in the last
    12 ISO weeks is in one week's bar, each open case in one age band."""
    from tests.cases.generated_year import CAL as YEAR_CAL
    from tests.cases.generated_year import NOW as YEAR_NOW
    from tests.cases.generated_year import year_of_cases

    year = year_of_cases()
    stats = team_stats(year, now=YEAR_NOW, calendar=YEAR_CAL, rules=RULES)
    first = stats.weeks[0]
    monday = datetime.fromisocalendar(first.year, first.number, 1).replace(tzinfo=STOCKHOLM)
    assert sum(w.registered for w in stats.weeks) == sum(c.registered_at >= monday for c in year)
    handled = [c for c in year if c.status is Status.HANTERAD and c.changed_at >= monday]
    assert sum(w.handled for w in stats.weeks) == len(handled) == stats.lead.count
    assert stats.open_total == sum(c.status is not Status.HANTERAD for c in year)
    assert stats.stalled.total <= stats.open_total

"""The team's figures ("statistik"): how many cases come in and go out, how long they take.

Computed from the lifecycle columns only, which a close keeps (Ärende-ID,
Status, Registrerad, Senast ändrad, Överlämnad): never from customer data,
and never from the signatures, so the figures are the team's and rank nobody.

What the workbook keeps, and so what each figure means:

- *Registered in a week*: cases whose Registrerad falls in that ISO week.
- *Handled in a week*: Hanterad cases whose Senast ändrad falls in it. The
  workbook has no column for "became Hanterad"; the close is the last change the
  bot makes to a row (every verb refuses a Hanterad case), so Senast ändrad of
  a Hanterad row is its close, unless a person edited the row in Excel later
  and stamped the cell by hand.
- *Lead time*: business time (``BusinessCalendar``: 08–17, Swedish holidays
  off) from Registrerad to that Senast ändrad, over the cases handled in the
  period. The median, and the 90th percentile by the nearest-rank rule (the
  smallest lead time that at least 90 % of the cases do not exceed), so that
  both are times a case really took.
- *Open by age*: Ny and Påbörjad cases by business time since Registrerad,
  in bands of whole business days: under 1, 1–3, 3–5, 5 and more. One day is
  the stall rule for a started case; five is a working week, past which a case
  has outlived the team's weekly planning. Lower bounds are inclusive.
- *Stalled*: open cases past a stall threshold now, under the notification
  rules (``cases.stalls``), counting from Senast ändrad as the notifier does
  for a row it sees for the first time; and of those, how many past the
  escalation. The workbook cannot say how many *closed* cases once stalled:
  it keeps neither when a case was claimed nor earlier hand-overs (Överlämnad
  is cleared by a take-over and a close), so only open cases are counted.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .business_time import BusinessCalendar
from .clock import to_stockholm
from .model import Case, Status
from .stalls import StallRule, StallRules, rule_for

WEEKS = 12
# Upper bounds of the age bands, in business days; the last band has none.
AGE_BANDS: tuple[int, ...] = (1, 3, 5)


@dataclass(frozen=True)
class Week:
    year: int  # ISO year
    number: int  # ISO week
    registered: int
    handled: int


@dataclass(frozen=True)
class LeadTimes:
    count: int  # cases handled in the period
    median: timedelta | None  # None when none was handled
    p90: timedelta | None


@dataclass(frozen=True)
class Stalled:
    by_rule: dict[StallRule, int]  # every rule present, zero when none
    escalated: int

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


@dataclass(frozen=True)
class TeamStats:
    now: datetime
    weeks: tuple[Week, ...]  # oldest first, the current (partial) week last
    lead: LeadTimes
    open_by_age: tuple[int, ...]  # one count per band: len(AGE_BANDS) + 1
    stalled: Stalled

    @property
    def open_total(self) -> int:
        return sum(self.open_by_age)


def team_stats(
    cases: Iterable[Case],
    *,
    now: datetime,
    calendar: BusinessCalendar,
    rules: StallRules,
    weeks: int = WEEKS,
) -> TeamStats:
    """The figures as of ``now``, for the ``weeks`` ISO weeks up to and including ``now``'s."""
    now = to_stockholm(now)
    cases = list(cases)
    keys = _week_keys(now.date(), weeks)
    registered = dict.fromkeys(keys, 0)
    handled = dict.fromkeys(keys, 0)
    leads: list[timedelta] = []
    for case in cases:
        week = _week_key(case.registered_at)
        if week in registered:
            registered[week] += 1
        if case.status is Status.HANTERAD:
            week = _week_key(case.changed_at)
            if week in handled:
                handled[week] += 1
                leads.append(calendar.elapsed(case.registered_at, case.changed_at))
    return TeamStats(
        now=now,
        weeks=tuple(Week(y, n, registered[(y, n)], handled[(y, n)]) for y, n in keys),
        lead=lead_times(leads),
        open_by_age=_open_by_age(cases, now, calendar),
        stalled=_stalled(cases, now, calendar, rules),
    )


def lead_times(leads: Sequence[timedelta]) -> LeadTimes:
    if not leads:
        return LeadTimes(0, None, None)
    ordered = sorted(leads)
    seconds = statistics.median(lead.total_seconds() for lead in ordered)
    rank = math.ceil(0.9 * len(ordered))  # nearest rank, 1-based
    return LeadTimes(len(ordered), timedelta(seconds=seconds), ordered[rank - 1])


def age_band(age: timedelta, day: timedelta) -> int:
    """The band (0-based) of an open case ``age`` old, ``day`` being one business day."""
    for band, upper in enumerate(AGE_BANDS):
        if age < day * upper:
            return band
    return len(AGE_BANDS)


def _open_by_age(cases: list[Case], now: datetime, calendar: BusinessCalendar) -> tuple[int, ...]:
    counts = [0] * (len(AGE_BANDS) + 1)
    for case in cases:
        if case.status is not Status.HANTERAD:
            age = calendar.elapsed(case.registered_at, now)
            counts[age_band(age, calendar.day_length)] += 1
    return tuple(counts)


def _stalled(
    cases: list[Case], now: datetime, calendar: BusinessCalendar, rules: StallRules
) -> Stalled:
    by_rule = dict.fromkeys(StallRule, 0)
    escalated = 0
    for case in cases:
        rule = rule_for(case)
        if rule is None:
            continue
        level = rules.level(rule, calendar.elapsed(case.changed_at, now))
        if level >= 1:
            by_rule[rule] += 1
        if level >= 2:
            escalated += 1
    return Stalled(by_rule, escalated)


def _week_key(moment: datetime) -> tuple[int, int]:
    iso = to_stockholm(moment).isocalendar()
    return iso.year, iso.week


def _week_keys(today: date, weeks: int) -> list[tuple[int, int]]:
    monday = today - timedelta(days=today.weekday())
    keys = []
    for back in range(weeks - 1, -1, -1):
        iso = (monday - timedelta(weeks=back)).isocalendar()
        keys.append((iso.year, iso.week))
    return keys

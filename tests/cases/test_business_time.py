"""Business time: Monday–Friday 08:00–17:00 in Stockholm, Swedish holidays off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.business_time import BusinessCalendar, swedish_holidays
from cases.clock import STOCKHOLM

CAL = BusinessCalendar()
H = timedelta(hours=1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# -- examples --------------------------------------------------------------------


def test_a_business_day_is_nine_hours():
    assert CAL.day_length == 9 * H
    assert CAL.days(1) == 9 * H and CAL.days(0.5) == timedelta(hours=4, minutes=30)


def test_inside_one_day():
    assert CAL.elapsed(at(2026, 11, 23, 9), at(2026, 11, 23, 13)) == 4 * H
    assert CAL.add(at(2026, 11, 23, 9), 4 * H) == at(2026, 11, 23, 13)


def test_friday_afternoon_runs_over_the_weekend_into_monday():
    friday = at(2026, 11, 27, 16)  # a Friday
    assert CAL.add(friday, 4 * H) == at(2026, 11, 30, 11)
    assert (
        CAL.elapsed(friday, at(2026, 11, 29, 23, 59)) == 1 * H
    )  # Saturday and Sunday count nothing
    assert CAL.elapsed(friday, at(2026, 11, 30, 11)) == 4 * H


def test_evenings_and_nights_count_nothing():
    assert CAL.elapsed(at(2026, 11, 23, 17), at(2026, 11, 24, 8)) == timedelta(0)
    assert CAL.elapsed(at(2026, 11, 23, 6), at(2026, 11, 23, 8)) == timedelta(0)
    assert CAL.add(at(2026, 11, 23, 16, 30), 2 * H) == at(2026, 11, 24, 9, 30)
    assert CAL.add(at(2026, 11, 23, 22), 1 * H) == at(2026, 11, 24, 9)


def test_christmas_julafton_juldagen_and_annandagen_are_off():
    wednesday = at(2026, 12, 23, 15)  # Julafton is Thursday, juldagen Friday, annandagen Saturday
    assert CAL.add(wednesday, 4 * H) == at(2026, 12, 28, 10)
    assert CAL.elapsed(at(2026, 12, 24, 8), at(2026, 12, 25, 17)) == timedelta(0)


def test_trettondedag_jul_is_off():
    assert not CAL.is_business_day(date(2027, 1, 6))  # a Wednesday
    assert CAL.add(at(2027, 1, 5, 16), 2 * H) == at(2027, 1, 7, 9)


def test_new_year_nyarsafton_and_nyarsdagen_are_off():
    assert CAL.add(at(2026, 12, 30, 16), 2 * H) == at(2027, 1, 4, 9)


def test_midsommarafton_and_easter():
    assert not CAL.is_business_day(date(2026, 6, 19))  # Midsommarafton, a Friday
    assert not CAL.is_business_day(date(2026, 4, 3))  # Långfredagen
    assert not CAL.is_business_day(date(2026, 4, 6))  # Annandag påsk
    assert CAL.is_business_day(date(2026, 4, 7))


def test_only_public_holidays_when_asked():
    public_only = BusinessCalendar(days_off=swedish_holidays(["public"]))
    assert public_only.is_business_day(date(2026, 12, 24))  # Julafton is not a public holiday
    assert not public_only.is_business_day(date(2026, 12, 25))


def test_daylight_saving_time_does_not_bend_durations():
    # Summer time starts in the night to Sunday 29 March 2026, winter time on 25 October.
    assert CAL.elapsed(at(2026, 3, 27, 16), at(2026, 3, 30, 9)) == 2 * H
    assert CAL.add(at(2026, 10, 23, 16), 2 * H) == at(2026, 10, 26, 9)


def test_other_business_hours():
    short = BusinessCalendar(opens=time(9), closes=time(15, 30))
    assert short.day_length == timedelta(hours=6, minutes=30)
    assert short.add(at(2026, 11, 23, 15), 1 * H) == at(2026, 11, 24, 9, 30)
    with pytest.raises(ValueError):
        BusinessCalendar(opens=time(17), closes=time(8))


def test_open_and_the_start_of_the_business_day():
    assert CAL.is_open(at(2026, 11, 23, 8)) and not CAL.is_open(at(2026, 11, 23, 17))
    assert CAL.opening_of_today(at(2026, 11, 23, 9, 30)) == at(2026, 11, 23, 8)
    assert CAL.opening_of_today(at(2026, 11, 23, 7, 59)) is None
    assert CAL.opening_of_today(at(2026, 11, 28, 9)) is None  # Saturday
    assert CAL.next_opening(at(2026, 11, 27, 17)) == at(2026, 11, 30, 8)
    assert CAL.next_opening(at(2026, 12, 23, 18)) == at(2026, 12, 28, 8)


def test_zero_and_backwards():
    moment = at(2026, 11, 28, 12)  # a Saturday
    assert CAL.add(moment, timedelta(0)) == moment
    assert CAL.elapsed(at(2026, 11, 24, 12), at(2026, 11, 23, 12)) == timedelta(0)
    with pytest.raises(ValueError):
        CAL.add(moment, -H)


def test_times_in_another_zone_are_the_same_moments():
    utc = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 in Stockholm
    assert CAL.add(utc, 4 * H) == at(2026, 11, 30, 11)


# -- properties ------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0).astimezone(STOCKHOLM))
durations = st.integers(min_value=0, max_value=120 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(moments, durations)
def test_add_then_elapsed_gives_the_duration_back(start, duration):
    end = CAL.add(start, duration)
    assert CAL.elapsed(start, end) == duration
    assert end >= start
    if duration:
        # the first such moment: a second earlier is not enough, and it lies in business hours
        assert CAL.elapsed(start, end - timedelta(seconds=1)) < duration
        opening, closing = CAL.window(end.date())
        assert CAL.is_business_day(end.date()) and opening < end <= closing


@settings(max_examples=150, deadline=None)
@given(moments, moments, moments)
def test_elapsed_adds_up_and_never_exceeds_real_time(a, b, c):
    a, b, c = sorted((a, b, c))
    assert CAL.elapsed(a, c) == CAL.elapsed(a, b) + CAL.elapsed(b, c)
    assert CAL.elapsed(a, c) <= c - a


@settings(max_examples=100, deadline=None)
@given(moments, durations, durations)
def test_add_is_monotonic(start, d1, d2):
    d1, d2 = sorted((d1, d2))
    assert CAL.add(start, d1) <= CAL.add(start, d2)


@settings(max_examples=100, deadline=None)
@given(moments)
def test_a_week_without_holidays_has_45_hours(start):
    end = start + timedelta(days=7)
    days = [start.date() + timedelta(days=i) for i in range(8)]
    if all(CAL.is_business_day(d) or d.weekday() >= 5 for d in days):
        assert CAL.elapsed(start, end) == 45 * H


def test_the_next_opening_from_the_opening_itself_is_that_opening():
    monday_8 = at(2026, 11, 23, 8)
    assert CAL.next_opening(monday_8) == monday_8
    assert CAL.next_opening(monday_8 + timedelta(seconds=1)) == at(2026, 11, 24, 8)
    assert CAL.next_opening(datetime(2026, 11, 23, 7, tzinfo=UTC)) == monday_8  # 08:00 local


@pytest.mark.parametrize("at_time", [time(8), time(0), time(17, 30)])
def test_a_day_that_closes_when_it_opens_is_refused(at_time: time):
    # Zero business time a day: no stall would ever come due, and ``add`` would
    # search ten years for an hour that never comes. A setting, not a rule, so refused.
    with pytest.raises(ValueError, match="a business day must open before it closes"):
        BusinessCalendar(opens=at_time, closes=at_time)

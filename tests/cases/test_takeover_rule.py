"""When taking a case over asks "Ta över ändå?" first: its handler touched it lately.

"Lately" is business time (cases.business_time), so a Friday-afternoon change
is still recent on Monday morning, and a change made after hours counts from
the next opening.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import lifecycle
from cases.business_time import BusinessCalendar
from cases.clock import STOCKHOLM
from cases.model import Case

CAL = BusinessCalendar()
H = timedelta(hours=1)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
FRIDAY_16 = datetime(2026, 11, 27, 16, 0, tzinfo=STOCKHOLM)


def started(at: datetime, by: str = "xbo") -> Case:
    new = lifecycle.register("1234567", "7654321", "22 fakturaadresser", actor="xanna", now=at)
    return lifecycle.claim(new.with_id("SA-000001"), actor=by, now=at)


def asks(case: Case, now: datetime, within: timedelta = 2 * H) -> bool:
    return lifecycle.take_over_needs_confirmation(case, now=now, calendar=CAL, within=within)


def test_a_case_touched_just_now_asks() -> None:
    assert asks(started(MONDAY_9), MONDAY_9 + timedelta(minutes=5))


def test_the_limit_itself_no_longer_asks() -> None:
    case = started(MONDAY_9)
    assert asks(case, MONDAY_9 + 2 * H - timedelta(seconds=1))
    assert not asks(case, MONDAY_9 + 2 * H)


def test_the_hours_are_business_hours() -> None:
    case = started(FRIDAY_16)
    monday_0830 = datetime(2026, 11, 30, 8, 30, tzinfo=STOCKHOLM)  # 64 h later, 1.5 business hours
    assert asks(case, monday_0830)
    assert not asks(case, monday_0830 + H)  # 2.5 business hours


def test_a_change_after_hours_counts_from_the_next_opening() -> None:
    evening = datetime(2026, 11, 23, 19, 0, tzinfo=STOCKHOLM)
    case = started(evening)
    tuesday_0930 = datetime(2026, 11, 24, 9, 30, tzinfo=STOCKHOLM)
    assert asks(case, tuesday_0930)
    assert not asks(case, tuesday_0930 + H)


def test_a_case_handed_over_is_free_to_take() -> None:
    case = started(MONDAY_9)
    handed = lifecycle.hand_over(case, actor="xbo", note="Klar med 10", now=MONDAY_9)
    assert asks(case, MONDAY_9 + timedelta(minutes=1))
    assert handed.is_handed_over and not asks(handed, MONDAY_9 + timedelta(minutes=1))


def test_a_new_case_has_nobody_to_ask_for() -> None:
    new = lifecycle.register("1234567", "7654321", "x", actor="xanna", now=MONDAY_9)
    assert not asks(new.with_id("SA-000001"), MONDAY_9)
    assert asks(started(MONDAY_9), MONDAY_9)


def test_a_handled_case_asks_nothing() -> None:
    closed = lifecycle.close(started(MONDAY_9), actor="xbo", now=MONDAY_9)
    assert not asks(closed, MONDAY_9)
    assert asks(started(MONDAY_9), MONDAY_9)


def test_a_taken_over_case_asks_again_for_its_new_handler() -> None:
    taken = lifecycle.take_over(started(MONDAY_9), actor="xcia", now=MONDAY_9 + 3 * H)
    assert not asks(started(MONDAY_9), MONDAY_9 + 3 * H)
    assert asks(taken, MONDAY_9 + 3 * H + timedelta(minutes=1))


@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 14),
    within=st.integers(min_value=1, max_value=60 * 9 * 5),
)
def test_it_asks_exactly_while_less_than_within_business_time_has_passed(
    minutes: int, within: int
) -> None:
    case = started(MONDAY_9)
    now = MONDAY_9 + timedelta(minutes=minutes)
    limit = timedelta(minutes=within)
    assert asks(case, now, limit) == (CAL.elapsed(case.changed_at, now) < limit)
    assert asks(case, now, limit) == (now < CAL.add(case.changed_at, limit))


@pytest.mark.parametrize("within", [timedelta(0), -H])
def test_no_limit_is_no_question(within: timedelta) -> None:
    assert asks(started(MONDAY_9), MONDAY_9, timedelta(minutes=1))
    assert not asks(started(MONDAY_9), MONDAY_9, within)

"""The stall rules: which rule, when a stall reaches its threshold, what counts as activity."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cases.business_time import BusinessCalendar
from cases.clock import STOCKHOLM
from cases.columns import case_from_cells, case_to_cells
from cases.model import Case, Status
from cases.stalls import (
    Stall,
    StallRule,
    StallRules,
    Track,
    due_at,
    fingerprint,
    observe,
    rule_for,
    stall_of,
)

CAL = BusinessCalendar()
RULES = StallRules()
H = timedelta(hours=1)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


def case(**changes: object) -> Case:
    base = Case(
        case_id="SA-000007",
        customer_number="90817263",
        cab_number="5546372819",
        description="Flytt av 42 anläggningar",
        registered_by="xreg1",
        status=Status.NY,
        handler="",
        comment="",
        registered_at=MONDAY_9,
        changed_at=MONDAY_9,
    )
    return base.replace(**changes)


def started(**changes: object) -> Case:
    return case(**{"status": Status.PABORJAD, "handler": "xbo", **changes})


def test_the_rule_follows_the_state():
    assert rule_for(case()) is StallRule.NEW
    assert rule_for(started()) is StallRule.STARTED
    assert rule_for(started(handed_over_at=MONDAY_9)) is StallRule.HANDED_OVER
    assert rule_for(case(status=Status.HANTERAD, handler="xbo")) is None


def test_the_team_defaults():
    assert RULES.threshold(StallRule.NEW) == 4 * H
    assert RULES.threshold(StallRule.STARTED) == CAL.days(1)
    assert RULES.threshold(StallRule.HANDED_OVER) == 2 * H


@pytest.mark.parametrize("rule", list(StallRule))
def test_levels_at_the_threshold_and_at_double(rule):
    threshold = RULES.threshold(rule)
    second = timedelta(seconds=1)
    assert RULES.level(rule, threshold - second) == 0
    assert RULES.level(rule, threshold) == 1
    assert RULES.level(rule, 2 * threshold - second) == 1
    assert RULES.level(rule, 2 * threshold) == 2
    assert RULES.level(rule, 10 * threshold) == 2


def test_thresholds_must_make_sense():
    with pytest.raises(ValueError):
        StallRules(new=timedelta(0))
    with pytest.raises(ValueError):
        StallRules(escalation=1.0)


def test_the_fingerprint_ignores_customer_data():
    a = started()
    b = started(customer_number="1", cab_number="2", description="3", comment="4")
    assert fingerprint(a) == fingerprint(b)
    for value in ("90817263", "5546372819", "Flytt"):
        assert value not in fingerprint(a)
    assert fingerprint(a) != fingerprint(started(handler="xcia"))
    assert fingerprint(a) != fingerprint(a.replace(status=Status.NY))
    assert fingerprint(a) != fingerprint(a.replace(handed_over_at=MONDAY_9))


def test_retyping_a_cell_the_same_way_is_no_change():
    cells = case_to_cells(started())
    retyped = {
        **cells,
        "Status": " påbörjad ",
        "Hanteras av": "XBO",
        "Registrerad": MONDAY_9.replace(tzinfo=None),
    }
    assert fingerprint(case_from_cells(retyped)) == fingerprint(case_from_cells(cells))


def test_first_sight_starts_the_clock_at_senast_andrad():
    track = observe(None, case(), MONDAY_9 + 2 * H)
    assert track == Track(fingerprint(case()), MONDAY_9, StallRule.NEW)


def test_no_change_keeps_the_clock():
    first = observe(None, case(), MONDAY_9)
    assert observe(first, case(), MONDAY_9 + 30 * H) is first


def test_a_change_by_the_bot_counts_from_senast_andrad():
    first = observe(None, case(), MONDAY_9)
    claimed = started(changed_at=MONDAY_9 + 1 * H)
    track = observe(first, claimed, MONDAY_9 + 3 * H)
    assert track == Track(fingerprint(claimed), MONDAY_9 + 1 * H, StallRule.STARTED)


def test_a_change_in_excel_without_senast_andrad_counts_from_when_it_was_seen():
    first = observe(None, started(), MONDAY_9)
    by_hand = started(handler="xcia")  # a person took it over in Excel, Senast ändrad untouched
    track = observe(first, by_hand, MONDAY_9 + 5 * H)
    assert track == Track(fingerprint(by_hand), MONDAY_9 + 5 * H, StallRule.STARTED)


def test_a_senast_andrad_in_the_future_is_clamped_to_now():
    typo = case(changed_at=MONDAY_9 + 1000 * H)
    assert observe(None, typo, MONDAY_9).since == MONDAY_9


def test_a_handled_case_has_no_track():
    assert observe(None, case(status=Status.HANTERAD), MONDAY_9) is None


def test_stall_of_and_due_at():
    track = observe(None, case(), MONDAY_9)
    assert due_at(track, RULES, CAL) == MONDAY_9 + 4 * H
    assert due_at(track, RULES, CAL, level=2) == MONDAY_9 + 8 * H
    assert stall_of(case(), track, RULES, CAL, MONDAY_9 + 4 * H - timedelta(seconds=1)) is None
    stall = stall_of(case(), track, RULES, CAL, MONDAY_9 + 4 * H)
    assert (
        stall is not None
        and stall.level == 1
        and stall.limit == 4 * H
        and stall.stalled_for == 4 * H
    )
    escalated = stall_of(case(), track, RULES, CAL, MONDAY_9 + 8 * H)
    assert escalated is not None and escalated.level == 2 and escalated.limit == 8 * H


@pytest.mark.parametrize("threshold", ["new", "started", "handed_over"])
@pytest.mark.parametrize("length", [timedelta(0), timedelta(seconds=-1)])
def test_every_threshold_must_be_positive(threshold: str, length: timedelta):
    # A zero threshold would call every case stalled at the moment it is seen.
    with pytest.raises(ValueError, match="every stall threshold must be positive"):
        StallRules(**{threshold: length})


def test_a_threshold_of_a_moment_is_still_a_threshold():
    second = timedelta(seconds=1)
    rules = StallRules(new=second, started=second, handed_over=second, escalation=1.5)
    assert rules.level(StallRule.STARTED, second) == 1


def test_a_stall_names_its_case_rule_and_last_activity():
    handed = case(status=Status.PABORJAD, handler="xbo", handed_over_at=MONDAY_9)
    track = observe(None, handed, MONDAY_9)
    assert stall_of(handed, track, RULES, CAL, MONDAY_9 + 2 * H) == Stall(
        case=handed,
        rule=StallRule.HANDED_OVER,
        level=1,
        since=MONDAY_9,
        stalled_for=2 * H,
        limit=2 * H,
        business_day=9 * H,
    )

"""When a case has stalled: the routine depends on cases moving.

Three rules, each counted in business time (``cases.business_time``) since
the last activity on the case:

- ``NEW``: a case still Ny that nobody has claimed (default 4 business hours);
- ``STARTED``: a Påbörjad case that has not changed (default 1 business day);
- ``HANDED_OVER``: a handed-over case that nobody has taken over (default 2 business hours).

A first notice goes out when a stall reaches its threshold, a second,
escalating one when it reaches the threshold times ``escalation`` (2).

Activity is any change to the case's lifecycle fields, made by the bot or by a
person in Excel. The bot stamps Senast ändrad on its own changes; a person in
Excel rarely does, so each scan compares the row with the previous scan through
a ``fingerprint`` of those fields. The fingerprint is built from the
lifecycle fields only, never from customer data, because it is kept in bot state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .business_time import BusinessCalendar
from .clock import to_stockholm
from .model import Case, Status


class StallRule(StrEnum):
    NEW = "new"  # Ny: not claimed
    STARTED = "started"  # Påbörjad: no change
    HANDED_OVER = "handed_over"  # handed over: not taken over


def rule_for(case: Case) -> StallRule | None:
    """The rule a case can stall under now; None for a handled case."""
    if case.status is Status.NY:
        return StallRule.NEW
    if case.is_handed_over:
        return StallRule.HANDED_OVER
    if case.status is Status.PABORJAD:
        return StallRule.STARTED
    return None


@dataclass(frozen=True)
class StallRules:
    """Thresholds in business time; the defaults are the team's (08:00–17:00 days)."""

    new: timedelta = timedelta(hours=4)
    started: timedelta = timedelta(hours=9)  # one business day of 08:00–17:00
    handed_over: timedelta = timedelta(hours=2)
    escalation: float = 2.0

    def __post_init__(self) -> None:
        if min(self.new, self.started, self.handed_over) <= timedelta(0):
            raise ValueError("every stall threshold must be positive")
        if self.escalation <= 1:
            raise ValueError("the escalation factor must be more than 1")

    def threshold(self, rule: StallRule) -> timedelta:
        return {
            StallRule.NEW: self.new,
            StallRule.STARTED: self.started,
            StallRule.HANDED_OVER: self.handed_over,
        }[rule]

    def limit(self, rule: StallRule, level: int) -> timedelta:
        """The business time a stall has reached at ``level`` (1: the threshold, 2: escalated)."""
        return self.threshold(rule) * (self.escalation if level >= 2 else 1)

    def level(self, rule: StallRule, stalled_for: timedelta) -> int:
        """0: not stalled; 1: at or past the threshold; 2: at or past threshold × escalation."""
        if stalled_for >= self.limit(rule, 2):
            return 2
        if stalled_for >= self.limit(rule, 1):
            return 1
        return 0


def fingerprint(case: Case) -> str:
    """A digest of the lifecycle fields, as parsed: retyping "påbörjad" as "Påbörjad" is no change.

    Customer fields (Kundnummer, CAB, description, comment) are left out on
    purpose: the digest is kept in bot state, and must not be derived from them.
    """
    parts = (
        case.status.value,
        case.handler,
        case.registered_by,
        case.registered_at.isoformat(),
        case.changed_at.isoformat(),
        case.handed_over_at.isoformat() if case.handed_over_at else "",
    )
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Track:
    """What the last scan saw of a case: its fingerprint, and since when nothing happened."""

    fingerprint: str
    since: datetime
    rule: StallRule


def observe(previous: Track | None, case: Case, now: datetime) -> Track | None:
    """The case's track after this scan; None when it cannot stall (Hanterad).

    Unchanged since the last scan: the stall goes on. Changed: the activity was
    at Senast ändrad when the change moved it on (the bot, or a careful
    person), else at this scan, the first moment the change was seen.
    """
    rule = rule_for(case)
    if rule is None:
        return None
    now = to_stockholm(now)
    current = fingerprint(case)
    if previous is not None and previous.fingerprint == current and previous.rule is rule:
        return previous
    if previous is None or case.changed_at > previous.since:
        since = case.changed_at
    else:
        since = now
    return Track(current, min(since, now), rule)


@dataclass(frozen=True)
class Stall:
    """A case past a threshold: what a notice and the digest say about it."""

    case: Case
    rule: StallRule
    level: int  # 1: first notice, 2: escalation
    since: datetime  # the last activity
    stalled_for: timedelta  # business time since then
    limit: timedelta  # the business time this level stands for
    business_day: timedelta  # the length of one business day, to say "1 business day"


def stall_of(
    case: Case, track: Track, rules: StallRules, calendar: BusinessCalendar, now: datetime
) -> Stall | None:
    stalled_for = calendar.elapsed(track.since, now)
    level = rules.level(track.rule, stalled_for)
    if level == 0:
        return None
    return Stall(
        case=case,
        rule=track.rule,
        level=level,
        since=track.since,
        stalled_for=stalled_for,
        limit=rules.limit(track.rule, level),
        business_day=calendar.day_length,
    )


def due_at(track: Track, rules: StallRules, calendar: BusinessCalendar, level: int = 1) -> datetime:
    """When the track reaches ``level``, if nothing happens before."""
    return calendar.add(track.since, rules.limit(track.rule, level))

"""Business time: the hours the Backoffice team works.

Monday to Friday, 08:00–17:00 in Stockholm, with Swedish public holidays off
(the ``holidays`` package), and by default also the days Swedish workplaces
take off without a law saying so: Midsommarafton, Julafton and Nyårsafton
(its ``de_facto`` category). The stall rules count only this time: a case
registered on Friday at 16:00 has waited one business hour on Monday at 08:00.

Everything here is a pure function of its arguments; the calendar holds no
clock. Moments are aware datetimes; arithmetic is done in UTC, so a daylight
saving change (always on a Sunday night) cannot bend a duration.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import holidays

from .clock import STOCKHOLM, to_stockholm

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
# A calendar with no business day in ten years is a configuration error, not a loop.
_MAX_DAYS = 3660

DEFAULT_HOLIDAY_CATEGORIES: tuple[str, ...] = ("public", "de_facto")


def swedish_holidays(categories: Iterable[str] = DEFAULT_HOLIDAY_CATEGORIES) -> Container[date]:
    """Sweden's days off; years are filled in on first use, so any year works.

    ``public`` has the public holidays (trettondedag jul, juldagen ...);
    ``de_facto`` adds Midsommarafton, Julafton and Nyårsafton. Sundays are in
    the package's list too, which does no harm: weekends are off anyway.
    """
    return holidays.country_holidays("SE", categories=tuple(categories), language="sv")


@dataclass(frozen=True)
class BusinessCalendar:
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    days_off: Container[date] = field(default_factory=swedish_holidays, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError("a business day must open before it closes")

    # -- days --------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """One business day as business time (9 h for 08:00–17:00)."""
        return _combine(date(2000, 1, 3), self.closes) - _combine(date(2000, 1, 3), self.opens)

    def days(self, count: float) -> timedelta:
        return self.day_length * count

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening and closing, in Stockholm (whether or not it is a business day)."""
        return _combine(day, self.opens), _combine(day, self.closes)

    def is_open(self, moment: datetime) -> bool:
        local = to_stockholm(moment)
        if not self.is_business_day(local.date()):
            return False
        opening, closing = self.window(local.date())
        return opening <= local < closing

    def opening_of_today(self, moment: datetime) -> datetime | None:
        """When the business day ``moment`` falls in opened; None outside business hours."""
        if not self.is_open(moment):
            return None
        return self.window(to_stockholm(moment).date())[0]

    def next_opening(self, moment: datetime) -> datetime:
        """The first opening at or after ``moment``."""
        local = to_stockholm(moment)
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_business_day(day):
                opening = self.window(day)[0]
                if opening >= local:
                    return opening
            day += ONE_DAY
        raise ValueError("no business day within ten years")

    # -- durations ---------------------------------------------------------

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between ``start`` and ``end``; zero when ``end`` is not after ``start``."""
        start, end = to_stockholm(start), to_stockholm(end)
        if end <= start:
            return ZERO
        total = ZERO
        day = start.date()
        while day <= end.date():
            if self.is_business_day(day):
                opening, closing = self.window(day)
                total += _span(max(opening, start), min(closing, end))
            day += ONE_DAY
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The first moment at which ``duration`` of business time has passed since ``start``.

        ``elapsed(start, add(start, d)) == d``; a zero duration gives ``start`` itself.
        """
        if duration < ZERO:
            raise ValueError("a business duration cannot be negative")
        start = to_stockholm(start)
        if duration == ZERO:
            return start
        remaining = duration
        day = start.date()
        for _ in range(_MAX_DAYS):
            if self.is_business_day(day):
                opening, closing = self.window(day)
                begin = max(opening, start)
                available = _span(begin, closing)
                if remaining <= available:
                    return _plus(begin, remaining)
                remaining -= available
            day += ONE_DAY
        raise ValueError("no business day within ten years")


def _combine(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=STOCKHOLM)


def _span(begin: datetime, end: datetime) -> timedelta:
    """``end - begin`` in real time, zero if negative (UTC: immune to DST)."""
    return max(ZERO, end.astimezone(UTC) - begin.astimezone(UTC))


def _plus(moment: datetime, duration: timedelta) -> datetime:
    return (moment.astimezone(UTC) + duration).astimezone(STOCKHOLM)

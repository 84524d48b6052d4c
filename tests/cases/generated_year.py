"""A generated year of cases (2026), the same every time: for the statistics' pictures and figures.

Each business day 0–5 cases come in at a random business moment; each is
handled after a random number of business hours (mostly within a day, some
much later: exponential, mean 8 h), if that moment has passed by ``NOW``;
else it is still open: Ny when it has not been claimed yet (claimed after
a random 0–6 business hours), Påbörjad otherwise, handed over now and then.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from cases.business_time import BusinessCalendar
from cases.clock import STOCKHOLM
from cases.model import Case, Status

NOW = datetime(2026, 12, 18, 15, 0, tzinfo=STOCKHOLM)  # a Friday afternoon
CAL = BusinessCalendar()


def year_of_cases(seed: int = 14) -> list[Case]:
    rng = random.Random(seed)
    found: list[Case] = []
    day = date(2026, 1, 1)
    while day <= NOW.date():
        if CAL.is_business_day(day):
            for _ in range(rng.randint(0, 5)):
                at = datetime.combine(day, time(8), tzinfo=STOCKHOLM)
                registered = CAL.add(at, timedelta(minutes=rng.randrange(9 * 60)))
                if registered >= NOW:
                    continue
                found.append(_case(len(found) + 1, registered, rng))
        day += timedelta(days=1)
    return found


def _case(number: int, registered: datetime, rng: random.Random) -> Case:
    lead = timedelta(minutes=int(rng.expovariate(1 / (8 * 60))) + 20)
    claim = timedelta(minutes=rng.randrange(6 * 60))
    handled, claimed = CAL.add(registered, lead), CAL.add(registered, min(claim, lead))
    base = Case(
        case_id=f"SA-{number:06d}",
        customer_number="",
        cab_number="",
        description="",
        registered_by="xreg1",
        status=Status.HANTERAD,
        handler="xhan1",
        comment="",
        registered_at=registered,
        changed_at=handled,
    )
    if handled <= NOW:
        return base
    if claimed > NOW:
        return base.replace(status=Status.NY, handler="", changed_at=registered)
    if rng.random() < 0.25:
        return base.replace(status=Status.PABORJAD, changed_at=claimed, handed_over_at=claimed)
    return base.replace(status=Status.PABORJAD, changed_at=claimed)

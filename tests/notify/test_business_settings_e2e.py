"""Settings that leave no business time, or no threshold, stop the bot as it starts.

Each setting passes its own check (``gt=0``, a time of day), yet together they
can make a day of no hours, or a stall threshold that rounds to nothing: 1e-12
business days is 32 nanoseconds, zero in a ``timedelta``. The domain refuses
both (``BusinessCalendar``, ``StallRules``), so the bot never starts to call
every case stalled the moment it sees it.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Team, at


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        (
            {"STORA_BUSINESS_OPENS": "08:00", "STORA_BUSINESS_CLOSES": "08:00"},
            "a business day must open before it closes",
        ),
        ({"STORA_STALL_STARTED_DAYS": 1e-12}, "every stall threshold must be positive"),
        ({"STORA_STALL_HANDED_OVER_HOURS": 1e-12}, "every stall threshold must be positive"),
        ({"STORA_STALL_NEW_HOURS": 1e-12}, "every stall threshold must be positive"),
    ],
)
async def test_the_bot_does_not_start(team: Team, env: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        await team.start(**env)
    assert team.instances == []


async def test_a_day_of_one_minute_is_still_a_day(team: Team) -> None:
    bot = await team.start(
        STORA_BUSINESS_OPENS="08:00", STORA_BUSINESS_CLOSES="08:01", STORA_STALL_NEW_HOURS=1 / 60
    )
    await team.install(bot)
    team.clock.now = at(2026, 11, 23, 8)  # Monday, at the opening
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 8, 0, 59)
    assert (await team.scan(bot))["notices"] == 0
    team.clock.now = at(2026, 11, 23, 8, 1)
    assert (await team.scan(bot))["notices"] == 1

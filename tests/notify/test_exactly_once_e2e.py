"""One notice per case and rule: across restarts, two instances at once, and failed posts."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from botbuilder.core import Storage
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.case_cards import CaseCards
from bot.config import Settings
from bot.notify import Poster, StallNotifier, business_calendar, stall_rules
from bot.notify.book import KEY, NoticeBook
from bot.storage import JsonFileStorage, StorageConflict
from bot.team_channel import TeamChannelBook
from local_workbook.ledger import LocalWorkbookLedger

from .conftest import Team, at


async def test_a_restart_between_scans_sends_no_duplicate(team: Team) -> None:
    first = await team.start()
    await team.install(first)
    await team.register()
    await team.scan(first)
    team.clock.now = at(2026, 11, 23, 13)
    assert (await team.scan(first))["notices"] == 1
    await first.stop()

    second = await team.start()  # a new process on the same state folder and workbook
    for moment in (at(2026, 11, 23, 13, 1), at(2026, 11, 23, 16)):
        team.clock.now = moment
        assert (await team.scan(second))["notices"] == 0
    team.clock.now = at(2026, 11, 23, 17)
    assert (await team.scan(second))["notices"] == 1  # the escalation, once
    await second.stop()

    third = await team.start()
    team.clock.now = at(2026, 11, 23, 17, 30)
    assert (await team.scan(third))["notices"] == 0
    assert len(team.notices()) == 2


async def test_two_instances_triggered_at_once_post_one_notice(team: Team) -> None:
    one, two = await team.start(), await team.start()
    await team.install(one)
    await team.register()
    await team.register()
    await team.scan(one)
    for moment, new in (
        (at(2026, 11, 23, 13), 2),  # both cases' first notices
        (at(2026, 11, 23, 13, 1), 0),
        (at(2026, 11, 23, 17), 2),  # both escalations
    ):
        before = len(team.notices())
        team.clock.now = moment
        reports = await asyncio.gather(team.scan(one), team.scan(two))
        assert len(team.notices()) - before == new
        assert sum(r["notices"] for r in reports) == new
    team.clock.now = at(2026, 11, 24, 8)
    reports = await asyncio.gather(team.scan(one), team.scan(two))
    assert len(team.digests()) == 1
    assert sorted(r["digest"] for r in reports) == [False, True]


class Rendezvous(Storage):
    """Holds the first writes of the notices' document until two writers have read it.

    Two scans then both decide on the same version of the document before
    either writes: the race the e_tag has to settle, every time, without timing.
    """

    def __init__(self, inner: Storage, meeting: dict[str, Any]) -> None:
        self.inner = inner
        self.meeting = meeting

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await self.inner.read(keys)

    async def write(self, changes: dict[str, Any]) -> None:
        if KEY in changes and self.meeting["armed"] and self.meeting["held"] < 2:
            self.meeting["held"] += 1
            await self.meeting["barrier"].wait()
        try:
            await self.inner.write(changes)
        except StorageConflict:
            self.meeting["conflicts"] += 1
            raise

    async def delete(self, keys: list[str]) -> None:
        await self.inner.delete(keys)


def notifier_on(team: Team, storage: Storage, settings: Settings) -> StallNotifier:
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration())
    )
    calendar = business_calendar(settings)
    return StallNotifier(
        ledger=LocalWorkbookLedger(team.workbook),
        book=NoticeBook(storage),
        poster=Poster(adapter, app_id="", per_second=1000),
        team_channels=TeamChannelBook(storage),
        case_cards=CaseCards(adapter, storage, app_id="", clock=team.clock),
        clock=team.clock,
        calendar=calendar,
        rules=stall_rules(settings, calendar),
        digest_window=timedelta(hours=2),
    )


async def test_when_both_read_before_either_writes_one_claim_wins(
    team: Team, tmp_path: Path
) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)  # the document exists and knows the case
    settings = Settings(_env_file=None, MicrosoftAppId="")
    meeting: dict[str, Any] = {
        "armed": False,
        "held": 0,
        "conflicts": 0,
        "barrier": asyncio.Barrier(2),
    }
    a = notifier_on(team, Rendezvous(JsonFileStorage(team.state_dir), meeting), settings)
    b = notifier_on(team, Rendezvous(JsonFileStorage(team.state_dir), meeting), settings)

    team.clock.now = at(2026, 11, 23, 13)
    meeting["armed"] = True
    reports = await asyncio.gather(a.scan(), b.scan())
    assert meeting["conflicts"] >= 1  # the race happened, and the e_tag settled it
    assert sorted(r.notices for r in reports) == [0, 1]
    assert len(team.notices()) == 1
    notice = (await team.book())["cases"]["SA-000001"]["notices"]["1"]
    assert notice["state"] == "posted"


async def test_a_429_is_retried_honouring_retry_after(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 13)
    team.connector.fail_next(429, retry_after=1)
    started = time.monotonic()
    report = await team.scan(bot)
    waited = time.monotonic() - started
    assert report["notices"] == 1 and len(team.notices()) == 1
    assert [c.status for c in team.connector.calls[-2:]] == [429, 201]
    assert waited >= 1.0  # Retry-After: 1, honoured


async def test_a_refused_post_is_posted_by_the_next_scan_and_only_once(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 13)
    team.connector.fail_next(403)
    report = await team.scan(bot)
    assert (report["notices"], report["failed"]) == (0, 1) and team.notices() == []
    assert (await team.book())["cases"]["SA-000001"]["notices"]["1"]["state"] == "failed"
    team.clock.now = at(2026, 11, 23, 13, 5)
    assert (await team.scan(bot))["notices"] == 1
    team.clock.now = at(2026, 11, 23, 13, 10)
    assert (await team.scan(bot))["notices"] == 0
    assert len(team.notices()) == 1


async def test_a_post_that_may_have_gone_out_is_never_repeated(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 13)
    team.connector.fail_next(504)  # a gateway timed out: the post may have reached Teams
    assert (await team.scan(bot))["failed"] == 1
    assert (await team.book())["cases"]["SA-000001"]["notices"]["1"]["state"] == "unknown"
    team.clock.now = at(2026, 11, 23, 14)
    assert (await team.scan(bot))["notices"] == 0
    team.clock.now = at(2026, 11, 23, 17)
    assert (await team.scan(bot))["notices"] == 1  # the escalation is a notice of its own


async def test_a_failed_digest_is_retried_within_the_morning(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 24, 8)
    team.connector.fail_next(500)
    assert (await team.scan(bot))["digest"] is False
    team.clock.now = at(2026, 11, 24, 8, 5)
    assert (await team.scan(bot))["digest"] is True
    assert len(team.digests()) == 1

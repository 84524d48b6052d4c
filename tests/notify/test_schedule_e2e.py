"""When scans run: the in-process schedule, shutdown, and ``POST /api/notify``'s bearer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.app import BACKGROUND

from .conftest import SECRET, GatedConnector, Team, at


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for something a background task does; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "it did not happen in time"
        await asyncio.sleep(0.005)


async def test_the_endpoint_wants_the_shared_secret_as_a_bearer(team: Team) -> None:
    bot = await team.start()
    for authorization in (
        "",
        "Bearer",
        "Bearer wrong",
        f"Basic {SECRET}",
        SECRET,
        f"Bearer {SECRET}x",
    ):
        status, body = await team.trigger(bot, authorization=authorization)
        assert status == 401, authorization
        assert body == {"error": "unauthorized"}
    status, body = await team.trigger(bot, authorization=f"bearer  {SECRET} ")
    assert status == 200 and body["skipped"] == "no-channel"
    assert set(body) == {"open_cases", "stalled", "notices", "failed", "digest", "skipped"}


async def test_without_a_secret_there_is_no_endpoint(team: Team) -> None:
    bot = await team.start(STORA_NOTIFY_SECRET="")
    status, _ = await team.trigger(bot, authorization="Bearer ")
    assert status == 404


async def test_the_in_process_schedule_scans_by_itself(team: Team) -> None:
    bot = await team.start(STORA_NOTIFY_INTERVAL_SECONDS=0.02)
    await team.install(bot)
    await until(lambda: bot.notifier.scans >= 1)  # the first scan, one interval after the start
    await team.register()
    done = bot.notifier.scans
    await until(lambda: bot.notifier.scans >= done + 1)
    team.clock.now = at(2026, 11, 23, 13)
    await until(lambda: len(team.notices()) == 1)
    done = bot.notifier.scans
    await until(lambda: bot.notifier.scans >= done + 3)
    assert len(team.notices()) == 1


async def test_shutdown_lets_the_scan_under_way_finish(team: Team) -> None:
    bot = await team.start(STORA_NOTIFY_INTERVAL_SECONDS=0.02)
    await team.install(bot)
    await until(lambda: bot.notifier.scans >= 1)
    await team.register()
    done = bot.notifier.scans
    await until(lambda: bot.notifier.scans >= done + 1)
    connector = team.connector
    assert isinstance(connector, GatedConnector)
    connector.hold()
    team.clock.now = at(2026, 11, 23, 13)
    await asyncio.wait_for(connector.arrived.wait(), 5)  # a scan is posting its notice now

    stopping = asyncio.create_task(bot.stop())
    await until(lambda: bot.app[BACKGROUND].stopping)
    assert not stopping.done()  # shutdown waits for the scan
    connector.release.set()
    await asyncio.wait_for(stopping, 10)

    assert len(team.notices()) == 1
    # The scan ran to its end: the post is written down as posted, not left claimed.
    assert (await team.book())["cases"]["SA-000001"]["notices"]["1"]["state"] == "posted"


async def test_shutdown_does_not_wait_out_a_long_retry_after_and_the_next_start_posts(
    team: Team,
) -> None:
    bot = await team.start(STORA_NOTIFY_INTERVAL_SECONDS=0.02)
    await team.install(bot)
    await until(lambda: bot.notifier.scans >= 1)
    await team.register()
    done = bot.notifier.scans
    await until(lambda: bot.notifier.scans >= done + 1)
    team.connector.fail_next(429, retry_after=30, times=5)
    team.clock.now = at(2026, 11, 23, 13)
    await until(lambda: any(call.status == 429 for call in team.connector.calls))

    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.stop()
    assert loop.time() - started < 5  # not the 30 s the connector asked for
    notice = (await team.book())["cases"]["SA-000001"]["notices"]["1"]
    assert notice["state"] == "failed"  # certainly not posted: the next scan may post it

    again = await team.start()
    team.connector._faults.clear()
    team.clock.now = at(2026, 11, 23, 13, 5)
    assert (await team.scan(again))["notices"] == 1
    assert len(team.notices()) == 1

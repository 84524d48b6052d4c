"""Proactive posts: paced per channel, 429 retried as Retry-After says, failures told apart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from botbuilder.core import MessageFactory
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.config import Settings
from bot.posting import Poster, PostFailed, RetryPolicy, never_sent, retry_after
from tests.fakes.connector import FakeConnector

CHANNEL = "19:backoffice-general@thread.tacv2"


class Sleeps(list):
    """Stands in for asyncio.sleep: remembers what was asked, waits for nothing."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.stop()


def poster(sleeps: Sleeps | None = None, **policy: float) -> Poster:
    settings = Settings(_env_file=None, MicrosoftAppId="")
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration())
    )
    kwargs = {"sleep": sleeps} if sleeps is not None else {}
    return Poster(adapter, app_id="", per_second=1000, policy=RetryPolicy(**policy), **kwargs)


def thread(connector: FakeConnector, service_url: str | None = None) -> ConversationReference:
    return ConversationReference(
        channel_id="msteams",
        service_url=service_url or connector.url,
        conversation=ConversationAccount(id=f"{CHANNEL};messageid=1700000000001", is_group=True),
        bot=ChannelAccount(id="28:bot"),
    )


def statuses(connector: FakeConnector) -> list[int]:
    return [call.status for call in connector.calls]


async def test_a_429_is_retried_after_what_retry_after_says(connector: FakeConnector) -> None:
    sleeps = Sleeps()
    connector.fail_next(429, retry_after=2)
    await poster(sleeps).reply(thread(connector), MessageFactory.text("hej"))
    assert statuses(connector) == [429, 201]
    assert sleeps == [2.0]


async def test_a_new_thread_is_retried_too(connector: FakeConnector) -> None:
    sleeps = Sleeps()
    connector.fail_next(429, retry_after=3, times=2)
    await poster(sleeps).new_thread(CHANNEL, connector.url, MessageFactory.text("hej"))
    assert statuses(connector) == [429, 429, 201]
    assert sleeps == [3.0, 3.0]
    assert len(connector.top_level_posts()) == 1


async def test_without_retry_after_it_backs_off(connector: FakeConnector) -> None:
    sleeps = Sleeps()
    connector.fail_next(503, times=2)
    await poster(sleeps, backoff=1.0).reply(thread(connector), MessageFactory.text("hej"))
    assert statuses(connector) == [503, 503, 201]
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


async def test_it_gives_up_after_its_attempts_and_says_the_post_certainly_failed(
    connector: FakeConnector,
) -> None:
    sleeps = Sleeps()
    connector.fail_next(429, retry_after=1, times=10)
    with pytest.raises(PostFailed) as failed:
        await poster(sleeps, attempts=3).reply(thread(connector), MessageFactory.text("hej"))
    assert (failed.value.status, failed.value.definite) == (429, True)
    assert statuses(connector) == [429, 429, 429]


async def test_a_retry_after_past_the_deadline_is_not_waited_for(connector: FakeConnector) -> None:
    sleeps = Sleeps()
    connector.fail_next(429, retry_after=120)
    with pytest.raises(PostFailed):
        await poster(sleeps, deadline=60).reply(thread(connector), MessageFactory.text("hej"))
    assert sleeps == [] and statuses(connector) == [429]


async def test_other_errors_are_not_retried(connector: FakeConnector) -> None:
    connector.fail_next(403)
    with pytest.raises(PostFailed) as failed:
        await poster(Sleeps()).reply(thread(connector), MessageFactory.text("hej"))
    assert (failed.value.status, failed.value.definite) == (403, True)
    assert statuses(connector) == [403]


async def test_a_gateway_timeout_may_have_posted(connector: FakeConnector) -> None:
    connector.fail_next(504)
    with pytest.raises(PostFailed) as failed:
        await poster(Sleeps()).reply(thread(connector), MessageFactory.text("hej"))
    assert (failed.value.status, failed.value.definite) == (504, False)


def test_no_connection_at_all_certainly_did_not_post() -> None:
    # msrest's own connect retries take seconds over a refused port; the chain it raises
    # then is built here as it comes: ClientRequestError > requests > urllib3.
    from msrest.exceptions import ClientRequestError
    from requests.exceptions import ConnectionError as RequestsConnectionError
    from requests.exceptions import ReadTimeout
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    refused = NewConnectionError(
        None, "Failed to establish a new connection: [Errno 111] Connection refused"
    )
    inner = RequestsConnectionError(MaxRetryError(None, "/v3/conversations", reason=refused))
    assert never_sent(ClientRequestError("Error occurred in request.", inner_exception=inner))
    assert not never_sent(
        ClientRequestError("Error occurred in request.", inner_exception=ReadTimeout())
    )
    assert not never_sent(TimeoutError())


async def test_posts_to_one_channel_are_paced(connector: FakeConnector) -> None:
    settings = Settings(_env_file=None, MicrosoftAppId="")
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration())
    )
    paced = Poster(adapter, app_id="", per_second=20, burst=2)  # then one post per 50 ms
    started = time.monotonic()
    for n in range(4):
        await paced.reply(thread(connector), MessageFactory.text(f"hej {n}"))
    assert time.monotonic() - started >= 2 * 0.05 * 0.95  # two waits after the burst of two
    assert statuses(connector) == [201] * 4


async def test_a_click_s_few_posts_go_out_at_once(connector: FakeConnector) -> None:
    """A burst within Teams' 7 per second is not held back, however slow the pace after it."""
    settings = Settings(_env_file=None, MicrosoftAppId="")
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration())
    )
    slow = Poster(adapter, app_id="", per_second=0.01, burst=3)  # 100 s per post after three
    async with asyncio.timeout(10):  # a paced fourth post would wait 100 s
        for n in range(3):
            await slow.reply(thread(connector), MessageFactory.text(f"hej {n}"))
    assert statuses(connector) == [201] * 3


def test_retry_after_as_seconds_or_a_date() -> None:
    def error(value: str | None) -> Exception:
        failure = Exception()
        failure.response = SimpleNamespace(
            status_code=429, headers={"Retry-After": value} if value else {}
        )  # type: ignore[attr-defined]
        return failure

    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert retry_after(error("7")) == 7.0
    assert (
        retry_after(error(format_datetime(now + timedelta(seconds=30), usegmt=True)), now=now)
        == 30.0
    )
    assert (
        retry_after(error(format_datetime(now - timedelta(seconds=30), usegmt=True)), now=now)
        == 0.0
    )
    assert retry_after(error(None)) is None
    assert retry_after(error("soon")) is None
    assert retry_after(error("Mon, 23 Nov 2026 08:00:30 -0000"), now=now) == 30.0


async def test_a_stopping_app_ends_the_retries(connector: FakeConnector) -> None:
    settings = Settings(_env_file=None, MicrosoftAppId="")
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration())
    )
    sleeps = Sleeps()
    stopping = Poster(adapter, app_id="", per_second=1000, sleep=sleeps, stopping=lambda: True)
    connector.fail_next(429, retry_after=1, times=3)
    with pytest.raises(PostFailed) as failed:
        await stopping.reply(thread(connector), MessageFactory.text("hej"))
    assert (failed.value.status, failed.value.definite) == (429, True)
    assert statuses(connector) == [429] and sleeps == []


async def test_an_update_replaces_the_message_and_honours_retry_after(
    connector: FakeConnector,
) -> None:
    sleeps = Sleeps()
    paced = poster(sleeps)
    await paced.new_thread(CHANNEL, connector.url, MessageFactory.text("first"))
    (post,) = connector.top_level_posts()
    connector.fail_next(429, retry_after=2)
    again = MessageFactory.text("second")
    again.id = post.activity_id
    await paced.update(thread(connector), again)
    assert statuses(connector) == [201, 429, 200]
    assert sleeps == [2.0]
    assert post.text == "second"


async def test_an_update_is_tried_once_per_attempt_underneath_the_retry_loop(
    connector: FakeConnector,
) -> None:
    # msrest would retry a PUT's 5xx on its own, sleeping in a worker thread
    # where no deadline, shutdown or test clock reaches.
    paced = poster(Sleeps())
    await paced.new_thread(CHANNEL, connector.url, MessageFactory.text("first"))
    connector.fail_next(500, times=4)
    again = MessageFactory.text("second")
    again.id = connector.top_level_posts()[0].activity_id
    with pytest.raises(PostFailed) as failed:
        await paced.update(thread(connector), again)
    assert (failed.value.status, failed.value.definite) == (500, True)
    assert statuses(connector) == [201, 500]


async def test_a_short_policy_gives_up_within_its_deadline(connector: FakeConnector) -> None:
    sleeps = Sleeps()
    connector.fail_next(503, retry_after=3, times=2)
    with pytest.raises(PostFailed) as failed:
        await poster(sleeps).reply(
            thread(connector),
            MessageFactory.text("hej"),
            policy=RetryPolicy(attempts=3, deadline=2.0),
        )
    assert (failed.value.status, failed.value.definite) == (503, True)
    assert statuses(connector) == [503] and sleeps == []

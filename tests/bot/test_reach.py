"""Where the bot may send: the policy, and the guard on every connector it builds."""

from __future__ import annotations

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from bot.config import Settings
from bot.posting import Poster, PostFailed, RetryPolicy
from bot.reach import GuardedAuthentication, ReachPolicy
from tests.fakes import teams
from tests.fakes.connector import FakeConnector

WITH_APP_ID = ReachPolicy.of(True)
WITHOUT = ReachPolicy.of(False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://smba.trafficmanager.net/emea/", None),
        ("https://smba.trafficmanager.net/teams/", None),
        ("https://europe.webchat.botframework.com/", None),
        ("https://smba.infra.gcc.teams.microsoft.com/", None),
        ("http://smba.trafficmanager.net/emea/", "not_https"),
        ("https://evil.example/", "host_not_allowed"),
        ("https://smba.trafficmanager.net.evil.example/", "host_not_allowed"),
        ("https://botframework.com.evil.example/", "host_not_allowed"),
        ("https://evilbotframework.com/", "host_not_allowed"),
        ("https://user:pw@smba.trafficmanager.net/", "malformed"),
        ("https://smba.trafficmanager.net:notaport/", "malformed"),
        ("file:///etc/passwd", "malformed"),
        ("", "missing"),
        (None, "missing"),
        (42, "missing"),
        ("http://127.0.0.1:3978/", "host_not_allowed"),
    ],
)
def test_with_an_app_id_only_the_bot_framework_hosts(url: object, reason: str | None) -> None:
    assert WITH_APP_ID.refusal(url) == reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:56150/", None),
        ("http://localhost:3978/", None),
        ("http://[::1]:3978/", None),
        ("https://smba.trafficmanager.net/emea/", "not_loopback"),
        ("http://127.0.0.1.nip.io/", "not_loopback"),
        ("http://192.0.2.2:3978/", "not_loopback"),
    ],
)
def test_without_an_app_id_loopback_only(url: str, reason: str | None) -> None:
    assert WITHOUT.refusal(url) == reason


def test_a_loopback_host_can_be_allowed_for_tests_and_then_plain_http_to_it() -> None:
    policy = ReachPolicy.of(True, ["127.0.0.1"])
    assert policy.refusal("http://127.0.0.1:9/") is None
    assert policy.refusal("https://smba.trafficmanager.net/emea/") == "host_not_allowed"


def test_the_setting_reads_a_comma_separated_list() -> None:
    settings = Settings(
        _env_file=None, MicrosoftAppId="app", STORA_SERVICE_URL_HOSTS=" a.example , *.b.example ,"
    )
    assert settings.reach_policy().hosts == ("a.example", "*.b.example")
    assert settings.reach_policy().refusal("https://x.b.example/") is None


async def test_a_stored_reference_elsewhere_is_never_called_and_never_retried() -> None:
    # A post whose conversation reference (kept in bot state) names a host the
    # bot must not call: nothing leaves the bot, and the failure is final, so
    # no outbox keeps it.
    connector = FakeConnector()
    await connector.start()
    try:
        settings = Settings(_env_file=None, MicrosoftAppId="")
        auth = GuardedAuthentication(
            ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration()),
            settings.reach_policy(),
        )
        poster = Poster(CloudAdapter(auth), app_id="")
        reference = ConversationReference(
            channel_id="msteams", service_url="https://evil.example/",
            conversation=ConversationAccount(id=teams.CHANNEL, is_group=True),
            bot=ChannelAccount(id="28:bot"),
        )  # fmt: skip
        with pytest.raises(PostFailed) as failed:
            await poster.reply(
                reference, Activity(type="message", text="x"), policy=RetryPolicy(attempts=3)
            )
        assert (failed.value.status, failed.value.definite) == (403, True)
        # The same post to the loopback connector goes through: the guard is the only difference.
        reference.service_url = connector.url
        await poster.reply(reference, Activity(type="message", text="x"))
        assert len(connector.posts) == 1
    finally:
        await connector.stop()

"""The HTTP surface: health, authentication, and the tenant/team gate."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.config import Settings
from tests.bot.conftest import ANNA, Office
from tests.fakes import teams


async def test_healthz_answers(office: Office) -> None:
    async with office.session.get(f"{office.url}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"


async def _serve(settings: Settings) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def test_with_an_app_id_a_request_without_a_token_is_refused(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        MicrosoftAppId="11111111-2222-3333-4444-555555555555",
        MicrosoftAppPassword="not-used",
        MicrosoftAppTenantId=teams.TENANT,
        STORA_STATE_DIR=tmp_path / "state",
        STORA_WORKBOOK=tmp_path / "wb.xlsx",
        STORA_TEAM_ID=teams.TEAM,
    )
    runner, port = await _serve(settings)
    try:
        activity = teams.channel_post(ANNA, "http://127.0.0.1:9/", "hjälp")
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response,
        ):
            assert response.status == 401
    finally:
        await runner.cleanup()


def test_without_an_app_id_the_bot_listens_on_loopback_only(tmp_path: Path) -> None:
    open_settings = Settings(_env_file=None, MicrosoftAppId="", STORA_HOST="0.0.0.0")
    assert open_settings.bind_host == "127.0.0.1"
    assert not open_settings.authenticated
    closed = Settings(_env_file=None, MicrosoftAppId="abc", STORA_HOST="0.0.0.0")
    assert closed.bind_host == "0.0.0.0"


def test_settings_use_the_bot_framework_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "app")
    monkeypatch.setenv("MicrosoftAppPassword", "secret")
    monkeypatch.setenv("MicrosoftAppType", "SingleTenant")
    monkeypatch.setenv("MicrosoftAppTenantId", "tenant")
    settings = Settings(_env_file=None)
    assert (settings.app_id, settings.app_type, settings.allowed_tenant) == (
        "app",
        "SingleTenant",
        "tenant",
    )
    assert "secret" not in repr(settings)


async def test_activity_from_another_tenant_is_ignored(office: Office) -> None:
    activity = teams.channel_post(ANNA, office.connector.url, "registrera")
    activity["channelData"]["tenant"]["id"] = "someone-else"
    activity["conversation"]["tenantId"] = "someone-else"
    status, _ = await office.post(activity)
    assert status in (200, 201)
    assert office.connector.posts == {}


async def test_activity_from_another_team_gets_words_and_nothing_else(office: Office) -> None:
    activity = teams.channel_post(ANNA, office.connector.url, "registrera")
    activity["channelData"]["team"] = {"id": "19:other-team@thread.tacv2"}
    activity["channelData"]["teamsTeamId"] = "19:other-team@thread.tacv2"
    await office.post(activity)
    (answer,) = office.connector.posts.values()
    assert answer.cards == [] and "bara i Backoffice-teamet" in answer.text


async def test_a_click_from_another_tenant_is_refused(office: Office) -> None:
    post = await office.say(ANNA, "registrera")
    activity = teams.card_action(
        ANNA,
        office.connector.url,
        conversation_id=post.conversation_id,
        reply_to=post.activity_id,
        verb="register",
        data={},
    )
    activity["channelData"]["tenant"]["id"] = "someone-else"
    status, body = await office.post(activity)
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.error" and body["statusCode"] == 403


async def test_an_unknown_verb_gets_the_documented_error_response(office: Office) -> None:
    post = await office.say(ANNA, "registrera")
    body = await office.invoke(ANNA, post, "explode", {})
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["statusCode"] == 400 and body["value"]["code"] == "BadRequest"


@pytest.mark.parametrize("where", ["id", "replyToId", "conversation"])
async def test_an_id_no_teams_would_send_is_refused_not_a_crash(office: Office, where: str) -> None:
    """A 100 kB id went into the Bot Connector's URL and came back as a 500 (the
    envelope fuzzer found it); ids that long are refused at the door instead."""
    activity = teams.channel_post(ANNA, office.connector.url, "kö")
    huge = "1" * 100_000
    if where == "conversation":
        activity["conversation"]["id"] = huge
    else:
        activity[where] = huge
    status, _ = await office.post(activity)
    assert status == 400
    assert office.connector.top_level_posts() == []

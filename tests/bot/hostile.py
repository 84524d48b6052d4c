"""What the hostile-request tests share: raw posts, the authenticated office, the log reader."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Settings
from bot.logs import configure_logging
from bot.signing_keys import SigningKeys
from tests.bot.conftest import Office, seat_team, serve
from tests.fakes import teams
from tests.fakes.bot_auth import APP_ID, BOT_TOKEN, FakeIssuer, StaticCredentialsFactory
from tests.fakes.connector import FakeConnector

JSON = {"Content-Type": "application/json"}


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


async def send(
    session: aiohttp.ClientSession, url: str, body: bytes | str | dict[str, Any],
    *, headers: dict[str, str] | None = None, method: str = "POST",
) -> Answer:  # fmt: skip
    """A request exactly as given: no JSON encoding unless ``body`` is a dict."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    async with session.request(
        method, f"{url}/api/messages", data=data, headers=JSON if headers is None else headers
    ) as response:
        text = await response.text()
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Answer(response.status, parsed, dict(response.headers))


def log_output() -> io.StringIO:
    """Every logger into a buffer, JSON, as ``python -m bot`` sets it up (use with restore_logging)."""
    buffer = io.StringIO()
    configure_logging("DEBUG", "json", stream=buffer)
    return buffer


def records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def refusal_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [r for r in records(buffer) if r["message"] == "request refused"]


@dataclass
class AuthOffice:
    office: Office
    issuer: FakeIssuer

    def headers(self, token: str | None = None, **claims: Any) -> dict[str, str]:
        token = (
            token if token is not None else self.issuer.token(self.office.connector.url, **claims)
        )
        return {**JSON, "Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def authenticated_office(
    tmp_path: Path, *, keys: dict[str, Any] | None = None, **settings: Any
) -> AsyncIterator[AuthOffice]:
    """The bot with an App ID, its tokens from a fake issuer, its Bot Connector insisting on a token.

    ``keys``: options for the bot's ``SigningKeys`` (default: the production ones).
    """
    issuer = FakeIssuer()
    await issuer.start()
    signing_keys = SigningKeys(issuer.metadata_url, **keys) if keys is not None else None
    connector = FakeConnector()
    await connector.start()
    connector.required_token = BOT_TOKEN
    seat_team(connector)
    config = Settings(
        _env_file=None, MicrosoftAppId=APP_ID, MicrosoftAppPassword="unused",
        MicrosoftAppTenantId=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
        STORA_STATE_DIR=tmp_path / "state", STORA_WORKBOOK=tmp_path / "wb.xlsx",
        STORA_OPENID_METADATA_URL=issuer.metadata_url, STORA_SERVICE_URL_HOSTS="127.0.0.1",
        **settings,
    )  # fmt: skip
    try:
        async with (
            aiohttp.ClientSession() as session,
            serve(
                config, connector, session,
                credentials_factory=StaticCredentialsFactory(), signing_keys=signing_keys,
            ) as office,
        ):  # fmt: skip
            yield AuthOffice(office, issuer)
    finally:
        await connector.stop()
        await issuer.stop()

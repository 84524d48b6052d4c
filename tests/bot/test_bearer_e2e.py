"""With an App ID: forged tokens are 401s decided before the body, and key fetches never stall the bot.

The tokens come from a fake Bot Framework issuer on loopback
(``tests/fakes/bot_auth.py``), as Microsoft documents them; each forgery is one
an attacker would try. Every one is sent with a body that is not even JSON: a
401 (not a 400) shows the token was judged before the body was read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.bot.conftest import ANNA
from tests.bot.hostile import (
    JSON,
    AuthOffice,
    authenticated_office,
    log_output,
    refusal_lines,
    send,
)
from tests.fakes import teams
from tests.fakes.bot_auth import APP_ID, ISSUER, new_key


def _claims(issuer_url: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "serviceurl": issuer_url,
        "iss": ISSUER,
        "aud": APP_ID,
        "nbf": now - 10,
        "exp": now + 3600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(
    auth: AuthOffice, *, alg: str = "RS256", kid: str = "key-1", key: Any = None, **changes: Any
) -> str:
    if key is None:
        key = auth.issuer.keys["key-1"][0]
    claims = _claims(auth.office.connector.url, **changes)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def _bearer(make: Callable[[AuthOffice], str]) -> Callable[[AuthOffice], str]:
    return lambda auth: f"Bearer {make(auth)}"


def _unsigned(auth: AuthOffice) -> str:
    claims = _claims(auth.office.connector.url)
    return jwt.encode(claims, None, algorithm="none", headers={"kid": "key-1"})


def _without_kid(auth: AuthOffice) -> str:
    claims = _claims(auth.office.connector.url)
    return jwt.encode(claims, auth.issuer.keys["key-1"][0], algorithm="RS256")


def _later(seconds: int) -> int:
    return int(time.time()) + seconds


# (what, the Authorization header, the reason code)
FORGERIES: list[tuple[str, Callable[[AuthOffice], str | None], str]] = [
    ("no header", lambda _: None, "token_missing"),
    ("Basic scheme", lambda _: "Basic YW5uYTpzZWNyZXQ=", "token_scheme"),
    ("Bearer and nothing", lambda _: "Bearer ", "token_scheme"),
    ("garbage", lambda _: "Bearer not.a.token", "token_malformed"),
    ("alg none", _bearer(_unsigned), "token_algorithm"),
    ("HS256", _bearer(lambda a: _signed(a, alg="HS256", key="guessable" * 4)), "token_algorithm"),
    ("RS512", _bearer(lambda a: _signed(a, alg="RS512")), "token_algorithm"),
    ("a key of its own", _bearer(lambda a: _signed(a, key=new_key())), "token_signature"),
    (
        "an unknown kid",
        _bearer(lambda a: _signed(a, kid="made-up", key=new_key())),
        "token_key_unknown",
    ),
    ("no kid", _bearer(_without_kid), "token_key_unknown"),
    ("expired", _bearer(lambda a: _signed(a, exp=_later(-600))), "token_expired"),
    ("not yet valid", _bearer(lambda a: _signed(a, nbf=_later(3600))), "token_not_yet_valid"),
    ("another bot's", _bearer(lambda a: _signed(a, aud="another-app")), "token_audience"),
    (
        "another issuer",
        _bearer(lambda a: _signed(a, iss="https://sts.windows.net/x/")),
        "token_issuer",
    ),
    ("no expiry", _bearer(lambda a: _signed(a, exp=None)), "token_claims"),
]


@pytest.fixture
async def auth(tmp_path: Path):
    async with authenticated_office(tmp_path) as office:
        yield office


async def test_a_real_token_is_served_and_the_bot_answers_with_its_own(auth: AuthOffice) -> None:
    office = auth.office
    answer = await send(
        office.session, office.url, teams.channel_post(ANNA, office.connector.url, "hjälp"),
        headers=auth.headers(),
    )  # fmt: skip
    assert answer.status in (200, 201)
    assert len(office.connector.posts) == 1  # the fake connector took it: the bot's token was right
    assert office.connector.unauthorized_calls == 0


@pytest.mark.parametrize(("what", "header", "reason"), FORGERIES, ids=[f[0] for f in FORGERIES])
async def test_a_forged_token_is_a_401_before_the_body_is_read(
    auth: AuthOffice, restore_logging: None, what: str, header: Callable[[AuthOffice], str | None],
    reason: str,
) -> None:  # fmt: skip
    office = auth.office
    # A genuine request first: the keys are cached from here on.
    genuine = teams.channel_post(ANNA, office.connector.url, "hjälp")
    await send(office.session, office.url, genuine, headers=auth.headers())
    value = header(auth)
    headers = JSON if value is None else {**JSON, "Authorization": value}
    output = log_output()
    answer = await send(office.session, office.url, b"{this is not json", headers=headers)
    assert answer.status == 401, what
    assert answer.body == {"error": {"code": reason}}
    assert answer.headers.get("WWW-Authenticate") == "Bearer"
    (line,) = refusal_lines(output)
    assert (line["status"], line["reason"]) == (401, reason)
    assert "Traceback" not in output.getvalue()


async def test_made_up_key_ids_do_not_hammer_the_key_endpoint(auth: AuthOffice) -> None:
    office = auth.office
    genuine = teams.channel_post(ANNA, office.connector.url, "hjälp")
    await send(office.session, office.url, genuine, headers=auth.headers())
    fetched = auth.issuer.key_requests
    for n in range(20):
        token = _signed(auth, kid=f"made-up-{n}", key=new_key())
        headers = {**JSON, "Authorization": f"Bearer {token}"}
        answer = await send(office.session, office.url, b"{}", headers=headers)
        assert answer.status == 401
    assert auth.issuer.key_requests == fetched == 1


async def test_a_token_for_another_service_url_is_refused(
    auth: AuthOffice, restore_logging: None
) -> None:
    office = auth.office
    output = log_output()
    activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
    answer = await send(office.session, office.url, activity,
                        headers=auth.headers(serviceurl="http://127.0.0.1:9/"))  # fmt: skip
    assert answer.status == 401
    assert refusal_lines(output)[0]["reason"] == "token_service_url"
    assert office.connector.calls == []


async def test_a_key_that_does_not_endorse_the_channel_is_refused(auth: AuthOffice) -> None:
    auth.issuer.rotate("skype-only", endorsements=("skype",))
    office = auth.office
    activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
    answer = await send(
        office.session, office.url, activity, headers=auth.headers(kid="skype-only")
    )
    assert (answer.status, answer.body) == (401, {"error": {"code": "token_endorsement"}})


async def test_a_service_url_outside_the_bot_framework_hosts_is_never_called(
    auth: AuthOffice, restore_logging: None
) -> None:
    # A genuine token cannot name such a URL; this is the last line if one did.
    office = auth.office
    output = log_output()
    activity = teams.channel_post(ANNA, "https://evil.example/", "hjälp")
    answer = await send(office.session, office.url, activity,
                        headers=auth.headers(serviceurl="https://evil.example/"))  # fmt: skip
    assert answer.status == 403
    assert refusal_lines(output)[0]["reason"] == "service_url_host_not_allowed"


async def test_a_slow_key_endpoint_delays_only_the_request_that_needs_a_new_key(
    tmp_path: Path,
) -> None:
    # recheck=0: a new kid is looked up at once (the default waits 5 minutes).
    async with authenticated_office(tmp_path, keys={"recheck": 0}) as auth:
        office = auth.office

        def post(**claims: Any):
            activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
            return send(office.session, office.url, activity, headers=auth.headers(**claims))

        assert (await post()).status == 201
        auth.issuer.rotate("key-2")
        auth.issuer.hold_keys()
        waiting = asyncio.create_task(post(kid="key-2"))
        await auth.issuer.key_request_seen.wait()
        # The key endpoint is stuck; tokens signed with a key the bot knows are served anyway.
        for _ in range(3):
            assert (await post()).status == 201
        assert not waiting.done()
        auth.issuer.release_keys()
        assert (await waiting).status == 201


async def test_a_key_endpoint_that_never_answers_is_a_503_not_a_hang(
    tmp_path: Path, restore_logging: None
) -> None:
    async with authenticated_office(tmp_path, keys={"timeout": 0.2}) as auth:
        auth.issuer.hold_keys()
        output = log_output()
        office = auth.office
        activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
        answer = await send(office.session, office.url, activity, headers=auth.headers())
        assert answer.status == 503 and answer.headers.get("Retry-After")
        assert "Traceback" not in output.getvalue()
        assert office.connector.calls == []

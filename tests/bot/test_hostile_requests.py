"""Malformed and misdirected requests: a 4xx, one log line, and nothing done.

Without an App ID (``make run``, the Playground): every case a client can get
wrong, each answered for what it is, never a 5xx, and logged once without a
traceback. The authenticated endpoint is in ``test_bearer_e2e``.
"""

from __future__ import annotations

import asyncio
import io
import json
import socket
from typing import Any

import aiohttp
import pytest

from tests.bot.conftest import ANNA, Office
from tests.bot.hostile import JSON, log_output, records, refusal_lines, send
from tests.fakes import teams


def _activity(office: Office, **changes: Any) -> dict[str, Any]:
    activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
    activity.update(changes)
    return activity


def _without(office: Office, *path: str) -> dict[str, Any]:
    activity = _activity(office)
    node = activity
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return activity


def _no_locale(office: Office, entities: list[Any]) -> dict[str, Any]:
    activity = _activity(office, entities=entities)
    del activity["locale"]
    return activity


def _installation(office: Office, settings: Any) -> dict[str, Any]:
    activity = teams.installed_in_team(ANNA, office.connector.url)
    activity["channelData"]["settings"] = settings
    return activity


def _nested(depth: int) -> bytes:
    return ('{"type":"message","value":' + "[" * depth + "]" * depth + "}").encode()


# (what, body, reason): bodies that are not JSON objects or not activities.
MALFORMED: list[tuple[str, Any, str]] = [
    ("not JSON", b"{not json", "body_not_json"),
    ("empty", b"", "body_not_json"),
    ("a list", b"[]", "body_not_object"),
    ("a number", b"42", "body_not_object"),
    ("null", b"null", "body_not_object"),
    ("a string", b'"message"', "body_not_object"),
    ("NaN", b'{"type": NaN}', "body_not_json"),
    ("not UTF-8", b'{"type": "\xff\xfe"}', "body_not_utf8"),
    ("a lone surrogate", b'{"type": "message", "text": "\\ud800"}', "body_invalid_text"),
    ("nested 100 deep", _nested(100), "body_too_deep"),
    ("nested 100,000 deep", _nested(100_000), "body_too_deep"),
]
# (what, change to a valid activity): activities the bot cannot act on.
BAD_ENVELOPES: list[tuple[str, Any]] = [
    ("no type", lambda o: _without(o, "type")),
    ("type a number", lambda o: _activity(o, type=7)),
    ("no from", lambda o: _without(o, "from")),
    ("from a string", lambda o: _activity(o, **{"from": "anna"})),
    ("from without an id", lambda o: _without(o, "from", "id")),
    ("no conversation", lambda o: _without(o, "conversation")),
    ("conversation id a list", lambda o: _activity(o, conversation={"id": ["x"]})),
    ("channelData a string", lambda o: _activity(o, channelData="x")),
    ("tenant id a number", lambda o: _activity(o, channelData={"tenant": {"id": 1}})),
    ("no serviceUrl", lambda o: _without(o, "serviceUrl")),
    ("no channelId", lambda o: _without(o, "channelId")),
    ("text an object", lambda o: _activity(o, text={"a": 1})),
    ("membersAdded not a list", lambda o: _activity(o, membersAdded={"id": "x"})),
    ("timestamp not a date", lambda o: _activity(o, timestamp="yesterday")),
    ("clientInfo locale a number", lambda o: _no_locale(o, [{"type": "clientInfo", "locale": 5}])),
    (
        "clientInfo locale an object",
        lambda o: _no_locale(o, [{"type": "clientInfo", "locale": {}}]),
    ),
    ("an entity not an object", lambda o: _activity(o, entities=["clientInfo"])),
    ("selectedChannel a string", lambda o: _installation(o, {"selectedChannel": "19:x"})),
    ("settings a string", lambda o: _installation(o, "x")),
    ("team aadGroupId a number", lambda o: _activity(o, channelData={"team": {"aadGroupId": 7}})),
]


@pytest.mark.parametrize(
    "name", [None, "", "composeExtension/query", "signin/verifyState", "task/fetch"]
)
async def test_an_invoke_other_than_a_card_action_is_a_400(
    office: Office, restore_logging: None, name: str | None
) -> None:
    activity = teams.card_action(
        ANNA, office.connector.url, conversation_id=f"{teams.CHANNEL};messageid=1", reply_to="1",
        verb="refresh", data={},
    )  # fmt: skip
    activity.pop("name") if name is None else activity.update(name=name)
    output = log_output()
    answer = await send(office.session, office.url, activity)
    assert (answer.status, answer.body) == (400, {"error": {"code": "invoke_not_supported"}})
    _one_refusal(output, 400, "invoke_not_supported")


def _one_refusal(output: io.StringIO, status: int, reason: str) -> None:
    (line,) = refusal_lines(output)
    assert (line["status"], line["reason"], line["level"]) == (status, reason, "WARNING")
    assert line["correlation_id"]
    assert "exc_info" not in line
    same_request = [r for r in records(output) if r.get("correlation_id") == line["correlation_id"]]
    assert same_request == [line], "a client's mistake is one line"
    assert not any("Traceback" in json.dumps(r) for r in records(output))


@pytest.mark.parametrize(("what", "body", "reason"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_a_malformed_body_is_a_400_and_one_log_line(
    office: Office, restore_logging: None, what: str, body: bytes, reason: str
) -> None:
    output = log_output()
    answer = await send(office.session, office.url, body)
    assert answer.status == 400, what
    assert answer.body == {"error": {"code": reason}}
    _one_refusal(output, 400, reason)
    assert office.connector.calls == []


@pytest.mark.parametrize(("what", "make"), BAD_ENVELOPES, ids=[b[0] for b in BAD_ENVELOPES])
async def test_an_activity_the_bot_cannot_act_on_is_a_400(
    office: Office, restore_logging: None, what: str, make: Any
) -> None:
    output = log_output()
    answer = await send(office.session, office.url, make(office))
    assert (answer.status, answer.body) == (400, {"error": {"code": "activity_invalid"}}), what
    _one_refusal(output, 400, "activity_invalid")
    assert office.connector.calls == []


async def test_the_log_names_the_wrong_field_but_not_its_value(
    office: Office, restore_logging: None
) -> None:
    output = log_output()
    await send(
        office.session, office.url, _activity(office, channelData={"tenant": {"id": 5012345}})
    )
    (line,) = refusal_lines(output)
    assert line["fields"] == "channelData.tenant.id"
    assert "5012345" not in output.getvalue()


@pytest.mark.parametrize(
    "content_type", ["text/plain;application/json", "text/plain", "application/x-www-form-urlencoded",
                     "application/json-patch+json", "multipart/form-data; boundary=x", ""],
)  # fmt: skip
async def test_only_application_json_is_read(
    office: Office, restore_logging: None, content_type: str
) -> None:
    # A web page may POST text/plain to loopback without asking first (no CORS
    # preflight); botbuilder read any Content-Type that contained "application/json".
    output = log_output()
    headers = {"Content-Type": content_type} if content_type else {}
    answer = await send(office.session, office.url, _activity(office), headers=headers)
    assert answer.status == 415
    _one_refusal(output, 415, "content_type")
    assert office.connector.calls == []


async def test_application_json_with_a_charset_is_served(office: Office) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    answer = await send(office.session, office.url, _activity(office), headers=headers)
    assert answer.status in (200, 201)
    assert len(office.connector.posts) == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
async def test_a_wrong_method_is_a_405(office: Office, restore_logging: None, method: str) -> None:
    output = log_output()
    answer = await send(office.session, office.url, _activity(office), method=method)
    assert answer.status == 405
    _one_refusal(output, 405, "method_not_allowed")


async def test_a_body_over_one_mebibyte_is_a_413(office: Office, restore_logging: None) -> None:
    output = log_output()
    activity = _activity(office, text="x" * (1024 * 1024))
    answer = await send(office.session, office.url, activity)
    assert answer.status == 413
    _one_refusal(output, 413, "body_too_large")
    assert office.connector.calls == []


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example:3978", "[::1", "[evil", "a:b:c"]
)
async def test_a_host_header_that_is_not_loopback_is_refused(
    office: Office, restore_logging: None, host: str
) -> None:
    # DNS rebinding: a page at evil.example, its name pointed at 127.0.0.1, is
    # "same origin" with the bot and could send application/json freely.
    output = log_output()
    answer = await send(
        office.session, office.url, _activity(office), headers={**JSON, "Host": host}
    )
    assert answer.status == 403
    _one_refusal(output, 403, "host_not_loopback")


def _other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


async def test_without_an_app_id_only_loopback_is_served(
    office: Office, restore_logging: None, unused_tcp_port: int
) -> None:
    from aiohttp import web

    address = _other_address()
    if address is None:
        pytest.skip("this machine has no address beyond loopback")
    # The bot binds 127.0.0.1 without an App ID; served on every address anyway
    # (a container's port mapping does that), the endpoint still refuses.
    assert office.app is not None
    runner = web.AppRunner(office.app)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", unused_tcp_port)
    await site.start()
    output = log_output()
    try:
        async with aiohttp.ClientSession() as session:
            answer = await send(session, f"http://{address}:{unused_tcp_port}", _activity(office))
    finally:
        await site.stop()
    assert answer.status == 403
    _one_refusal(output, 403, "not_loopback")
    assert office.connector.calls == []


@pytest.mark.parametrize(
    "service_url",
    ["https://evil.example/", "http://192.0.2.55:9/", "ftp://127.0.0.1/", "not a url"],
)
async def test_without_an_app_id_the_bot_calls_loopback_only(
    office: Office, restore_logging: None, service_url: str
) -> None:
    output = log_output()
    answer = await send(office.session, office.url, teams.channel_post(ANNA, service_url, "hjälp"))
    assert answer.status == 403
    (line,) = refusal_lines(output)
    assert line["reason"].startswith("service_url_")


async def test_a_forged_installation_cannot_redirect_the_case_cards(office: Office) -> None:
    forged = teams.installed_in_team(ANNA, "https://evil.example/")
    assert (await send(office.session, office.url, forged)).status == 403
    # The next card still goes to the real connector.
    await office.say(ANNA, "hjälp")
    assert office.connector.calls and all(c.status < 400 for c in office.connector.calls)


RAW_REQUESTS = {
    "a garbage request line": b"\x16\x03\x01 nonsense\r\n\r\n",
    "a 10 kB header": b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    + b"a" * 10_000
    + b"\r\n\r\n",
    "a control character in a header": b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x01b\r\n\r\n",
    "a bad Content-Length": b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n",
    "Content-Length and chunked": (
        b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nabc"
    ),
}


@pytest.mark.parametrize("what", list(RAW_REQUESTS))
async def test_a_request_the_http_parser_refuses_is_one_warning_line(
    office: Office, restore_logging: None, what: str
) -> None:
    output = log_output()
    host, port = office.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(RAW_REQUESTS[what])
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] == b"400", what
    # aiohttp logs the refusal before it writes the 400 (web_protocol.handle_error).
    (line,) = refusal_lines(output)
    assert (line["level"], line["reason"], line["status"]) == ("WARNING", "http_malformed", 400)
    assert line["correlation_id"]
    assert not [r for r in records(output) if r["level"] == "ERROR" or "exc_info" in r]

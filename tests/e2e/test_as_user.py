"""``make playground-as``: the Playground passed through, but for who the current user is.

Runs in ``make test``, over real HTTP on loopback, against a stand-in for the
Playground that answers ``/_internal/v1/config`` with what Playground 0.2.28
answered (``playground_config.json``, fetched with curl from
``npx @microsoft/m365agentsplayground@0.2.28 -p 56162``). ``make playground-e2e``
runs the same module in front of the real Playground, in Chromium.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.bot.conftest import on_loopback
from tests.e2e.as_user import CONFIG_PATH, make_app

RECORDED = json.loads((Path(__file__).with_name("playground_config.json")).read_text("utf-8"))
STREAM = "/_ws_conversation/v1/conversations/stream"


def playground() -> web.Application:
    """What the test needs of the Playground's server: its config, a page, an API, its socket."""

    async def config(_: web.Request) -> web.Response:
        return web.json_response(RECORDED)

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<html>Playground</html>", content_type="text/html")

    async def invoke(request: web.Request) -> web.Response:
        sent = await request.json()
        answer = {"got": sent, "query": request.query_string}
        return web.json_response(answer, status=201, headers={"X-Playground": "1"})

    async def stream(request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"action": "updateMessage"}))
        async for message in socket:
            await socket.send_str(f"heard {message.data}")
        return socket

    app = web.Application()
    app.router.add_get(CONFIG_PATH, config)
    app.router.add_get("/", page)
    app.router.add_post("/_conversation/v1/invoke", invoke)
    app.router.add_get(STREAM, stream)
    return app


@pytest.fixture
async def through() -> AsyncIterator[Any]:
    """``through(user)``: the base URL of as_user for ``user`` in front of the stand-in."""
    async with on_loopback(playground()) as target:
        opened = []

        async def serve(user: str) -> str:
            server = on_loopback(make_app(target, user))
            opened.append(server)
            return await server.__aenter__()

        yield serve
        for server in opened:
            await server.__aexit__(None, None, None)


async def config_through(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url + CONFIG_PATH) as answer:
        text = await answer.text()
        return answer.status, (json.loads(text) if answer.status == 200 else text)


async def test_the_config_names_megan_and_keeps_alex_as_a_member(through) -> None:
    status, body = await config_through(await through("megan"))
    assert status == 200
    config, recorded = body["config"], RECORDED["config"]
    assert recorded["currentUser"]["id"] == "user-id-0"  # Alex Wilber, the Playground's own
    assert config["currentUser"]["name"] == "Megan Bowen"
    assert [u["id"] for u in config["users"]] == [
        "user-id-0" if u["id"] == "user-id-1" else u["id"] for u in recorded["users"]
    ]
    for group in config["groupChats"] + config["teams"]:
        assert "user-id-0" in group["members"] and "user-id-1" not in group["members"]
    unchanged = ("tenantId", "bot", "personalChat")
    assert {k: config[k] for k in unchanged} == {k: recorded[k] for k in unchanged}
    assert config["teams"][0]["channels"] == recorded["teams"][0]["channels"]
    assert body["internalConfig"] == RECORDED["internalConfig"]


async def test_a_user_by_id(through) -> None:
    _, body = await config_through(await through("user-id-2"))
    assert body["config"]["currentUser"]["name"] == "Adele Vance"


async def test_an_unknown_user_is_refused_with_the_ones_there_are(through) -> None:
    status, text = await config_through(await through("greta"))
    assert status == 404
    assert "'greta'" in text and "Megan (user-id-1)" in text


async def test_everything_else_passes_through(through) -> None:
    url = await through("megan")
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/") as page:
            assert (page.status, await page.text()) == (200, "<html>Playground</html>")
        sent = {"type": "invoke", "from": {"id": "user-id-1"}, "text": "åäö"}
        async with session.post(url + "/_conversation/v1/invoke?x=1", json=sent) as answer:
            assert answer.status == 201 and answer.headers["X-Playground"] == "1"
            assert await answer.json() == {"got": sent, "query": "x=1"}


async def test_the_websocket_passes_both_ways(through) -> None:
    url = await through("megan")
    async with aiohttp.ClientSession() as session, session.ws_connect(url + STREAM) as socket:
        assert json.loads((await socket.receive()).data) == {"action": "updateMessage"}
        await socket.send_str("hej")
        assert (await socket.receive()).data == "heard hej"

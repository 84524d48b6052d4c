"""A second agent in the Agents Playground: the same Playground, on another port, as another user.

    make playground-as                        # Megan Bowen, on http://localhost:56151
    python -m tests.e2e.as_user --user adele --port 56152 --playground http://localhost:56150

The Playground 0.2.28 has no way to switch user in its page. Its web client
takes the current user from ``/_internal/v1/config``, fetched once when the page
loads, and names that user (``from.id``) in every activity it sends; the
Playground's server then builds the bot's activity for that user from its own
user list. This serves the Playground's page and API unchanged, except for that
one answer, which names another of its mock users. A browser tab on this port
acts as that user, in the same mock team and chats as the tabs on the
Playground's own port, so two agents can pass a case between them.

Everything else (pages, XHR, the websocket that pushes new messages) is passed
through as it is: the client builds every URL from ``window.location.origin``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

CONFIG_PATH = "/_internal/v1/config"
SESSION = web.AppKey("session", aiohttp.ClientSession)
# Hop-by-hop headers, and those aiohttp sets again for the body it sends.
_DROPPED = frozenset(
    {"host", "connection", "keep-alive", "transfer-encoding", "upgrade", "content-length",
     "content-encoding", "te", "trailer", "proxy-authorization", "proxy-authenticate"}
)  # fmt: skip


def config_as(body: dict[str, Any], user: str) -> dict[str, Any]:
    """The Playground's configuration answer with ``user`` (an id, or a first name) as current user.

    The one it replaces takes that user's place in the user list and in every
    chat's and team's member list, so that both are still known to the client.
    """
    config = body["config"]
    me = config["currentUser"]
    wanted = user.casefold()
    found = [
        u for u in config["users"] if wanted in (u["id"].casefold(), u["givenName"].casefold())
    ]
    if not found:
        known = ", ".join(f"{u['givenName']} ({u['id']})" for u in config["users"])
        raise LookupError(f"no mock user {user!r} in the Playground; it has {known}")
    other = found[0]
    config["currentUser"] = other
    config["users"] = [me if u is other else u for u in config["users"]]
    for group in config["groupChats"] + config["teams"]:
        group["members"] = [me["id"] if m == other["id"] else m for m in group["members"]]
    return body


def _headers(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in _DROPPED}


def make_app(playground: str, user: str) -> web.Application:
    target = playground.rstrip("/")

    async def forward(request: web.Request) -> web.StreamResponse:
        session = request.app[SESSION]
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await _websocket(request, session, target)
        async with session.request(
            request.method,
            target + request.rel_url.raw_path_qs,
            headers=_headers(request.headers),
            data=await request.read(),
            allow_redirects=False,
        ) as upstream:
            body = await upstream.read()
            if request.path == CONFIG_PATH and upstream.status == 200:
                try:
                    body = json.dumps(config_as(json.loads(body), user)).encode()
                except LookupError as error:
                    print(error, file=sys.stderr, flush=True)
                    return web.Response(status=404, text=str(error))
            return web.Response(
                status=upstream.status, body=body, headers=_headers(upstream.headers)
            )

    async def session_context(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(auto_decompress=True) as session:
            app[SESSION] = session
            yield

    app = web.Application(client_max_size=64 * 1024**2)
    app.cleanup_ctx.append(session_context)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


async def _websocket(
    request: web.Request, session: aiohttp.ClientSession, target: str
) -> web.WebSocketResponse:
    browser = web.WebSocketResponse()
    await browser.prepare(request)
    url = "ws" + target.removeprefix("http") + request.rel_url.raw_path_qs
    async with session.ws_connect(url) as playground:

        async def pump(source: Any, sink: Any) -> None:
            async for message in source:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await sink.send_str(message.data)
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await sink.send_bytes(message.data)
                else:
                    break

        pumps = [
            asyncio.ensure_future(pump(browser, playground)),
            asyncio.ensure_future(pump(playground, browser)),
        ]
        # Either side closing ends both.
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        for task in pumps:
            task.cancel()
    await browser.close()
    return browser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="megan", help="a mock user's first name or id")
    parser.add_argument("--port", type=int, default=56151, help="where this tab's page is served")
    parser.add_argument(
        "--playground", default="http://localhost:56150", help="the running Playground"
    )
    args = parser.parse_args(argv)
    print(
        f"Open http://localhost:{args.port} to act as {args.user} "
        f"in the Playground at {args.playground}",
        flush=True,
    )
    # "localhost", as the Playground prints its own address: a browser may try ::1 first.
    web.run_app(make_app(args.playground, args.user), host="localhost", port=args.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

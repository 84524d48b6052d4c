"""A fake Bot Connector (the Teams side of the Bot Framework REST API) on loopback.

It answers the calls the bot makes as the real service does (paths, bodies,
status codes) and keeps every message the way a channel shows it: each post
with its latest content, so a test can look at the channel as an agent would.
Faults can be injected per call, to test retries.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Post:
    conversation_id: str
    activity_id: str
    activity: dict[str, Any]
    reply_to: str | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    @property
    def card(self) -> dict[str, Any]:
        (card,) = self.cards
        return card

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int


class FakeConnector:
    """``await connector.start()``; use ``connector.url`` as the activities' serviceUrl."""

    def __init__(self) -> None:
        self.posts: dict[str, Post] = {}
        self.calls: list[Call] = []
        self._ids = itertools.count(1_700_000_000_001)
        self._faults: deque[tuple[int, dict[str, str]]] = deque()
        self.faults_served = 0
        self._runner: web.AppRunner | None = None
        self.url = ""
        # Team rosters: team conversation id -> {user id: account}. Empty by
        # default, so a test must say who is in the team (the stricter choice).
        self.rosters: dict[str, dict[str, dict[str, Any]]] = {}
        self._member_faults: deque[tuple[int, str]] = deque()
        # When set, every call must carry "Authorization: Bearer <this>", as the
        # real service requires of an authenticated bot ("Bot to Connector":
        # https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
        self.required_token: str | None = None
        self.unauthorized_calls = 0
        # The (host, port) each call came from: one per TCP connection the bot opened.
        self.connections: set[tuple[str, int]] = set()

    # -- lifecycle -------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(middlewares=[self._authorize])
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_delete("/v3/conversations/{cid}/activities/{aid}", self._delete)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # -- fault injection -------------------------------------------------
    def fail_next(self, status: int, *, retry_after: int | None = None, times: int = 1) -> None:
        """The next ``times`` calls answer ``status``, carried out not at all.

        Teams answers a bot over its rate limits 429 (with Retry-After), and
        asks for retries of 412, 502 and 504 as well
        (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit);
        the Bot Connector's own list of answers has 503 "the service is
        unavailable" (learn.microsoft.com/azure/bot-service/rest-api/
        bot-framework-rest-connector-api-reference#http-status-codes). Its
        error body is the ErrorResponse object ``{"error": {"code", "message"}}``.
        """
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        for _ in range(times):
            self._faults.append((status, headers))

    def heal(self) -> None:
        """The storm is over: faults not yet served are dropped."""
        self._faults.clear()

    # -- the team's roster ---------------------------------------------------
    def add_member(self, team_id: str, account: dict[str, Any]) -> None:
        self.rosters.setdefault(team_id, {})[account["id"]] = account

    def remove_member(self, team_id: str, user_id: str) -> None:
        self.rosters.get(team_id, {}).pop(user_id, None)

    def fail_member_lookups(
        self, times: int, status: int = 503, code: str = "ServiceError"
    ) -> None:
        """The next ``times`` roster look-ups answer ``status`` with ``code``."""
        self._member_faults.extend([(status, code)] * times)

    def heal_member_lookups(self) -> None:
        self._member_faults.clear()

    def member_lookups(self) -> list[Call]:
        return [c for c in self.calls if c.method == "GET" and "/members/" in c.path]

    # -- what the channel shows -------------------------------------------
    def in_conversation(self, conversation_id: str) -> list[Post]:
        root = conversation_id.split(";", maxsplit=1)[0]
        return [p for p in self.posts.values() if p.conversation_id.split(";")[0] == root]

    def top_level_posts(self) -> list[Post]:
        """New threads in a Teams channel (channel ids start with "19:")."""
        return [
            p
            for p in self.posts.values()
            if p.conversation_id.startswith("19:") and ";messageid=" not in p.conversation_id
        ]

    def last(self) -> Post:
        return list(self.posts.values())[-1]

    def all_text(self) -> str:
        """Everything the channel shows now, as one string (for "no customer data" checks)."""
        import json

        return json.dumps([p.activity for p in self.posts.values()], ensure_ascii=False)

    # -- handlers --------------------------------------------------------
    @web.middleware
    async def _authorize(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.transport is not None:
            self.connections.add(request.transport.get_extra_info("peername")[:2])
        expected = self.required_token
        if expected is not None and request.headers.get("Authorization") != f"Bearer {expected}":
            self.unauthorized_calls += 1
            return _error(401, "Unauthorized", "Authorization has been denied for this request.")
        return await handler(request)

    async def _fault(self, request: web.Request) -> web.Response | None:
        if not self._faults:
            return None
        status, headers = self._faults.popleft()
        self.faults_served += 1
        self.calls.append(Call(request.method, request.path, None, status))
        body = {
            "error": {
                "code": "ServiceError" if status >= 500 else "TooManyRequests",
                "message": "Injected fault",
            }
        }
        return web.json_response(body, status=status, headers=headers)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        if fault := await self._fault(request):
            return fault
        params = await request.json()
        self.calls.append(Call("POST", request.path, params, 201))
        channel = ((params.get("channelData") or {}).get("channel") or {}).get("id")
        if not channel or not params.get("isGroup"):
            return _error(400, "BadArgument", "Channel id and isGroup are required")
        activity_id = str(next(self._ids))
        conversation_id = channel
        self._store(conversation_id, activity_id, params["activity"])
        return web.json_response(
            {"id": f"{channel};messageid={activity_id}", "activityId": activity_id}, status=201
        )

    async def _send(self, request: web.Request) -> web.Response:
        if fault := await self._fault(request):
            return fault
        activity = await request.json()
        if refused := self._refuse_mentions(request, activity):
            return refused
        self.calls.append(Call("POST", request.path, activity, 201))
        activity_id = str(next(self._ids))
        self._store(request.match_info["cid"], activity_id, activity)
        return web.json_response({"id": activity_id}, status=201)

    async def _reply(self, request: web.Request) -> web.Response:
        if fault := await self._fault(request):
            return fault
        activity = await request.json()
        if refused := self._refuse_mentions(request, activity):
            return refused
        self.calls.append(Call("POST", request.path, activity, 201))
        activity_id = str(next(self._ids))
        self._store(request.match_info["cid"], activity_id, activity, request.match_info["aid"])
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        if fault := await self._fault(request):
            return fault
        activity = await request.json()
        aid = request.match_info["aid"]
        post = self.posts.get(aid)
        if post is None:
            self.calls.append(Call("PUT", request.path, activity, 404))
            return _error(404, "ActivityNotFound", "The activity was not found")
        self.calls.append(Call("PUT", request.path, activity, 200))
        post.versions.append(post.activity)
        post.activity = activity
        return web.json_response({"id": aid}, status=200)

    async def _member(self, request: web.Request) -> web.Response:
        """GET /v3/conversations/{teamId}/members/{userId}: "Get single member details"
        (learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context).

        The user may be named by their Teams id or their AAD object id, as the doc
        says. A user not in the team: 404 ``MemberNotFoundInConversation``, the code
        Microsoft's Teams samples (BotBuilder-Samples 57.teams-conversation-bot)
        test for and what the Agents Playground's connector answers. A team the
        bot is not in: 403 ``BotNotInConversationRoster``
        (MicrosoftDocs/msteams-docs#1428).
        """
        if fault := await self._fault(request):
            return fault
        cid, mid = request.match_info["cid"], request.match_info["mid"]
        if self._member_faults:
            status, code = self._member_faults.popleft()
            self.calls.append(Call("GET", request.path, None, status))
            return _error(status, code, "Injected fault")
        roster = self.rosters.get(cid)
        if roster is None:
            self.calls.append(Call("GET", request.path, None, 403))
            return _error(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        account = roster.get(mid) or next(
            (a for a in roster.values() if a.get("aadObjectId") == mid), None
        )
        if account is None:
            self.calls.append(Call("GET", request.path, None, 404))
            return _error(404, "MemberNotFoundInConversation", "Member not found in conversation")
        self.calls.append(Call("GET", request.path, None, 200))
        return web.json_response(account, status=200)

    async def _delete(self, request: web.Request) -> web.Response:
        aid = request.match_info["aid"]
        self.calls.append(Call("DELETE", request.path, None, 200))
        self.posts.pop(aid, None)
        return web.Response(status=200)

    def _refuse_mentions(self, request: web.Request, activity: dict) -> web.Response | None:
        """A mention Teams could not show: 400, nothing posted.

        A bot's mention is "<at>name</at>" in the text plus a ``mention`` entity with
        that same text and the user's id: a Teams user id or a Microsoft Entra object
        id ("Add mentions to your messages", learn.microsoft.com/microsoftteams/platform/
        bots/how-to/conversations/channel-and-group-conversations#add-mentions-to-your-messages).
        The docs do not say what Teams does with an entity whose text is not in the
        message, or that names nobody; this fake takes the stricter choice and refuses it.
        """
        text = activity.get("text") or ""
        for entity in activity.get("entities") or []:
            if entity.get("type") != "mention":
                continue
            mentioned = entity.get("mentioned") or {}
            if not mentioned.get("id") or not entity.get("text") or entity["text"] not in text:
                self.calls.append(Call("POST", request.path, activity, 400))
                return _error(400, "BadArgument", "Mention entity does not match the text")
        return None

    def _store(self, cid: str, aid: str, activity: dict, reply_to: str | None = None) -> None:
        self.posts[aid] = Post(cid, aid, activity, reply_to)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)

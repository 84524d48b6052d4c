"""``POST /api/messages``: every request answered for what it is.

The endpoint faces the internet, so each request passes these steps, in this
order, and is refused at the first it fails:

====  =====================================================================
403   without an App ID: the request must come from loopback, to a loopback
      Host (a web page that points a name at 127.0.0.1 must not reach it)
415   the body is ``application/json``, exactly: a browser sends
      ``text/plain`` without asking first (no CORS preflight)
401   with an App ID: the bearer token (``bot.bearer``), before the body is read
413   the body is at most 1 MiB (aiohttp's ``client_max_size``)
400   the body is a JSON object and an activity (``bot.envelope``), and an
      invoke is a card's Action.Execute (the only one the bot offers)
403   its ``serviceUrl`` is one the bot may call (``bot.reach``)
401   the token was issued for this activity's ``serviceUrl`` and channel
====  =====================================================================

Then botbuilder's adapter runs the turn, with the identity already proven
(``process_activity`` takes an ``AuthenticateRequestResult`` in place of the
header). A wrong method gets aiohttp's 405.

A client's mistake is logged as one line, ``request refused``, with the
status, a reason code and the correlation id, and no traceback: tracebacks
are for the bot's own faults. ``refusals`` is the middleware that writes it,
for this route and for aiohttp's own 4xx (405, 413).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import AuthenticateRequestResult, AuthenticationConstants

from .bearer import BearerCheck, Unauthorized, VerifiedToken
from .envelope import ADAPTIVE_CARD_ACTION, BadRequest, parse_activity, parse_body
from .logs import log_context, new_id
from .reach import GuardedAuthentication, ReachPolicy, is_loopback
from .signing_keys import KeysUnavailable

log = logging.getLogger(__name__)

MESSAGES = "/api/messages"


class Refused(Exception):
    """A request the bot answers with a 4xx: the client's mistake, not the bot's fault."""

    log_safe = True

    def __init__(self, status: int, reason: str, **detail: object) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail


class MessagesEndpoint:
    def __init__(
        self,
        adapter: CloudAdapter,
        auth: GuardedAuthentication,
        bot: Bot,
        *,
        bearer: BearerCheck | None,
    ) -> None:
        self._adapter = adapter
        self._auth = auth
        self._bot = bot
        self._bearer = bearer  # None: no App ID, nobody's token is checked

    @property
    def _policy(self) -> ReachPolicy:
        return self._auth.policy

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self._check_origin(request)
        if request.content_type != "application/json":
            raise Refused(415, "content_type")
        token = await self._verify(request.headers.get("Authorization"))
        try:
            activity = parse_activity(parse_body(await request.read()))
        except BadRequest as bad:
            raise Refused(400, bad.reason, fields=",".join(bad.fields)) from None
        if activity.type == "invoke" and activity.name != ADAPTIVE_CARD_ACTION:
            # The manifest offers no other invoke (no sign-in, no message extension).
            raise Refused(400, "invoke_not_supported")
        if (reason := self._policy.refusal(activity.service_url)) is not None:
            raise Refused(403, f"service_url_{reason}")
        if token is not None and (reason := token.refusal(activity)) is not None:
            raise Refused(401, reason)
        response = await self._adapter.process_activity(
            self._authenticated(token) if token is not None else "", activity, self._bot.on_turn
        )
        if response is None:
            return web.Response(status=201)
        return web.json_response(serializer_helper(response.body), status=response.status)

    def _check_origin(self, request: web.Request) -> None:
        if self._bearer is not None:
            return
        if not is_loopback(request.remote):
            raise Refused(403, "not_loopback")
        try:
            host = urlsplit(f"//{request.host}").hostname
        except ValueError:  # "[::1", a bad port: not a Host a browser sends to loopback
            host = None
        if not is_loopback(host):
            raise Refused(403, "host_not_loopback")

    async def _verify(self, header: str | None) -> VerifiedToken | None:
        if self._bearer is None:
            return None
        try:
            return await self._bearer.verify(header)
        except Unauthorized as unauthorized:
            raise Refused(401, unauthorized.reason) from None
        except KeysUnavailable:
            # Not the caller's mistake: the Bot Connector retries on 503.
            log.warning("signing keys unavailable: request answered 503")
            raise web.HTTPServiceUnavailable(headers={"Retry-After": "10"}) from None

    def _authenticated(self, token: VerifiedToken) -> AuthenticateRequestResult:
        identity = token.identity()
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = self._auth.create_connector_factory(identity)
        return result


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def refusals(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One correlation id per request; one log line, no traceback, per client mistake."""
    with log_context(correlation_id=new_id()):
        try:
            return await handler(request)
        except Refused as refused:
            _log_refusal(refused.status, refused.reason, refused.detail)
            headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else None
            return web.json_response(
                {"error": {"code": refused.reason}}, status=refused.status, headers=headers
            )
        except web.HTTPClientError as error:
            _log_refusal(error.status, _REASONS.get(error.status, "client_error"), {})
            raise


_REASONS = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def _log_refusal(status: int, reason: str, detail: dict[str, object]) -> None:
    extra = {"status": status, "reason": reason, **{k: v for k, v in detail.items() if v}}
    log.warning("request refused", extra=extra)

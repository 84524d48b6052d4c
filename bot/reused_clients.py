"""One Bot Connector client per service URL, kept across turns, instead of one per activity.

botbuilder 4.17.1's CloudAdapter asks its ``BotFrameworkAuthentication`` for a new
connector factory on every activity, and the factory builds a new
``ConnectorClient`` (with new credentials, a new msrest pipeline and a new
``requests`` session, so a new TCP connection to the Bot Connector) each time;
it also builds a ``UserTokenClient`` for every activity, which this bot never
uses (no sign-in). The .NET SDK keeps its credentials per app id ("Cache for
appCredentials to speed up token acquisition", botbuilder-dotnet
``libraries/Microsoft.Bot.Builder/UserTokenProvider.cs``), and Microsoft's own Teams
apps keep "at most one instance of a connector client per service url"
(``ConnectorClientFactory`` of OfficeDev's Teams app templates). ``ReusedClients``
wraps the authentication so that a client is built once per (app id, service URL,
audience) and then handed out again; 4.17.1 has no setting for it.

Safe to share: msrest's ``requests`` sender keeps one session per thread
(``RequestsHTTPSender.session`` is thread-local), the credentials refresh their
own token when it runs out (``AppCredentials.get_access_token``), and nothing in a
turn changes its client. The cache is small and bounded: the service URLs a bot
is called from are few (one per Teams region), and ``bot.reach`` refuses any
other before a client is asked for.
"""

from __future__ import annotations

from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from cachetools import LRUCache

from .wrapped_auth import WrappedAuthentication

_KEPT = 32


def app_id_of(claims_identity: ClaimsIdentity | None) -> str:
    """The bot's app id as botbuilder's connector factory takes it from the claims:
    the audience (a channel's token), else the appid claim (the emulator's)."""
    if claims_identity is None:
        return ""
    value = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if value is None:
        value = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return value or ""


class _ReusingFactory(ConnectorFactory):
    def __init__(
        self,
        inner: ConnectorFactory,
        app_id: str,
        kept: LRUCache[tuple[str, str, str], ConnectorClient],
    ) -> None:
        self._inner = inner
        self._app_id = app_id
        self._kept = kept

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        key = (self._app_id, service_url, audience or "")
        client = self._kept.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._kept[key] = client
        return client


class ReusedClients(WrappedAuthentication):
    """botbuilder's authentication, with its connector and user-token clients kept."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        super().__init__(inner)
        self._connectors: LRUCache[tuple[str, str, str], ConnectorClient] = LRUCache(_KEPT)
        self._token_clients: LRUCache[str, UserTokenClient] = LRUCache(_KEPT)

    def wrap(
        self, factory: ConnectorFactory, claims_identity: ClaimsIdentity | None
    ) -> ConnectorFactory:
        return _ReusingFactory(factory, app_id_of(claims_identity), self._connectors)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = app_id_of(claims_identity)
        client = self._token_clients.get(key)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client

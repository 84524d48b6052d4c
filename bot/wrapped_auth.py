"""botbuilder's authentication passed through, with each connector factory it hands out wrapped.

``BotFrameworkAuthentication`` hands out a connector factory in three places
(a request's result, a streaming request's result, and
``create_connector_factory``); a subclass that changes how connectors are built
(``bot.reach`` guards their URLs, ``bot.reused_clients`` keeps them) overrides
``wrap`` alone, and everything else goes to the wrapped authentication.
"""

from __future__ import annotations

from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient


class WrappedAuthentication(BotFrameworkAuthentication):
    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner

    def wrap(
        self, factory: ConnectorFactory, claims_identity: ClaimsIdentity | None
    ) -> ConnectorFactory:
        """The factory to hand out instead of ``factory``; as it is by default."""
        return factory

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        return self._wrapped(await self._inner.authenticate_request(activity, auth_header))

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_streaming_request(auth_header, channel_id_header)
        return self._wrapped(result)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.wrap(self._inner.create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    def _wrapped(self, result: AuthenticateRequestResult) -> AuthenticateRequestResult:
        # botbuilder annotates connector_factory as a ConnectorFactory, yet its
        # __init__ sets it to None: only a factory there is wrapped.
        if result.connector_factory is not None:
            result.connector_factory = self.wrap(result.connector_factory, result.claims_identity)
        return result

"""The Bot Framework's token issuer, on loopback: OpenID metadata, signing keys, tokens.

As Microsoft documents it in "Authenticate requests from the Bot Connector
service to your bot"
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#connector-to-bot):

- the OpenID metadata document names ``issuer`` https://api.botframework.com
  and a ``jwks_uri``;
- the key set lists RSA keys by ``kid``, each with the channel ids it may sign
  for in ``endorsements``;
- a token is an RS256 JWT with ``iss``, ``aud`` (the bot's App ID), ``exp``,
  ``nbf`` and ``serviceurl``.

``hold_keys`` makes the key endpoint wait until ``release_keys``: a slow
endpoint, without any sleep.

``StaticCredentials`` stands in for the bot's own AAD token on outgoing calls
(MSAL will not talk to a plain-HTTP authority); the fake Bot Connector can
then insist on exactly that token.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import jwt
from aiohttp import web
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
APP_ID = "11111111-2222-3333-4444-555555555555"
BOT_TOKEN = "bot-outgoing-token"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeIssuer:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[rsa.RSAPrivateKey, list[str]]] = {
            "key-1": (new_key(), ["msteams"])
        }
        self.metadata_requests = 0
        self.key_requests = 0
        self.key_request_seen = asyncio.Event()
        self._held: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]

    async def stop(self) -> None:
        self.release_keys()
        if self._runner is not None:
            await self._runner.cleanup()

    def rotate(self, kid: str, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.keys[kid] = (new_key(), list(endorsements))

    def hold_keys(self) -> None:
        self._held = asyncio.Event()
        self.key_request_seen.clear()

    def release_keys(self) -> None:
        if self._held is not None:
            self._held.set()

    def token(
        self, service_url: str, *, kid: str = "key-1", lifetime: int = 3600, **claims: Any
    ) -> str:
        now = int(time.time())
        payload = {
            "serviceurl": service_url, "iss": ISSUER, "aud": APP_ID,
            "nbf": now - 10, "exp": now + lifetime, **claims,
        }  # fmt: skip
        return jwt.encode(payload, self.keys[kid][0], algorithm="RS256", headers={"kid": kid})

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/.well-known/keys",
             "id_token_signing_alg_values_supported": ["RS256"]}
        )  # fmt: skip

    async def _keys(self, _request: web.Request) -> web.Response:
        self.key_requests += 1
        self.key_request_seen.set()
        if self._held is not None:
            await self._held.wait()
        keys = []
        for kid, (private, endorsements) in self.keys.items():
            public = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
            keys.append({**public, "kid": kid, "use": "sig", "endorsements": endorsements})
        return web.json_response({"keys": keys})


class StaticCredentials(AppCredentials):
    def __init__(self, app_id: str) -> None:
        super().__init__(app_id=app_id)

    def get_access_token(self, force_refresh: bool = False) -> str:
        return BOT_TOKEN


class StaticCredentialsFactory(ServiceClientCredentialsFactory):
    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        return StaticCredentials(app_id)

"""The Bot Connector's token-signing keys, fetched off the event loop and cached.

The keys come from the OpenID metadata document the Bot Framework publishes
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication,
"Connector to Bot", steps 2 and 3): the document names a ``jwks_uri``, which
lists the keys, each with the channels it may sign for (``endorsements``).

botbuilder 4.17.1 fetches them with a synchronous ``requests.get`` and no
timeout, inside the event loop: while the key endpoint is slow, every request
waits, not only those that need a key. Here:

- the fetch is aiohttp's, with one timeout for all of it (5 s), so nothing
  else waits on it;
- one fetch at a time: requests that need it share it (single flight);
- a known key is answered from the cache at once. Keys older than ``max_age``
  are still used while a refresh runs in the background, so only a token signed
  with a key the bot has not seen waits for the endpoint;
- an unknown ``kid`` refetches at most once per ``recheck`` seconds, so tokens
  with made-up ids cannot turn the bot into a key-endpoint hammer. That lets a
  forged token spend the refetch, so a set older than ``max_age`` (an hour) is
  always refetched: Microsoft publishes a key before it signs with it, so a
  new key is known here within the hour whatever a forger sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from jwt import PyJWK
from jwt.exceptions import PyJWKError

log = logging.getLogger(__name__)

BOT_FRAMEWORK_OPENID_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"


class KeysUnavailable(Exception):
    """No key set could be fetched, so no token can be checked: not the caller's fault."""

    log_safe = True


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: Any  # the public key object PyJWT verifies with
    endorsements: frozenset[str]


@dataclass(frozen=True)
class _KeySet:
    keys: Mapping[str, SigningKey]
    fetched_at: float


class SigningKeys:
    def __init__(
        self,
        metadata_url: str = BOT_FRAMEWORK_OPENID_METADATA,
        *,
        timeout: float = 5.0,
        max_age: float = 3600.0,
        recheck: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metadata_url = metadata_url
        self._timeout = timeout  # for the whole fetch: metadata and key set
        self._max_age = max_age
        self._recheck = recheck
        self._clock = clock
        self._set: _KeySet | None = None
        self._last_attempt = float("-inf")
        self._refresh: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def get(self, kid: str) -> SigningKey | None:
        """The key ``kid`` names, or None when the publisher does not list it.

        Raises ``KeysUnavailable`` when no key set has ever been fetched.
        """
        current = self._set
        if current is not None and kid in current.keys:
            if self._clock() - current.fetched_at > self._max_age:
                self._start_refresh()  # stale keys still verify while the new ones come
            return current.keys[kid]
        refreshing = self._refresh is not None and not self._refresh.done()
        stale = current is None or self._clock() - current.fetched_at > self._max_age
        if stale or refreshing or self._clock() - self._last_attempt >= self._recheck:
            await asyncio.shield(self._start_refresh())
        if self._set is None:
            raise KeysUnavailable("the signing keys could not be fetched")
        return self._set.keys.get(kid)

    async def close(self) -> None:
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresh
        if self._session is not None:
            await self._session.close()

    def _start_refresh(self) -> asyncio.Task[None]:
        if self._refresh is None or self._refresh.done():
            self._last_attempt = self._clock()
            self._refresh = asyncio.create_task(self._fetch(), name="signing-keys")
        return self._refresh

    async def _fetch(self) -> None:
        try:
            session = self._session_for_fetch()
            async with asyncio.timeout(self._timeout):
                metadata = await _json(session, self._metadata_url)
                jwks = await _json(session, str(metadata["jwks_uri"]))
            keys = _parse(jwks)
        except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError) as failed:
            # The cached set, if any, stays in use; the next unknown kid tries again.
            log.warning("signing keys not fetched: %s", type(failed).__name__)
            return
        self._set = _KeySet(keys, self._clock())
        log.info("signing keys fetched", extra={"keys": len(keys)})

    def _session_for_fetch(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session


async def _json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, allow_redirects=False) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


def _parse(jwks: Any) -> dict[str, SigningKey]:
    keys: dict[str, SigningKey] = {}
    for entry in jwks["keys"]:
        kid = entry.get("kid") if isinstance(entry, dict) else None
        if not isinstance(kid, str) or entry.get("kty") != "RSA":
            continue
        try:
            key = PyJWK(entry, algorithm="RS256").key
        except PyJWKError:
            continue  # one unreadable key must not hide the others
        endorsements = entry.get("endorsements") or []
        keys[kid] = SigningKey(kid, key, frozenset(e for e in endorsements if isinstance(e, str)))
    if not keys:
        raise ValueError("no usable signing key in the key set")
    return keys

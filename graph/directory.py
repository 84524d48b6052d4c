"""An agent's Elin signature as the organisation's directory (Entra ID) keeps it.

One request, ``GET /users/{id}?$select=<property>``, with the application
permission ``User.Read.All`` (https://learn.microsoft.com/en-us/graph/api/user-get).
The attribute may be a user property (``employeeId``, ``onPremisesSamAccountName``),
a property of a complex one (``onPremisesExtensionAttributes/extensionAttribute3``)
or a directory extension (``extension_<appid>_elinSignature``). ``$select`` takes
top-level properties only, so a nested attribute is selected by its parent.

The SDK hands a known property back on its typed model and anything else
(extensions) in ``additional_data``; both are read here. Answers are kept a
few minutes: a click must not cost a Graph round trip every time.
"""

from __future__ import annotations

import asyncio
import re
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.serialization import Parsable

from .client import TimedOut, make_graph_client
from .config import GraphConfig
from .deadline import Deadline
from .errors import GraphError

with warnings.catch_warnings():
    # The generated builders warn about their own deprecated configuration
    # classes as they are imported (``client.users`` imports its module on first
    # use); we use the generic RequestConfiguration.
    warnings.simplefilter("ignore", DeprecationWarning)
    import msgraph.generated.users.users_request_builder  # noqa: F401
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

TTL = 300.0  # seconds an answer is trusted; a change in the directory shows within this
_CACHE_LIMIT = 512
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class SignatureDirectory:
    """Reads one attribute of a user from Microsoft Graph, with a short memory."""

    def __init__(
        self,
        config: GraphConfig,
        attribute: str,
        credential: AsyncTokenCredential,
        *,
        http_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = TTL,
        owns_credential: bool = False,
    ) -> None:
        self.path = [part.strip() for part in attribute.split("/") if part.strip()]
        if not self.path:
            raise ValueError("the directory attribute is empty")
        self._deadline = config.deadline
        self._credential = credential if owns_credential else None
        self._http = http_client or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0))
        self._owns_http = http_client is None
        self._client = make_graph_client(config, credential, http_client=self._http)
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[str, tuple[float, str | None]] = {}
        self.requests_sent = 0

    @classmethod
    def create(cls, config: GraphConfig, attribute: str) -> SignatureDirectory:
        from .credentials import make_credential

        return cls(config, attribute, make_credential(config), owns_credential=True)

    @property
    def attribute(self) -> str:
        return "/".join(self.path)

    async def value_of(self, aad_object_id: str, *, fresh: bool = False) -> str | None:
        """The attribute's text for the user; ``None`` when the user or the value is missing.

        Raises ``GraphError`` or ``TimedOut`` when Graph could not say; those
        are not remembered, so the next click asks again.
        """
        if not fresh:
            kept = self._cache.get(aad_object_id)
            if kept is not None and kept[0] > self._clock():
                return kept[1]
        value = await self._read(aad_object_id)
        self._remember(aad_object_id, value)
        return value

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()
        if self._credential is not None:
            await self._credential.close()

    async def _read(self, aad_object_id: str) -> str | None:
        select = [self.path[0]]
        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=select)
        remaining = Deadline(self._deadline).remaining()  # capped by the click's budget
        if remaining <= 0:
            raise TimedOut("user")
        self.requests_sent += 1
        try:
            async with asyncio.timeout(remaining):
                user = await self._client.users.by_user_id(aad_object_id).get(
                    request_configuration=RequestConfiguration(query_parameters=query)
                )
        except TimeoutError:
            raise TimedOut("user") from None
        except ODataError as refused:
            error = GraphError(refused.response_status_code or 0, _codes(refused), None, "user")
            if error.not_found:
                return None
            raise error from None
        except httpx.HTTPError as failed:
            raise GraphError(0, ("networkError",), None, "user") from failed
        return _text(_dig(user, self.path))

    def _remember(self, aad_object_id: str, value: str | None) -> None:
        now = self._clock()
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
        self._cache[aad_object_id] = (now + self._ttl, value)


def _codes(refused: ODataError) -> tuple[str, ...]:
    main = refused.error
    return (main.code,) if main is not None and main.code else ()


def _dig(node: Any, path: list[str]) -> Any:
    for name in path:
        if node is None:
            return None
        node = _property(node, name)
    return node


def _property(node: Any, name: str) -> Any:
    if isinstance(node, dict):
        if name in node:
            return node[name]
        # Graph's property names are case-insensitive in $select.
        return next((v for k, v in node.items() if k.casefold() == name.casefold()), None)
    if isinstance(node, Parsable):
        known = {key.casefold(): key for key in node.get_field_deserializers()}
        if name.casefold() in known:
            return getattr(node, _CAMEL.sub("_", known[name.casefold()]).lower(), None)
        return _property(getattr(node, "additional_data", None) or {}, name)
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value).strip() or None
    return None

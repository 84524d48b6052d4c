"""Where the bot may send: only to a Bot Connector it trusts.

Every outgoing Bot Framework call (a reply, a card redraw, a notice, a roster
look-up) goes to the ``serviceUrl`` an activity brought. Left unchecked, a
forged activity could send the bot's next post, with its bearer token, to any
address. So the bot calls only:

- with an App ID, the Bot Framework's own hosts (``STORA_SERVICE_URL_HOSTS``),
  over HTTPS. The default lists the public cloud's Teams and Bot Framework
  hosts; a loopback host may be added for tests, and then plain HTTP to it is
  allowed too;
- without one, loopback only: the Agents Playground or a test's fake connector.

``ReachPolicy.allows`` decides; ``GuardedAuthentication`` wraps botbuilder's
``BotFrameworkAuthentication`` so that every connector client, for turns and for
proactive posts alike, is built through the check.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)

from .wrapped_auth import WrappedAuthentication

# The hosts Teams and the Bot Framework send as serviceUrl in Azure's public
# cloud and Microsoft's government clouds:
# https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
# ("serviceUrl ... https://smba.trafficmanager.net/teams/" and the GCC/GCCH/DoD hosts)
# and https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
# ("*.botframework.com"). A leading "*." admits any subdomain.
BOT_FRAMEWORK_HOSTS = (
    "smba.trafficmanager.net",
    "*.botframework.com",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)


class ReachRefused(Exception):
    """A call to a serviceUrl the bot does not trust; never sent."""

    log_safe = True  # the message names the reason, not the address

    def __init__(self, reason: str) -> None:
        super().__init__(f"serviceUrl refused: {reason}")
        self.reason = reason


def is_loopback(host: str | None) -> bool:
    host = (host or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ReachPolicy:
    authenticated: bool
    hosts: tuple[str, ...] = BOT_FRAMEWORK_HOSTS

    @classmethod
    def of(cls, authenticated: bool, hosts: Iterable[str] = BOT_FRAMEWORK_HOSTS) -> ReachPolicy:
        return cls(authenticated, tuple(h.strip().lower() for h in hosts if h.strip()))

    def refusal(self, service_url: object) -> str | None:
        """Why the bot must not call ``service_url``, or None when it may."""
        if not isinstance(service_url, str) or not service_url:
            return "missing"
        try:
            parts = urlsplit(service_url)
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            return "malformed"
        if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
            return "malformed"
        if not self.authenticated:
            return None if is_loopback(host) else "not_loopback"
        if not any(_matches(host, allowed) for allowed in self.hosts):
            return "host_not_allowed"
        if parts.scheme != "https" and not is_loopback(host):
            return "not_https"
        return None

    def allows(self, service_url: object) -> bool:
        return self.refusal(service_url) is None

    def check(self, service_url: object) -> None:
        if (reason := self.refusal(service_url)) is not None:
            raise ReachRefused(reason)


def _matches(host: str, allowed: str) -> bool:
    if allowed.startswith("*."):
        return host.endswith(allowed[1:])
    return host == allowed


class _GuardedConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, policy: ReachPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        self._policy.check(service_url)
        return await self._inner.create(service_url, audience)


class GuardedAuthentication(WrappedAuthentication):
    """botbuilder's authentication, with every connector factory behind ``policy``."""

    def __init__(self, inner: BotFrameworkAuthentication, policy: ReachPolicy) -> None:
        super().__init__(inner)
        self.policy = policy

    def wrap(
        self, factory: ConnectorFactory, claims_identity: ClaimsIdentity | None
    ) -> ConnectorFactory:
        return _GuardedConnectorFactory(factory, self.policy)

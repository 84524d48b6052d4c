"""The Bot Connector's bearer token, checked before the body is read.

The rules are Microsoft's, "Authenticate requests from the Bot Connector
service to your bot"
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#connector-to-bot):

1. the header is ``Authorization: Bearer <JWT>``;
2. the token is signed with RS256 by a key the Bot Framework's OpenID
   metadata lists (``bot.signing_keys``);
3. ``iss`` is ``https://api.botframework.com``;
4. ``aud`` is the bot's App ID;
5. it is within its validity period, give or take five minutes of clock skew;
6. its ``serviceurl`` claim equals the activity's ``serviceUrl``, and the key
   endorses the activity's ``channelId``.

1–5 need only the header: ``BearerCheck.verify`` decides them before the body
is read, so a forged or missing token costs the bot no parsing at all. 6 needs
the activity: ``VerifiedToken.refusal`` decides it once the body is parsed.

botbuilder runs the same checks, but it reads the body first, and any token it
cannot decode (``alg: none``, garbage, an unknown ``kid``) escapes as an
exception and a 500. Only Bot Connector tokens are accepted here: no Emulator
or skill tokens, which this bot never receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from botbuilder.schema import Activity
from botframework.connector.auth import ClaimsIdentity

from .signing_keys import SigningKeys

ISSUER = "https://api.botframework.com"
ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 5 * 60


class Unauthorized(Exception):
    """The token does not prove the request comes from the Bot Connector for this bot."""

    log_safe = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    endorsements: frozenset[str]

    def identity(self) -> ClaimsIdentity:
        return ClaimsIdentity(self.claims, True)

    def refusal(self, activity: Activity) -> str | None:
        """Why the token does not cover this activity (step 6), or None."""
        if activity.channel_id not in self.endorsements:
            return "token_endorsement"
        if self.claims.get("serviceurl") != activity.service_url:
            return "token_service_url"
        return None


_DECODE_ERRORS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token_expired"),
    (jwt.ImmatureSignatureError, "token_not_yet_valid"),
    (jwt.InvalidAudienceError, "token_audience"),
    (jwt.InvalidIssuerError, "token_issuer"),
    (jwt.InvalidSignatureError, "token_signature"),
    (jwt.MissingRequiredClaimError, "token_claims"),
    (jwt.InvalidAlgorithmError, "token_algorithm"),
)


class BearerCheck:
    def __init__(self, app_id: str, keys: SigningKeys) -> None:
        self._app_id = app_id
        self._keys = keys

    async def verify(self, header: str | None) -> VerifiedToken:
        """Steps 1–5; raises ``Unauthorized`` with a reason code."""
        token = _bearer(header)
        try:
            head = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("token_malformed") from None
        if head.get("alg") != ALGORITHM:
            raise Unauthorized("token_algorithm")  # "none", HS256 with a public key, RS512 ...
        kid = head.get("kid")
        key = await self._keys.get(kid) if isinstance(kid, str) and kid else None
        if key is None:
            raise Unauthorized("token_key_unknown")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self._app_id,
                issuer=ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as invalid:
            raise Unauthorized(_reason(invalid)) from None
        return VerifiedToken(claims, key.endorsements)


def _bearer(header: str | None) -> str:
    if not header:
        raise Unauthorized("token_missing")
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token or " " in token:
        raise Unauthorized("token_scheme")
    return token


def _reason(error: jwt.PyJWTError) -> str:
    for kind, reason in _DECODE_ERRORS:
        if isinstance(error, kind):
            return reason
    return "token_invalid"

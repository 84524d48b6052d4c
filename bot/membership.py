"""Is this Teams user a member of the Backoffice team? Asked of the Bot Connector, cached.

The roster lives in Teams, so the bot asks the Bot Connector for one member of
the team's conversation, ``GET /v3/conversations/{teamId}/members/{userId}``
("Get single member details", learn.microsoft.com/microsoftteams/platform/bots/
how-to/get-teams-context). A user who is not in the team is answered with
``MemberNotFoundInConversation`` (the code Microsoft's own Teams samples test
for, and what the Agents Playground's connector answers, with HTTP 404).

The answer is cached per user so that a click costs no extra round trip: a
member for ``member_ttl`` seconds, a non-member for ``outsider_ttl`` seconds
(short, so that someone just added to the team gets in soon). A removed member
therefore keeps access for at most ``member_ttl`` seconds.

botbuilder's own ``TeamsInfo.get_team_member`` asks the *current* conversation
instead of the team it is given (4.17.1), which is wrong from a 1:1 chat, so
the connector client of the turn is called directly.
"""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import BotAdapter, TurnContext
from botframework.connector.aio import ConnectorClient
from botframework.connector.models import ErrorResponseException
from cachetools import TTLCache

log = logging.getLogger(__name__)

NOT_A_MEMBER_CODES = frozenset({"MemberNotFoundInConversation"})
_MAX_USERS = 10_000
# The connector client retries a 5xx with back-off of its own (msrest); a click
# has about 5 s in all, so the look-up gets at most this long.
LOOKUP_TIMEOUT = 2.0


class MembershipUnknown(Exception):
    """The Bot Connector could not say (an outage, a timeout): refuse, but don't remember."""


class TeamRoster:
    def __init__(
        self, *, member_ttl: float, outsider_ttl: float, timeout: float = LOOKUP_TIMEOUT
    ) -> None:
        self._timeout = timeout
        # (team, Teams user id) -> the member's AAD object id, as the roster has it.
        self._members: TTLCache[tuple[str, str], str] = TTLCache(_MAX_USERS, member_ttl)
        self._outsiders: TTLCache[tuple[str, str], bool] = TTLCache(_MAX_USERS, outsider_ttl)

    async def is_member(
        self, turn_context: TurnContext, team_id: str, user_id: str, aad_object_id: str
    ) -> bool:
        """Is ``user_id`` on the team's roster, as the account ``aad_object_id``?

        The bot acts as the activity's AAD object id (signatures are bound to
        it), so the roster must say the Teams id and that object id are one
        person: an activity naming a member's id with someone else's object id
        is not served.
        """
        key = (team_id, user_id)
        if key in self._outsiders:
            return False
        known = self._members.get(key)
        if known is None:
            known = await self._ask(turn_context, team_id, user_id)
            if known is None:
                self._outsiders[key] = True
                return False
            self._members[key] = known
        return not known or not aad_object_id or known == aad_object_id

    def forget(self) -> None:
        self._members.clear()
        self._outsiders.clear()

    async def _ask(self, turn_context: TurnContext, team_id: str, user_id: str) -> str | None:
        """The member's AAD object id ("" if the roster gives none); None: not a member."""
        client = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        if not isinstance(client, ConnectorClient):
            raise MembershipUnknown("no connector client in this turn")
        try:
            async with asyncio.timeout(self._timeout):
                member = await client.conversations.get_conversation_member(team_id, user_id)
        except ErrorResponseException as error:
            code = _code(error)
            if code in NOT_A_MEMBER_CODES:
                log.info("user is not a member of the team")
                return None
            # Any other refusal (BotNotInConversationRoster, ConversationNotFound,
            # a 401) says nothing about this person: refuse now with "try again",
            # remember nothing, and say it in the log, since it points at the set-up.
            log.warning("team roster refused the look-up: HTTP %s %s", _status(error), code)
            raise MembershipUnknown(f"HTTP {_status(error)}") from error
        except Exception as error:  # no answer at all: unknown, not "no"
            raise MembershipUnknown(type(error).__name__) from error
        extra = getattr(member, "additional_properties", None) or {}
        return getattr(member, "aad_object_id", None) or extra.get("objectId") or ""


def _status(error: ErrorResponseException) -> int | None:
    return getattr(error.response, "status_code", None)


def _code(error: ErrorResponseException) -> str | None:
    body = getattr(error, "error", None)
    return getattr(getattr(body, "error", None), "code", None)

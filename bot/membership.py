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
from botframework.connector.models import ErrorResponseException
from cachetools import TTLCache

log = logging.getLogger(__name__)

NOT_A_MEMBER_CODES = frozenset({"MemberNotFoundInConversation"})
# Statuses with which Teams says "no such member here" even without that code:
# a trial tenant answered 400, the documented answer and the Playground 404.
NOT_A_MEMBER_STATUSES = frozenset({400, 404})
_MAX_USERS = 10_000
# The connector client retries a 5xx with back-off of its own (msrest); a click
# has about 5 s in all, so the look-up gets at most this long.
LOOKUP_TIMEOUT = 2.0


class MembershipUnknown(Exception):
    """The Bot Connector could not say (an outage, a timeout): refuse, but don't remember."""


class TeamRoster:
    def __init__(self, *, member_ttl: float, outsider_ttl: float, timeout: float = LOOKUP_TIMEOUT) -> None:
        self._timeout = timeout
        self._members: TTLCache[tuple[str, str], bool] = TTLCache(_MAX_USERS, member_ttl)
        self._outsiders: TTLCache[tuple[str, str], bool] = TTLCache(_MAX_USERS, outsider_ttl)

    async def is_member(self, turn_context: TurnContext, team_id: str, user_id: str) -> bool:
        key = (team_id, user_id)
        if key in self._members:
            return True
        if key in self._outsiders:
            return False
        member = await self._ask(turn_context, team_id, user_id)
        (self._members if member else self._outsiders)[key] = True
        return member

    def forget(self) -> None:
        self._members.clear()
        self._outsiders.clear()

    async def _ask(self, turn_context: TurnContext, team_id: str, user_id: str) -> bool:
        client = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        if client is None:
            raise MembershipUnknown("no connector client in this turn")
        try:
            async with asyncio.timeout(self._timeout):
                await client.conversations.get_conversation_member(team_id, user_id)
        except ErrorResponseException as error:
            if _says_not_a_member(error):
                log.info("user is not a member of the team")
                return False
            raise MembershipUnknown(f"HTTP {_status(error)}") from error
        except Exception as error:  # noqa: BLE001 - no answer at all: unknown, not "no"
            raise MembershipUnknown(type(error).__name__) from error
        return True


def _status(error: ErrorResponseException) -> int | None:
    return getattr(error.response, "status_code", None)


def _says_not_a_member(error: ErrorResponseException) -> bool:
    body = getattr(error, "error", None)
    code = getattr(getattr(body, "error", None), "code", None)
    if code in NOT_A_MEMBER_CODES:
        return True
    # Any other code on a 4xx about this conversation (ConversationNotFound,
    # BotNotInConversationRoster, ...) is not a yes either; fail closed, and
    # say so in the log, since it points at the configuration.
    status = _status(error)
    if status in NOT_A_MEMBER_STATUSES or status == 403:
        log.warning("team roster refused the look-up: HTTP %s %s", status, code)
        return True
    return False

"""Who the bot answers: people of the configured tenant who are members of the served team.

Every activity passes here before anything else, whatever the conversation:
a channel post, a 1:1 or group chat, a card click (``refresh`` included). The
roster is asked with the user's Teams id, which the Bot Connector's member
look-up takes in every conversation.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from botbuilder.core import TurnContext

from .config import Settings
from .membership import MembershipUnknown, TeamRoster
from .team_channel import TeamChannelBook
from .teams import aad_object_id, user_mri, where

log = logging.getLogger(__name__)


class Refusal(StrEnum):
    """Why an activity is not served; the value is the text key the user is shown."""

    TENANT = "refused_tenant"
    TEAM = "refused_team"
    NOT_SET_UP = "refused_not_set_up"
    GROUP_CHAT = "refused_group_chat"
    NOT_A_MEMBER = "refused_not_member"
    UNKNOWN = "refused_unknown"


class Gate:
    def __init__(
        self, settings: Settings, team_channels: TeamChannelBook, roster: TeamRoster
    ) -> None:
        self._tenant = settings.allowed_tenant
        self._team_channels = team_channels
        self._roster = roster

    def tenant_refused(self, turn_context: TurnContext) -> bool:
        return bool(self._tenant) and where(turn_context.activity).tenant_id != self._tenant

    async def check(self, turn_context: TurnContext) -> Refusal | None:
        """None when the activity's sender may use the bot here; else why not."""
        if self.tenant_refused(turn_context):
            return Refusal.TENANT
        place = where(turn_context.activity)
        if place.conversation_type == "groupChat":
            # Anyone can be in a group chat: even case ids and signatures stay out.
            return Refusal.GROUP_CHAT
        # One read of the bound team per activity: it is asked on every click.
        team = await self._team_channels.served_team()
        if not self._team_channels.is_served(place, team):
            return Refusal.TEAM
        if not team:
            return Refusal.NOT_SET_UP
        user = user_mri(turn_context.activity)
        if not user:
            return Refusal.NOT_A_MEMBER
        try:
            member = await self._roster.is_member(
                turn_context, team, user, aad_object_id(turn_context.activity)
            )
        except MembershipUnknown as unknown:
            log.warning("team membership could not be checked: %s", unknown)
            return Refusal.UNKNOWN
        return None if member else Refusal.NOT_A_MEMBER

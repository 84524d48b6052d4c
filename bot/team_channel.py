"""The one team the bot serves, and the channel it posts to when an action does not come from it.

Teams tells a bot about its team only when it is installed there
(installationUpdate / conversationUpdate), and only once, so the installation
is kept in bot storage. Case cards registered from a 1:1 chat, and the stall
notices, go to that channel; the team's id is what membership is checked
against.

The team is ``STORA_TEAM_ID`` when it is set: an installation anywhere else is
refused. Without it (allowed only when asked for, or locally) the first team to
install the bot is bound, with a create-only write so that two installations
at once cannot both win, and every later team is refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import Storage, TurnContext
from botbuilder.schema import Activity, ConversationReference

from .storage import CREATE_ONLY, StorageConflict
from .teams import Where, where

log = logging.getLogger(__name__)

_KEY = "team-channel"


@dataclass(frozen=True)
class TeamChannel:
    channel_id: str
    service_url: str
    reference: ConversationReference
    team_id: str = ""  # the team's conversation id, "19:…@thread.tacv2"
    team_aad_group_id: str = ""


class TeamChannelBook:
    def __init__(self, storage: Storage, *, configured_team: str = "") -> None:
        self._storage = storage
        # A team's thread id ("19:…") or its AAD group id; empty: bind the first.
        self._configured = configured_team

    async def remember(self, activity: Activity) -> bool:
        """Keep the channel of an installation in the served team; False anywhere else."""
        place = where(activity)
        if not place.team_id:
            return False
        stored = await self._stored()
        bound = (stored or {}).get("team_id", "")
        if self._configured and not _is(place, self._configured):
            return False
        if bound:
            # Once bound, the team's id never changes: an installation naming
            # the configured group with another team id is not the same team.
            if place.team_id != bound:
                return False
            e_tag = "*"
        elif self._configured:
            e_tag = "*"
        else:
            # Nothing bound yet (or a record from before teams were kept): bind this one.
            e_tag = stored["e_tag"] if stored else CREATE_ONLY
        try:
            await self._storage.write({_KEY: {**_record(activity, place), "e_tag": e_tag}})
        except StorageConflict:
            # Another installation bound its team a moment earlier: is it ours?
            now = await self._stored()
            return bool(now and _is(place, now.get("team_id", "")))
        return True

    async def get(self) -> TeamChannel | None:
        found = await self._stored()
        if not found:
            return None
        return TeamChannel(
            channel_id=found["channel_id"],
            service_url=found["service_url"],
            reference=ConversationReference().deserialize(found["reference"]),
            team_id=found.get("team_id", ""),
            team_aad_group_id=found.get("team_aad_group_id", ""),
        )

    async def served_team(self) -> str:
        """The served team's conversation id for roster look-ups; "" when not known yet.

        A configured AAD group id can't be asked about: the Bot Connector knows a
        team by its thread id, learnt from the installation.
        """
        if self._configured.startswith("19:"):
            return self._configured
        found = await self._stored()
        if not found or not found.get("team_id"):
            return ""
        if self._configured and self._configured != found.get("team_aad_group_id"):
            return ""
        return found["team_id"]

    def is_served(self, place: Where, served_team: str) -> bool:
        """Is ``place`` (an activity's team) the served team, given ``served_team()``?

        A chat outside teams is not refused here.
        """
        if not place.team_id:
            return True
        return _is(place, self._configured or served_team)

    async def _stored(self) -> dict | None:
        return (await self._storage.read([_KEY])).get(_KEY)


def _is(place: Where, team: str) -> bool:
    return bool(team) and team in (place.team_id, place.team_aad_group_id)


def _record(activity: Activity, place: Where) -> dict:
    data = activity.channel_data or {}
    selected = ((data.get("settings") or {}).get("selectedChannel") or {}).get("id")
    # Where the bot was installed; a team's General channel has the team's id.
    channel_id = selected or place.channel_id or place.team_id
    reference = TurnContext.get_conversation_reference(activity)
    reference.conversation.id = channel_id
    reference.activity_id = None
    return {
        "channel_id": channel_id,
        "service_url": activity.service_url,
        "reference": reference.serialize(),
        "team_id": place.team_id,
        "team_aad_group_id": place.team_aad_group_id,
    }

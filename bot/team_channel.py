"""The Backoffice channel the bot posts to when an action does not come from it.

Teams tells a bot about its team only when it is installed there
(installationUpdate / conversationUpdate), and only once, so the reference is
kept in bot storage. Case cards registered from a 1:1 chat, and the stall
notices, go to this channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core import Storage, TurnContext
from botbuilder.schema import Activity, ConversationReference

from .teams import where

_KEY = "team-channel"


@dataclass(frozen=True)
class TeamChannel:
    channel_id: str
    service_url: str
    reference: ConversationReference


class TeamChannelBook:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def remember(self, activity: Activity) -> bool:
        """Keep the channel of a team activity; False when it is not from a team."""
        place = where(activity)
        if not place.team_id:
            return False
        data = activity.channel_data or {}
        selected = ((data.get("settings") or {}).get("selectedChannel") or {}).get("id")
        # Where the bot was installed; a team's General channel has the team's id.
        channel_id = selected or place.channel_id or place.team_id
        reference = TurnContext.get_conversation_reference(activity)
        reference.conversation.id = channel_id
        reference.activity_id = None
        await self._storage.write(
            {
                _KEY: {
                    "channel_id": channel_id,
                    "service_url": activity.service_url,
                    "reference": reference.serialize(),
                    "e_tag": "*",
                }
            }
        )
        return True

    async def get(self) -> TeamChannel | None:
        found = (await self._storage.read([_KEY])).get(_KEY)
        if not found:
            return None
        return TeamChannel(
            channel_id=found["channel_id"],
            service_url=found["service_url"],
            reference=ConversationReference().deserialize(found["reference"]),
        )

"""Teams-shaped activities, modelled on what the Agents Playground 0.2.28 sent a real bot
(installationUpdate, conversationUpdate, an @mention in a channel, an adaptiveCard/action
invoke; locale en-US, channel ids like ``team-id;messageid=…``): channelData with tenant, team
and channel, ``aadObjectId`` on the user, ``serviceUrl`` pointing at the connector.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

TENANT = "00000000-0000-0000-0000-0000000000001"
TEAM = "19:backoffice-team@thread.tacv2"
TEAM_GROUP = "00000000-0000-0000-0000-000000000031"
CHANNEL = "19:backoffice-general@thread.tacv2"
BOT = {"id": "28:00000000-0000-0000-0000-00000000000011", "name": "Stora ärenden"}

_message_ids = itertools.count(1795899463119)


@dataclass(frozen=True)
class Agent:
    name: str
    aad_object_id: str
    locale: str = "sv-SE"

    @property
    def mri(self) -> str:
        return f"29:{self.aad_object_id}"

    def account(self) -> dict[str, str]:
        return {"id": self.mri, "name": self.name, "aadObjectId": self.aad_object_id}


def _base(agent: Agent, service_url: str, conversation_id: str, kind: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "timestamp": "2026-11-23T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": agent.account(),
        "recipient": BOT,
        "conversation": {
            "isGroup": kind in ("channel", "groupChat"),
            "conversationType": kind,
            "tenantId": TENANT,
            "id": conversation_id,
        },
        "locale": agent.locale,
        "entities": [
            {"type": "clientInfo", "locale": agent.locale, "timezone": "Europe/Stockholm"}
        ],
        "channelData": {
            "tenant": {"id": TENANT},
            **(
                {
                    "teamsChannelId": CHANNEL,
                    "teamsTeamId": TEAM,
                    "team": {"id": TEAM, "aadGroupId": TEAM_GROUP},
                    "channel": {"id": CHANNEL},
                }
                if kind == "channel"
                else {}
            ),
        },
    }


def channel_post(agent: Agent, service_url: str, text: str) -> dict[str, Any]:
    """A new post in the channel that @mentions the bot, as Teams delivers it."""
    conversation_id = f"{CHANNEL};messageid={next(_message_ids)}"
    activity = _base(agent, service_url, conversation_id, "channel")
    mention = f"<at>{BOT['name']}</at>"
    activity.update(
        type="message",
        text=f"{mention} {text}",
        textFormat="plain",
        entities=[
            {"type": "mention", "mentioned": BOT, "text": mention},
            *activity["entities"],
        ],
    )
    return activity


def personal_message(agent: Agent, service_url: str, text: str) -> dict[str, Any]:
    activity = _base(agent, service_url, f"a:personal-{agent.aad_object_id}", "personal")
    activity.update(type="message", text=text, textFormat="plain")
    return activity


def group_message(agent: Agent, service_url: str, text: str) -> dict[str, Any]:
    """A message in a group chat (no team): Teams delivers it with an @mention too."""
    activity = _base(agent, service_url, "19:groupchat-4711@thread.v2", "groupChat")
    mention = f"<at>{BOT['name']}</at>"
    activity.update(
        type="message",
        text=f"{mention} {text}",
        textFormat="plain",
        entities=[{"type": "mention", "mentioned": BOT, "text": mention}, *activity["entities"]],
    )
    return activity


def installed_in_other_team(
    agent: Agent, service_url: str, team: str, group: str
) -> dict[str, Any]:
    """The installationUpdate of another team than the Backoffice team."""
    activity = installed_in_team(agent, service_url)
    activity["conversation"]["id"] = team
    activity["channelData"].update(
        teamsTeamId=team,
        teamsChannelId=team,
        team={"id": team, "aadGroupId": group},
        channel={"id": team},
        settings={"selectedChannel": {"id": team}},
    )
    return activity


def card_action(
    agent: Agent,
    service_url: str,
    *,
    conversation_id: str,
    reply_to: str,
    verb: str,
    data: dict[str, Any],
    kind: str = "channel",
) -> dict[str, Any]:
    """An ``Action.Execute`` click: Teams sends the inputs merged into ``data``."""
    activity = _base(agent, service_url, conversation_id, kind)
    activity["channelData"]["source"] = {"name": "message"}
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        replyToId=reply_to,
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
    )
    return activity


def installed_in_team(agent: Agent, service_url: str) -> dict[str, Any]:
    """The installationUpdate Teams sends when the bot is added to the team."""
    activity = _base(agent, service_url, TEAM, "channel")
    activity["channelData"]["settings"] = {"selectedChannel": {"id": CHANNEL}}
    activity.update(type="installationUpdate", action="add")
    return activity


def bot_added_to_team(agent: Agent, service_url: str) -> dict[str, Any]:
    """The conversationUpdate (teamMemberAdded) naming the bot itself."""
    activity = _base(agent, service_url, TEAM, "channel")
    del activity["channelData"]["channel"]
    del activity["channelData"]["teamsChannelId"]
    activity["channelData"]["eventType"] = "teamMemberAdded"
    activity.update(type="conversationUpdate", membersAdded=[{"id": BOT["id"]}])
    return activity

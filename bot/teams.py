"""Reading what Teams tells us in an activity: who, where, in which language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from botbuilder.schema import Activity

# Found one at a time, each closing tag searched once: the single pattern
# "<at>.*?</at>" rescans to the end of the text for every opening tag without a
# closing one, so 100 kB of "<at>" held the event loop, and every other click,
# for some 15 s.
_MENTION_OPEN = re.compile("<at>", re.IGNORECASE)
_MENTION_CLOSE = re.compile("</at>", re.IGNORECASE)


@dataclass(frozen=True)
class Where:
    tenant_id: str
    team_id: str  # channelData.team.id; "" outside a team
    team_aad_group_id: str
    channel_id: str  # channelData.channel.id; "" outside a channel
    conversation_type: str  # "channel", "personal", "groupChat"


def where(activity: Activity) -> Where:
    data = activity.channel_data or {}
    team = data.get("team") or {}
    channel = data.get("channel") or {}
    tenant = (data.get("tenant") or {}).get("id") or getattr(activity.conversation, "tenant_id", "")
    return Where(
        tenant_id=tenant or "",
        team_id=team.get("id") or data.get("teamsTeamId") or "",
        team_aad_group_id=team.get("aadGroupId") or "",
        channel_id=channel.get("id") or data.get("teamsChannelId") or "",
        conversation_type=getattr(activity.conversation, "conversation_type", "") or "",
    )


def aad_object_id(activity: Activity) -> str:
    return (activity.from_property and activity.from_property.aad_object_id) or ""


def display_name(activity: Activity) -> str:
    """The name Teams shows for the user (kept beside their signature for the admins)."""
    return ((activity.from_property and activity.from_property.name) or "").strip()


def user_mri(activity: Activity) -> str:
    """The user's id in the conversation (``29:…`` in Teams): what ``refresh.userIds`` takes."""
    return (activity.from_property and activity.from_property.id) or ""


def locale(activity: Activity) -> str:
    if activity.locale:
        return activity.locale
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        if entity.type == "clientInfo" and props.get("locale"):
            return props["locale"]
    return "sv-SE"


def command_text(activity: Activity) -> str:
    """The text the user typed, without the bot's @mention, trimmed and lower-cased."""
    return " ".join(without_mentions(activity.text or "").split()).lower()


def without_mentions(text: str) -> str:
    """Each ``<at>…</at>`` replaced by a space, as ``re.sub(r"<at>.*?</at>", " ", text,
    flags=re.I | re.S)`` would, in one pass over the text."""
    kept: list[str] = []
    position = 0
    while opening := _MENTION_OPEN.search(text, position):
        closing = _MENTION_CLOSE.search(text, opening.end())
        if closing is None:  # no later opening tag has a closing one either
            break
        kept += (text[position : opening.start()], " ")
        position = closing.end()
    kept.append(text[position:])
    return "".join(kept)

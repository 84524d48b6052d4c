"""A request body turned into an ``Activity``, or a reason it is not one.

What the bot relies on in every activity is checked here, once, before any
handler sees it: the shape of the envelope (``type``, ``serviceUrl``,
``channelId``, ``from``, ``conversation``, and ``channelData`` when present),
with strict types, so that a number where Teams sends a string is refused, not
coerced. The fields are the Bot Framework Activity schema's
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object);
``channelData``'s tenant and team are Teams' own
(https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages#teams-channel-data),
and a card click's ``value.action`` (a ``verb``, an object of ``data``) is
Universal Actions' (``ADAPTIVE_CARD_ACTION`` below).
Anything else is let through as it is: Teams adds fields over time.

The JSON itself is held to what a Bot Connector sends: an object, nested no
deeper than ``MAX_DEPTH``, with no NaN or Infinity, and text that is valid
Unicode (no lone surrogates, which cannot be written to a workbook or a log).
"""

from __future__ import annotations

import json
from typing import Any

from botbuilder.schema import Activity
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# A card's Action.Execute click: value.action holds the verb and the data,
# https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
# Teams' deepest real activities (a card action's data inside value.action)
# nest about ten levels; 64 is far beyond any of them.
MAX_DEPTH = 64


class BadRequest(Exception):
    log_safe = True

    def __init__(self, reason: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields  # paths of the wrong envelope fields, never their values


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _Account(_Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    aadObjectId: str | None = None


# Teams' ids are tens of characters, a personal chat's a few hundred; the bot
# puts them in the Bot Connector's URLs, which refuse a 100 kB one in a shape
# msrest cannot read. A longer one is no activity from Teams.
ID_MAX = 1024


class _Conversation(_Strict):
    id: str = Field(min_length=1, max_length=ID_MAX)
    tenantId: str | None = None
    conversationType: str | None = None


class _Ref(_Strict):
    id: str | None = None


class _Team(_Ref):
    aadGroupId: str | None = None


class _Settings(_Strict):
    selectedChannel: _Ref | None = None


class _ChannelData(_Strict):
    tenant: _Ref | None = None
    team: _Team | None = None
    channel: _Ref | None = None
    teamsTeamId: str | None = None
    teamsChannelId: str | None = None
    settings: _Settings | None = None  # an installation's selected channel
    eventType: str | None = None


class _Entity(_Strict):
    type: str | None = None
    locale: str | None = None  # a clientInfo entity's: the language when the activity has none


class _Envelope(_Strict):
    type: str = Field(min_length=1)
    id: str | None = Field(None, max_length=ID_MAX)
    serviceUrl: str = Field(min_length=1)
    channelId: str = Field(min_length=1)
    from_: _Account = Field(alias="from")
    recipient: _Account | None = None
    conversation: _Conversation
    channelData: _ChannelData | None = None
    text: str | None = None
    name: str | None = None
    locale: str | None = None
    action: str | None = None
    replyToId: str | None = Field(None, max_length=ID_MAX)
    entities: list[_Entity] | None = None
    membersAdded: list[_Account] | None = None
    membersRemoved: list[_Account] | None = None


class _Execute(_Strict):
    verb: str
    data: dict[str, Any] | None = None


class _CardAction(_Strict):
    action: _Execute


def parse_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; ``BadRequest`` with a reason code otherwise."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise BadRequest("body_not_utf8") from None
    except RecursionError:
        raise BadRequest("body_too_deep") from None
    except ValueError:
        raise BadRequest("body_not_json") from None
    if not isinstance(body, dict):
        raise BadRequest("body_not_object")
    _walk(body)
    return body


def parse_activity(body: dict[str, Any]) -> Activity:
    try:
        _Envelope.model_validate(body)
        if body.get("type") == "invoke" and body.get("name") == ADAPTIVE_CARD_ACTION:
            _CardAction.model_validate(body.get("value"))
    except ValidationError as invalid:
        fields = tuple(".".join(str(part) for part in e["loc"]) for e in invalid.errors())
        raise BadRequest("activity_invalid", fields[:5]) from None
    try:
        return Activity().deserialize(body)
    except Exception:  # noqa: BLE001 - msrest raises several kinds; all mean a bad field
        raise BadRequest("activity_invalid") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _walk(body: dict[str, Any]) -> None:
    """Depth and text checks, without recursion (the body is the attacker's)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("body_too_deep")
        if isinstance(node, dict):
            for key, value in node.items():
                _text(key)
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
        elif isinstance(node, str):
            _text(node)


def _text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("body_invalid_text") from None

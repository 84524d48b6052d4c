"""The fake Graph's mailboxes: drafts made and deleted as Microsoft documents it.

``POST /users/{id}/messages`` (https://learn.microsoft.com/graph/api/user-post-messages):
"Create a draft of a new message"; the draft lands in the Drafts folder and
the answer is ``201 Created`` with the message object: its ``id``,
``isDraft: true`` and ``webLink``, "the URL to open the message in Outlook on
the web" (https://learn.microsoft.com/graph/api/resources/message).
``DELETE /users/{id}/messages/{id}`` answers ``204 No Content``
(https://learn.microsoft.com/graph/api/message-delete).

A mailbox the app may not use, because Exchange's RBAC for Applications
(https://learn.microsoft.com/exchange/permissions-exo/application-rbac) or an
application access policy
(https://learn.microsoft.com/graph/auth-limit-mailbox-access) leaves it out of
the app's scope, answers ``403 ErrorAccessDenied``. The pages do not say
whether an address outside the scope that does not exist at all answers 403
or 404: the stricter choice, 403, so the bot cannot tell the two apart (and
``python -m bot check`` asks for a real mailbox outside the scope).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

MESSAGES = re.compile(r"^/users/(?P<user>[^/]+)/messages$")
MESSAGE = re.compile(r"^/users/(?P<user>[^/]+)/messages/(?P<message>[^/]+)$")
OWA = "https://outlook.office365.com/owa/?ItemID={id}&exvsurl=1&viewmodel=ReadMessageItem"


@dataclass
class Mailboxes:
    """Drafts by mailbox (lower-case address); ``scoped``: the mailboxes the app may use."""

    scoped: set[str] = field(default_factory=set)
    drafts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def allow(self, *addresses: str) -> None:
        for address in addresses:
            self.scoped.add(address.casefold())
            self.drafts.setdefault(address.casefold(), {})

    def all_drafts(self) -> list[dict[str, Any]]:
        return [draft for box in self.drafts.values() for draft in box.values()]

    @staticmethod
    def kind_of(method: str, path: str) -> str | None:
        if method == "POST" and MESSAGES.match(path):
            return "messages.post"
        if method == "DELETE" and MESSAGE.match(path):
            return "messages.delete"
        return None

    def handle(self, kind: str, path: str, body: Any) -> tuple[int, Any]:
        match = MESSAGES.match(path) or MESSAGE.match(path)
        assert match is not None
        mailbox = unquote(match["user"]).casefold()
        if mailbox not in self.scoped:
            return 403, _error(
                "ErrorAccessDenied",
                "Access is denied. Check credentials and try again.",
            )
        box = self.drafts.setdefault(mailbox, {})
        if kind == "messages.delete":
            message_id = unquote(match["message"])
            if box.pop(message_id, None) is None:
                return 404, _error(
                    "ErrorItemNotFound", "The specified object was not found in the store."
                )
            return 204, None
        if not isinstance(body, dict):
            return 400, _error("RequestBodyRead", "The request body is not a message.")
        message_id = "AAMkAG" + uuid.uuid4().hex
        draft = {
            "@odata.context": f"$metadata#users('{mailbox}')/messages/$entity",
            "id": message_id,
            "subject": body.get("subject") or "",
            "body": body.get("body") or {"contentType": "text", "content": ""},
            "toRecipients": body.get("toRecipients") or [],
            "ccRecipients": body.get("ccRecipients") or [],
            "bccRecipients": body.get("bccRecipients") or [],
            "isDraft": True,
            "webLink": OWA.format(id=quote(message_id, safe="")),
        }
        box[message_id] = draft
        return 201, draft


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "innerError": {
        "date": "2026-11-23T08:00:00", "request-id": str(uuid.uuid4()),
        "client-request-id": str(uuid.uuid4())}}}  # fmt: skip

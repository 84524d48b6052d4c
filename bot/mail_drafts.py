"""The close's draft in the team's mailbox (``STORA_MAILBOX``, docs/graph.md).

The close is stored and wiped before the draft is asked for; whatever
becomes of the draft, the agent gets the text to copy. Nothing of the e-mail
is logged or kept in bot state: the draft in the mailbox is its only copy,
and a failure is logged by its Graph status and codes alone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from cards import MailboxDraft

from .config import Settings

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential

log = logging.getLogger(__name__)

# The draft's subject. The routine's template has none; this one names no
# customer, so the mailbox's list of drafts shows nothing of the customer's.
SUBJECT = "Bekräftelse på genomförd ändring"


class Drafts(Protocol):
    mailbox: str

    async def create_draft(self, subject: str, text: str) -> object: ...

    async def aclose(self) -> None: ...


def make_drafts(
    settings: Settings, credential: AsyncTokenCredential | None = None
) -> Drafts | None:
    """The mailbox's drafts when ``STORA_MAILBOX`` is set, else ``None``."""
    mailbox = settings.mailbox.strip()
    if not mailbox:
        return None
    # Imported here: msgraph-sdk is heavy, and only the mailbox and Graph store need it.
    from graph.mail import DraftMailbox

    config = settings.graph_config()
    if credential is None:
        return DraftMailbox.create(config, mailbox)
    return DraftMailbox(config, mailbox, credential)


async def draft_in_mailbox(drafts: Drafts | None, text: str, case_id: str) -> MailboxDraft | None:
    """The draft made, or the plain fact that it was not; ``None`` without a mailbox."""
    if drafts is None:
        return None
    try:
        made = await drafts.create_draft(SUBJECT, text)
    except Exception as failed:  # noqa: BLE001 - the close stands; the agent copies the text
        # GraphError's text is its status and codes; anything else: its type only.
        summary = getattr(failed, "summary", None)
        why = summary() if callable(summary) else type(failed).__name__
        log.warning("mail draft not created", extra={"case_id": case_id, "error": why})
        from graph.mail import surely_not_made  # loaded already: the mailbox is Graph's

        return MailboxDraft(drafts.mailbox, maybe=not surely_not_made(failed))
    return MailboxDraft(drafts.mailbox, getattr(made, "web_link", "") or "")

"""Telling whoever had a case that a colleague took it over: a reply under the case card
that @mentions them, so that Teams notifies them.

A bot's message notifies a user it @mentions: its text holds ``<at>name</at>``
and its entities a ``mention`` with that same text and the user, named by
their Teams user id or their Microsoft Entra object id ("Add mentions to your
messages", https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations#add-mentions-to-your-messages;
the object id: MicrosoftDocs/msteams-docs, msteams-platform/includes/bots/user-mention.md).
The bot knows each agent's object id and Teams name by their signature
(``bot.identity``), so the previous handler is found from the workbook's
"Hanteras av". A signature nobody bound in the bot (written in Excel) gets no
mention, only its signature in the text.

The reply goes in the case card's thread, where the team follows the case,
through the redraw outbox like the "free to take" notice (``bot.redraws``).
Without a card there is no thread: while the card's first post is still to
come, the reply waits in the outbox and goes under it; with no card at all
(its post failed for good, or the bot's state was lost) the agent who took
over is asked to tell their colleague (``redraws.NO_THREAD``). A 1:1 chat
would reach the colleague too, but would need a conversation of its own per
agent, created and kept for retries, for what is a rare case.

The message holds names, signatures, the Ärende-ID and the time: never
customer data, nor the hand-over note.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, ChannelAccount, Mention

import cards
from cards import parts

from .posting import RetryPolicy

if TYPE_CHECKING:
    from .case_cards import CaseCards
    from .signature_source import SignatureSource

log = logging.getLogger(__name__)

# The text is Markdown, and "<at>" marks a mention: a name from Teams is shown
# without anything that could open a tag, an entity, a link or emphasis.
_MARKUP = frozenset("<>&[]*_`~\\")


@dataclass(frozen=True)
class Person:
    signature: str
    name: str = ""  # as Teams shows it; "" when the bot does not know it
    aad_object_id: str = ""

    def shown(self) -> str:
        """ "Bo Berg (xbo)", or the signature alone."""
        return f"{self.name} ({self.signature})" if self.name else self.signature


async def person(signatures: SignatureSource, signature: str) -> Person:
    """Who works under ``signature``, as far as the bot knows: never fails a click."""
    try:
        bindings = await signatures.bindings()
    except Exception as failure:  # noqa: BLE001 - the take-over goes on; the name is a nicety
        log.warning("signatures not read (%s)", type(failure).__name__)
        return Person(signature)
    for binding in bindings:
        if binding.signature == signature:
            return Person(signature, plain_name(binding.name), binding.aad_object_id)
    return Person(signature)


@dataclass(frozen=True)
class TakeOverNotice:
    """What the reply says, kept as it is in the outbox so that a retry says the same."""

    case_id: str
    previous: Person
    by: Person
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "previous": asdict(self.previous),
            "by": asdict(self.by),
            "at": self.at.isoformat(),
        }

    @classmethod
    def of(cls, stored: dict[str, Any]) -> TakeOverNotice:
        return cls(
            stored["case_id"],
            Person(**stored["previous"]),
            Person(**stored["by"]),
            datetime.fromisoformat(stored["at"]),
        )


def message(notice: TakeOverNotice, locale: str | None) -> Activity:
    """ "@Bo Berg (xbo): Anna Andersson (xanna) tog över SA-000001 från dig 2026-11-23 10:00." """
    previous = notice.previous
    # Without their Teams name (bound before names were kept) the signature stands in:
    # the mention's text is only what the message shows, the id is who Teams notifies.
    called = previous.name or previous.signature
    mention = f"<at>{called}</at>" if previous.aad_object_id else ""
    if not mention:
        who = previous.shown()  # a signature the bot never bound: named, nobody to notify
    elif previous.name:
        who = f"{mention} ({previous.signature})"
    else:
        who = mention
    text = cards.texts.t(
        "takeover_told",
        locale,
        who=who,
        actor=notice.by.shown(),
        case_id=notice.case_id,
        when=parts.when(notice.at),
    )
    activity = MessageFactory.text(text)
    if mention:
        mentioned = ChannelAccount(id=previous.aad_object_id, name=called)
        activity.entities = [Mention(mentioned=mentioned, text=mention, type="mention")]
    return activity


async def tell(
    case_cards: CaseCards, notice: TakeOverNotice, *, policy: RetryPolicy | None = None
) -> bool:
    """Post ``notice`` under the case's card, in the card's language. False: no card."""
    locale = await case_cards.locale_of(notice.case_id) or "sv-SE"
    return await case_cards.reply_in_thread(notice.case_id, message(notice, locale), policy=policy)


def plain_name(name: str) -> str:
    return " ".join("".join(c for c in name if c not in _MARKUP).split())

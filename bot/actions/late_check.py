"""After a click's write: the row is read back a few seconds later (``bot.late_edits``)."""

from __future__ import annotations

from botbuilder.core import TurnContext

from cases.model import Case

from ..late_edits import agent_of
from .routing import Turn


async def check_later(turn: Turn, before: Case | None, stored: Case) -> None:
    """Schedule the read-back of ``stored``'s row; nothing when the store needs none.

    The agent to tell is the one who clicked, where they clicked (the
    conversation's ids, never the card's contents).
    """
    checks = turn.services.late_edits
    if checks is None:
        return
    activity = turn.context.activity
    reference = TurnContext.get_conversation_reference(activity).serialize()
    await checks.after_write(
        before, stored, verb=turn.verb, agent=agent_of(activity, turn.locale), reference=reference
    )

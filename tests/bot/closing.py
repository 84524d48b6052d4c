"""Closing a case as an agent does it: "Fortsätt" on the close form, then "Ja" on the
confirmation that follows (issue 12: nothing is wiped before that second click)."""

from __future__ import annotations

from typing import Any

from tests.fakes.cardwalk import verbs
from tests.fakes.connector import Post
from tests.fakes.teams import Agent


async def close_case(
    office: Any, agent: Agent, post: Post, typed: dict[str, Any], *, card: dict[str, Any]
) -> dict[str, Any]:
    """The answer to "Ja, stäng och radera", after "Fortsätt" on the close form ``card``.

    ``office``: any office with ``click`` (tests.bot.conftest, tests.faults). Should
    "Fortsätt" not answer with the confirmation (bad input, a stale card), its
    answer is returned instead, as the agent would see it.
    """
    review = await office.click(agent, post, "close.review", typed, card=card)
    confirmation = review.get("value") if review.get("type", "").endswith("adaptive") else None
    if not confirmation or "close" not in verbs(confirmation):
        return review
    return await office.click(agent, post, "close", card=confirmation)

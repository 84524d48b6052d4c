"""Verbs of the queue card: the queue again for the clicker, and the search.

Påbörja, Ta över and Visa uppgifter on the queue are the case verbs
(case_verbs.py), whose data says the click came from the queue: they answer
with the case card and the way back (cards/search.py).

The search answers the searcher alone, as an invoke's answer: it holds the
customer's numbers. What was typed is neither logged nor posted, and it is
shown back only in the searcher's own field.
"""

from __future__ import annotations

from typing import Any

import cards
from cases import search as finding
from cases.search import BadQuery

from ..queue_view import OPEN, draw_queue, queue_json, workbook_url
from .routing import Turn, verb

Json = dict[str, Any]


def _view(turn: Turn) -> str:
    """The view the click came from; "mine" needs a signature to know whose."""
    view = turn.field("view")
    if view == cards.MINE_VIEW and turn.signature:
        return view
    return cards.QUEUE_VIEW


@verb(cards.QUEUE_VERB, needs_signature=False)  # Teams' refresh, and "Tillbaka till kön"
async def show_queue(turn: Turn) -> Json:
    return await queue_json(
        turn.services,
        view=_view(turn),
        viewer=turn.signature,
        mri=turn.mri,
        locale=turn.locale,
        names=turn.names,
    )


@verb(cards.SEARCH_VERB, needs_signature=False)
async def search(turn: Turn) -> Json:
    """One case: its card with the details. Several: a list. None: the queue, query kept."""
    view, typed = _view(turn), turn.field(cards.QUERY_ID)
    try:
        query = finding.parse(typed)
    except BadQuery as bad:
        return await _queue_again(turn, view, typed, error=bad.text(turn.locale))
    hits = finding.find(await turn.services.ledger.list(OPEN), query)
    if not hits:
        notice = cards.texts.t("search_none", turn.locale)
        return await _queue_again(turn, view, typed, notice=notice)
    refresh_user_ids = [turn.mri] if turn.mri else []
    if len(hits) == 1:
        card = cards.queue_case_view(
            hits[0], view=view, viewer=turn.signature, locale=turn.locale,
            now=turn.services.clock(), refresh_user_ids=refresh_user_ids, names=turn.names,
        )  # fmt: skip
    else:
        card = cards.search_results_card(
            hits, query=typed, view=view, viewer=turn.signature, locale=turn.locale,
            refresh_user_ids=refresh_user_ids, names=turn.names,
            workbook_url=await workbook_url(turn.services),
        )  # fmt: skip
    return cards.to_json(card)


async def _queue_again(
    turn: Turn, view: str, typed: str, *, error: str | None = None, notice: str | None = None
) -> Json:
    card = await draw_queue(
        turn.services,
        view=view,
        viewer=turn.signature,
        mri=turn.mri,
        locale=turn.locale,
        names=turn.names,
        notice=notice,
        query=typed,
        query_error=error,
    )
    return cards.to_json(card)

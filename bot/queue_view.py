"""The queue ("kö", "mina") as one agent sees it: the open cases, names, the workbook's link.

Drawn for the command (the message posted in the conversation) and for the
clicks on it (each an invoke's answer, for the clicker alone): the same card.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from microsoft_teams.cards import AdaptiveCard

import cards
from cases.model import Case, Status

from .card_payload import CardJson
from .queue_cards import as_shown
from .services import Services

log = logging.getLogger(__name__)

OPEN = (Status.NY, Status.PABORJAD)


async def draw_queue(
    services: Services,
    *,
    view: str,
    viewer: str | None,
    mri: str,
    locale: str,
    names: Mapping[str, str] | None = None,
    notice: str | None = None,
    query: str = "",
    query_error: str | None = None,
) -> AdaptiveCard:
    """``view``: "queue" (every open case) or "mine" (``viewer``'s: handled or registered).

    ``mri``: the agent Teams refreshes it for. ``names``: as read for this turn
    already, else read here.
    """
    shown = await _what_is_shown(services, view, viewer, names)
    return _draw(
        shown,
        view=view,
        viewer=viewer,
        mri=mri,
        locale=locale,
        notice=notice,
        query=query,
        query_error=query_error,
    )


async def queue_json(
    services: Services,
    *,
    view: str,
    viewer: str | None,
    mri: str,
    locale: str,
    names: Mapping[str, str] | None = None,
) -> CardJson:
    """``draw_queue``'s card as JSON to send, for the "kö"/"mina" message and its refresh.

    Drawn again only when something it shows changed (``QueueCards``).
    """
    shown = await _what_is_shown(services, view, viewer, names)
    key = (
        view,
        viewer,
        mri,
        locale,
        shown.url,
        tuple(sorted(shown.names.items())),
        tuple(as_shown(case, shown.now, locale, shown.names) for case in shown.cases),
    )
    return services.queue_cards.get(
        key,
        lambda: cards.to_json(_draw(shown, view=view, viewer=viewer, mri=mri, locale=locale)),
    )


@dataclass(frozen=True)
class _Shown:
    cases: Sequence[Case]
    now: datetime
    names: Mapping[str, str]
    url: str


async def _what_is_shown(
    services: Services, view: str, viewer: str | None, names: Mapping[str, str] | None
) -> _Shown:
    """Everything a queue card shows: the cases of ``view``, the time, the names, the link."""
    return _Shown(
        cases=await _shown(services, view, viewer),
        now=services.clock(),
        names=names if names is not None else await services.signatures.names(),
        url=await workbook_url(services),
    )


async def _shown(services: Services, view: str, viewer: str | None) -> Sequence[Case]:
    open_cases = await services.ledger.list(OPEN)
    if view == cards.MINE_VIEW:
        return [c for c in open_cases if viewer in (c.handler, c.registered_by)]
    return open_cases


def _draw(
    shown: _Shown,
    *,
    view: str,
    viewer: str | None,
    mri: str,
    locale: str,
    notice: str | None = None,
    query: str = "",
    query_error: str | None = None,
) -> AdaptiveCard:
    t = cards.texts.t
    title, empty = t("queue_title", locale), None
    if view == cards.MINE_VIEW:
        title, empty = t("mine_title", locale), t("mine_empty", locale)
    return cards.queue_card(
        shown.cases,
        now=shown.now,
        locale=locale,
        title=title,
        empty=empty,
        viewer=viewer,
        names=shown.names,
        view=view,
        workbook_url=shown.url,
        refresh_user_ids=[mri] if mri else [],
        notice=notice,
        query=query,
        query_error=query_error,
    )


async def workbook_url(services: Services) -> str:
    """Where "Öppna arbetsboken" leads: ``STORA_WORKBOOK_URL``, else the store's own
    address for the file (Graph's ``webUrl``), else "" (no link)."""
    if services.settings.workbook_url:
        return services.settings.workbook_url
    read = getattr(services.ledger, "web_url", None)
    if read is None:  # the local workbook: no address Teams can open
        return ""
    try:
        return str(await read())
    except Exception as failed:  # noqa: BLE001 - the queue comes without its link
        log.warning("workbook link not read: %s", type(failed).__name__)
        return ""

"""Taking over a case: at once, or after "Ta över ändå?" when its handler touched it lately.

``takeover`` asks first when ``cases.lifecycle.take_over_needs_confirmation``
says the handler changed the case less than ``STORA_TAKEOVER_CONFIRM_HOURS``
business hours ago; asking changes nothing. ``takeover.confirm`` ("Ja, ta
över") carries the version the question was drawn from, so a change meanwhile
gets the usual "changed since you saw it" answer; a second click finds the case
the clicker's already and says so.

After every take-over, asked or not, whoever had the case is told in the case
card's thread (``bot.takeover_notice``). Only the click whose write the
workbook took (the write expects the version read) gets that far, so a double
click tells them once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import cards
from cases import lifecycle
from cases.errors import DomainError
from cases.lifecycle import Action
from cases.model import Case, Status

from .. import redraws, takeover_notice
from ..takeover_notice import Person, TakeOverNotice, plain_name
from ..teams import display_name
from .case_verbs import _case_card, _change, _get, _stale
from .routing import Turn, verb

log = logging.getLogger(__name__)

Json = dict[str, Any]


@verb("takeover")
async def take_over(turn: Turn) -> Json:
    def decide(case: Case) -> Case | Json:
        if stale := _stale(turn, case):
            return _yours_already(turn, case) or stale
        lifecycle.require(case, Action.TAKE_OVER, turn.signature or "")
        if _ask_first(turn, case):
            question = cards.takeover_confirm(
                case,
                names=turn.names,
                locale=turn.locale,
                now=turn.services.clock(),
                from_notice=turn.field("view") == cards.NOTICE_VIEW,
            )
            return cards.to_json(question)
        return _taken(turn, case)

    return await _take(turn, decide)


@verb("takeover.confirm")
async def confirm_take_over(turn: Turn) -> Json:
    def decide(case: Case) -> Case | Json:
        if stale := _stale(turn, case):
            return _yours_already(turn, case) or stale
        return _taken(turn, case)

    return await _take(turn, decide)


def _ask_first(turn: Turn, case: Case) -> bool:
    within = timedelta(hours=turn.services.settings.takeover_confirm_hours)
    return lifecycle.take_over_needs_confirmation(
        case, now=turn.services.clock(), calendar=turn.services.calendar, within=within
    )


def _taken(turn: Turn, case: Case) -> Case:
    return lifecycle.take_over(case, actor=turn.signature or "", now=turn.services.clock())


async def _take(turn: Turn, decide: Callable[[Case], Case | Json]) -> Json:
    case, stored, answer = await _change(turn, decide)
    if case is None:
        # Lost to a write in between: to the clicker's own twin click, the case is theirs.
        return await _yours_now(turn) or answer  # type: ignore[return-value]
    if stored is None:
        return answer  # type: ignore[return-value]
    return _case_card(turn, stored, await _tell(turn, case.handler, stored))


async def _tell(turn: Turn, previous_signature: str, case: Case) -> str | None:
    """Tell whoever had ``case``; the answer's notice when nobody could tell them."""
    try:
        previous = await takeover_notice.person(turn.services.signatures, previous_signature)
        by = Person(
            case.handler, plain_name(display_name(turn.context.activity)), turn.aad_object_id
        )
        notice = TakeOverNotice(case.case_id, previous, by, case.changed_at)
        left = await redraws.taken_over_now(turn.services.case_cards, notice)
    except Exception as failure:  # noqa: BLE001 - the take-over is stored; the answer must come
        log.warning("take-over notice not sent (%s)", type(failure).__name__,
                    extra={"case_id": case.case_id})  # fmt: skip
        redraws.mark_pending(turn.extra, redraws.UNKEPT)
        return None
    if left == redraws.UNSURE:
        return cards.texts.t(
            "takeover_maybe_not_told", turn.locale, previous=previous.shown(), case_id=case.case_id
        )
    if left == redraws.NO_THREAD:
        log.info("take-over notice: no card to reply under", extra={"case_id": case.case_id})
        return cards.texts.t(
            "takeover_not_told", turn.locale, previous=previous.shown(), case_id=case.case_id
        )
    if left:
        redraws.mark_pending(turn.extra, left)
    return None


def _yours_already(turn: Turn, case: Case) -> Json | None:
    """A second click: the case is the clicker's now, which is what they asked for."""
    mine = case.handler == turn.signature and not case.is_handed_over
    if case.status is not Status.PABORJAD or not mine:
        return None
    done = cards.texts.t("takeover_yours_already", turn.locale, case_id=case.case_id)
    return _case_card(turn, case, done)


async def _yours_now(turn: Turn) -> Json | None:
    try:
        return _yours_already(turn, await _get(turn))
    except DomainError:  # unreadable now: the lost race's own answer stands
        return None

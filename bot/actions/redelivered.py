"""Which clicks count once (``bot.redelivery``), and what a second delivery is answered.

A click that writes the workbook is keyed by its activity (conversation and
activity id: Teams' redelivery of the same invoke); a registration by the
form it came from instead (the agent and the form's nonce), which also covers
a double-click on Registrera. A signature form that carries a click on with it
counts as that click.

A second delivery gets what the agent should see now, never an error: the
case as it stands (the answer of a claim, a hand-over, a take-over, a
correction), the e-mail draft again after a close (rebuilt from the click's
own data, since nothing of it is stored), the registered card of the case the
first submit registered.

A registration is applied only once its form is reserved: when the bot state
cannot take the reservation, the form comes back, typed text kept, with
"nothing was saved"; when an earlier submit of the form never recorded its
end, it comes back under a new nonce, asking the agent to check the queue
first. The other clicks carry the case's version, which the workbook write
expects: they go on without the record, and their twin finds the case changed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from botbuilder.core import InvokeResponse

import cards

from .. import responses
from ..redelivery import LOST, Applied
from .email_input import draft_from_form
from .register_form import FORM, register_form_again

if TYPE_CHECKING:
    from .routing import Turn

log = logging.getLogger(__name__)

Run = Callable[..., Awaitable[InvokeResponse]]
Json = dict[str, Any]

CHANGES = frozenset(
    {"claim", "takeover", "takeover.confirm", "handover", "correct", "close", "register"}
)
CREATES = "register"  # its twin adds a second row: no state of the workbook tells them apart
_APPLIED, _IN_DOUBT, _EARLIER = "applied", "in_doubt", "earlier"


def applied(extra: dict[str, Any], case_id: str) -> None:
    """Mark the click's change as stored (``Turn.extra``)."""
    extra[_APPLIED] = case_id


def in_doubt(extra: dict[str, Any], case_id: str) -> None:
    """Mark a write whose answer never came: ``case_id`` may be there or not."""
    extra[_IN_DOUBT] = case_id


def earlier(extra: dict[str, Any]) -> str:
    """The case an earlier submit of this form wrote without an answer, if any."""
    return str(extra.get(_EARLIER) or "")


async def once(turn: Turn, run: Run) -> InvokeResponse:
    key = _key(turn)
    if key is None:
        return await run(turn)

    async def first() -> tuple[InvokeResponse, Applied | None]:
        answer = await run(turn)
        if case_id := turn.extra.get(_APPLIED):
            return answer, Applied(turn.verb, case_id)
        if case_id := turn.extra.get(_IN_DOUBT):
            return answer, Applied(turn.verb, case_id, in_doubt=True)
        return answer, None

    async def again(done: Applied | None) -> InvokeResponse | None:
        turn.verb, turn.data = _clicked(turn)
        if done is None:  # another instance runs it right now
            notice = cards.texts.t("already_running", turn.locale)
            return responses.card(cards.to_json(cards.notice_card(notice, turn.locale)))
        if done == LOST:
            log.warning("an earlier submit of this form left no outcome: not registered again")
            notice = cards.texts.t("form_lost", turn.locale)
            return responses.card(register_form_again(turn, notice=notice, new_nonce=True))
        if done.in_doubt:  # the register verb looks for the case first, then registers
            turn.extra[_EARLIER] = done.case_id
            return None
        turn.data = {**turn.data, "caseId": done.case_id}
        if done.verb == "register":
            return await run(turn, _registered)
        if done.verb == "close":
            return await run(turn, _drafted)
        turn.verb = "refresh"
        return await run(turn)

    async def refuse() -> InvokeResponse:
        turn.verb, turn.data = _clicked(turn)
        notice = cards.texts.t("not_recorded", turn.locale)
        return responses.card(register_form_again(turn, notice=notice))

    creates = _clicked(turn)[0] == CREATES
    return await turn.services.redelivery.once(
        key, first, again, refuse=refuse if creates else None
    )


def _clicked(turn: Turn) -> tuple[str, dict[str, Any]]:
    """The click's verb and data, also when it came inside a signature form."""
    pending = turn.data.get("pending") if turn.verb == "signature" else None
    if isinstance(pending, dict) and isinstance(pending.get("data"), dict):
        return str(pending.get("verb") or ""), dict(pending["data"])
    return turn.verb, turn.data


def _key(turn: Turn) -> str | None:
    verb, data = _clicked(turn)
    if verb not in CHANGES:
        return None
    nonce = data.get(FORM)
    if verb == "register" and isinstance(nonce, str) and nonce:
        return f"form\n{turn.aad_object_id}\n{nonce}"
    activity = turn.context.activity
    if not activity.id or activity.conversation is None:
        return None
    return f"activity\n{activity.conversation.id}\n{activity.id}"


async def _registered(turn: Turn) -> Json:
    case = await turn.services.ledger.get(turn.case_id)
    return cards.to_json(cards.registered_card(case, turn.locale))


async def _drafted(turn: Turn) -> Json:
    draft = draft_from_form(turn.data)
    return cards.to_json(cards.email_draft_card(turn.case_id, draft, turn.locale, checklist=True))

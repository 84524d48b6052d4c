"""The lifecycle of a large case (docs/routine.md): who may do what, and what it changes.

Every operation is a pure function from the case as the agent saw it to the
case as it should be stored. Storing it, and refusing a stale view, is the
Ledger's job (``Ledger.update`` with the old case as the expected state).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from . import validation
from .business_time import BusinessCalendar
from .clock import to_stockholm
from .errors import NotAllowed
from .model import CUSTOMER_FIELDS, Case, NewCase, Status
from .triage import ChangeKind, CustomerKind


class Action(StrEnum):
    """The verbs of the routine; also the verbs of the card buttons."""

    CLAIM = "claim"
    HAND_OVER = "handover"
    TAKE_OVER = "takeover"
    CLOSE = "close"
    CORRECT = "correct"


def allowed_actions(case: Case, actor: str) -> frozenset[Action]:
    """What ``actor`` may do to ``case`` now; the card shows exactly these buttons."""
    actor = actor.lower()
    if case.status is Status.NY:
        allowed = {Action.CLAIM}
        if actor == case.registered_by:
            allowed.add(Action.CORRECT)
        return frozenset(allowed)
    if case.status is Status.PABORJAD:
        if actor == case.handler:
            return frozenset({Action.HAND_OVER, Action.CLOSE})
        return frozenset({Action.TAKE_OVER})
    return frozenset()


def register(
    customer_number: str,
    cab_number: str,
    description: str,
    *,
    actor: str,
    now: datetime,
    change_count: int | None = None,
    change_kind: ChangeKind | str | None = None,
    customer_kind: CustomerKind | str | None = None,
) -> NewCase:
    """A new row, Status Ny. All field errors are reported at once.

    The count and the two kinds are what the triage was asked: kept with the
    case so that the close can compare the installations with the count.
    """
    customer_number, cab_number, description = validation.validate_registration(
        customer_number, cab_number, description
    )
    return NewCase(
        customer_number=customer_number,
        cab_number=cab_number,
        description=description,
        registered_by=validation.signature(actor),
        registered_at=to_stockholm(now),
        change_count=None if change_count is None else validation.change_count(change_count),
        change_kind=None if change_kind is None else ChangeKind(change_kind),
        customer_kind=None if customer_kind is None else CustomerKind(customer_kind),
    )


def claim(case: Case, *, actor: str, now: datetime) -> Case:
    actor = validation.signature(actor)
    require(case, Action.CLAIM, actor)
    return _touched(case, now, status=Status.PABORJAD, handler=actor)


def hand_over(case: Case, *, actor: str, note: str, now: datetime) -> Case:
    """The handler stops for the shift; the note says how far they got."""
    actor = validation.signature(actor)
    require(case, Action.HAND_OVER, actor)
    note = validation.free_text(note, "note", max_length=validation.COMMENT_MAX)
    return _touched(case, now, comment=note, handed_over_at=to_stockholm(now))


def take_over(case: Case, *, actor: str, now: datetime) -> Case:
    """The routine: replace the colleague's signature with your own. The note stays."""
    actor = validation.signature(actor)
    require(case, Action.TAKE_OVER, actor)
    return _touched(case, now, handler=actor, handed_over_at=None)


def take_over_needs_confirmation(
    case: Case, *, now: datetime, calendar: BusinessCalendar, within: timedelta
) -> bool:
    """Whether taking ``case`` over should be confirmed first: its handler changed it
    less than ``within`` of business time ago, so they may be working on it now.

    A case handed over is free to take. A change outside business hours counts
    as recent until ``within`` of business time has passed since. ``within``
    zero: never asked.
    """
    if within <= timedelta(0) or case.status is not Status.PABORJAD:
        return False
    if case.is_handed_over or not case.handler:
        return False
    return calendar.elapsed(case.changed_at, now) < within


def close(case: Case, *, actor: str, now: datetime) -> Case:
    """Hanterad, and every customer cell wiped ("radera samtliga kunduppgifter")."""
    actor = validation.signature(actor)
    require(case, Action.CLOSE, actor)
    wiped = {name: "" for name in CUSTOMER_FIELDS}
    return _touched(case, now, status=Status.HANTERAD, handed_over_at=None, **wiped)


def correct(
    case: Case,
    *,
    actor: str,
    customer_number: str,
    cab_number: str,
    description: str,
    now: datetime,
) -> Case:
    """The registrant fixes a typo before anyone has started on the case."""
    actor = validation.signature(actor)
    require(case, Action.CORRECT, actor)
    customer_number, cab_number, description = validation.validate_registration(
        customer_number, cab_number, description
    )
    return _touched(
        case, now, customer_number=customer_number, cab_number=cab_number, description=description
    )


def _touched(case: Case, now: datetime, **changes: object) -> Case:
    return case.replace(changed_at=to_stockholm(now), **changes)


def require(case: Case, action: Action, actor: str) -> None:
    """Raise ``NotAllowed``, with the reason in the agent's words, unless permitted."""
    if action in allowed_actions(case, actor):
        return
    raise _refusal(case, action, actor)


def _refusal(case: Case, action: Action, actor: str) -> NotAllowed:
    cid = case.case_id
    if case.status is Status.HANTERAD:
        return NotAllowed(f"{cid} är redan hanterat.", f"{cid} is already handled.")
    if action is Action.CLAIM:
        return NotAllowed(
            f"{cid} är redan påbörjat av {case.handler}.",
            f"{cid} was already started by {case.handler}.",
        )
    if action is Action.CORRECT and case.status is Status.NY:
        return NotAllowed(
            f"Bara {case.registered_by}, som registrerade {cid}, kan rätta det.",
            f"Only {case.registered_by}, who registered {cid}, can correct it.",
        )
    if action is Action.CORRECT:
        return NotAllowed(
            f"{cid} är redan påbörjat och kan inte rättas längre.",
            f"{cid} has been started and can no longer be corrected.",
        )
    if case.status is Status.NY:
        return NotAllowed(
            f"{cid} är inte påbörjat än. Påbörja det först.",
            f"{cid} has not been started yet. Start it first.",
        )
    if action is Action.TAKE_OVER:
        return NotAllowed(f"Du hanterar redan {cid}.", f"You are already handling {cid}.")
    return NotAllowed(
        f"{cid} hanteras av {case.handler}. Ta över det först.",
        f"{cid} is being handled by {case.handler}. Take it over first.",
    )

"""Verbs on a registered case: claim, hand over, close, correct, refresh (take over:
``takeover_verbs``).

Each follows the same guard: read the case as it is now; if the card that was
clicked showed an older state, apply nothing and show the current one; else
apply the rule and store it with the read state as the expected state, so that
of two agents clicking at once exactly one wins and the other is told who. The
read, the checks and the write are one turn of the store (``one_turn``): on
Graph, one read and one write per click.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botbuilder.core import InvokeResponse

import cards
from cases import lifecycle, validation
from cases.errors import DomainError, InvalidInput, InvalidInputs, NotAllowed
from cases.ledger import Conflict, LedgerUnavailable
from cases.lifecycle import Action
from cases.model import Case, CaseRef, Status
from graph.errors import WriteUnconfirmed

from .. import redraws
from ..mail_drafts import draft_in_mailbox
from . import one_turn, redelivered
from .checks import form_check
from .email_input import EMAIL_FIELDS, draft_from_form
from .inputs import errors_by_input
from .late_check import check_later
from .routing import Turn, run, verb

log = logging.getLogger(__name__)

Json = dict[str, Any]


def _case_card(turn: Turn, case: Case, notice: str | None = None) -> Json:
    """The clicker's own view of the case: an invoke's answer, seen by them alone.

    A click on a notice answers in the notice's place, which no redraw reaches:
    there, a glance without the customer data instead of the case card.
    """
    now = turn.services.clock()
    view = turn.field("view")
    if view == cards.NOTICE_VIEW:
        return cards.to_json(
            cards.case_glance(case, locale=turn.locale, now=now, notice=notice, names=turn.names)
        )
    if view in cards.QUEUE_VIEWS:  # with the way back to the queue (cards/search.py)
        return cards.to_json(
            cards.queue_case_view(
                case, view=view, viewer=turn.signature, locale=turn.locale, now=now,
                refresh_user_ids=[turn.mri], names=turn.names, notice=notice,
            )
        )  # fmt: skip
    return cards.to_json(
        cards.case_card(
            case,
            viewer=turn.signature,
            locale=turn.locale,
            now=now,
            notice=notice,
            details=True,
            names=turn.names,
        )
    )


async def _get(turn: Turn) -> Case:
    if not turn.case_id:
        # The bot's case buttons always carry an Ärende-ID: this click came from elsewhere.
        raise DomainError(cards.texts.t("no_case", "sv-SE"), cards.texts.t("no_case", "en-US"))
    return await turn.services.ledger.get(turn.case_id)


async def _current(turn: Turn) -> tuple[Case, Json | None]:
    """The case now, and the card to answer with instead when the click was stale."""
    case = await _get(turn)
    return case, _stale(turn, case)


def _stale(turn: Turn, case: Case) -> Json | None:
    if turn.field("version") != case.version:
        # The same words as a lost race: someone got there first, and who.
        return _case_card(turn, case, Conflict(case).text(turn.locale))
    return None


async def _change(
    turn: Turn, decide: Callable[[Case], Case | Json]
) -> tuple[Case | None, Case | None, Json | None]:
    """Read the case, ``decide`` on it and store what it returns, in one turn of the store.

    ``decide`` returns the case to store, or the card to answer with instead;
    a rule's refusal (``NotAllowed``) answers with the case card and its reason.
    The case as read, as stored, and the answer instead (a stale card, a
    refusal, a lost race).
    """
    if not turn.case_id:
        await _get(turn)  # raises the "no case" answer
    instead: list[Json] = []

    def decided(case: Case) -> Case | None:
        instead.clear()  # a retried attempt decides again
        try:
            outcome = decide(case)
        except NotAllowed as refused:
            outcome = _case_card(turn, case, refused.text(turn.locale))
        if isinstance(outcome, Case):
            return outcome
        instead.append(outcome)
        return None

    try:
        case, stored = await one_turn.change(turn.services.ledger, turn.case_id, decided)
    except Conflict as conflict:
        log.info("conflict", extra={"verb": turn.verb, "case_id": turn.case_id})
        return None, None, _case_card(turn, conflict.current, conflict.text(turn.locale))
    except WriteUnconfirmed:
        # Whether it took is unknown: a retry pass draws the card as the workbook has it.
        await redraws.redraw_later(turn.services.case_cards, turn.case_id)
        raise
    if stored is None:
        return case, None, instead[-1]
    await _after_store(turn, case, stored)
    return case, stored, None


async def _after_store(turn: Turn, case: Case, stored: Case) -> None:
    redelivered.applied(turn.extra, stored.case_id)
    await check_later(turn, case, stored)
    await _redraw_channel_card(turn, stored)


async def _redraw_channel_card(turn: Turn, case: Case) -> None:
    # The change is stored: a redraw Teams has not taken yet stays in the
    # outbox, and the answer says so (``routing.run``, or close's own notice).
    if left := await redraws.redraw_now(turn.services.case_cards, case):
        redraws.mark_pending(turn.extra, left)


async def _simple(turn: Turn, rule: Callable[[Case], Case]) -> Json:
    def decide(case: Case) -> Case | Json:
        return _stale(turn, case) or rule(case)

    _, stored, answer = await _change(turn, decide)
    return answer or _case_card(turn, stored)  # type: ignore[arg-type]


@verb("refresh", needs_signature=False)  # Teams, for a member listed on the card
@verb("details", needs_signature=False)  # a click, for members Teams does not refresh for
async def own_view(turn: Turn) -> Json:
    """The member's own view of the case card, customer data included."""
    return _case_card(turn, await _get(turn))


@verb("claim")
async def claim(turn: Turn) -> Json:
    now = turn.services.clock()
    return await _simple(turn, lambda case: lifecycle.claim(case, actor=turn.actor, now=now))


async def _form_guard(turn: Turn, action: Action) -> tuple[Case, Json | None]:
    """Opening a form: the same staleness and permission checks as the action itself."""
    case, stale = await _current(turn)
    if stale:
        return case, stale
    try:
        lifecycle.require(case, action, turn.signature or "")
    except NotAllowed as refused:
        return case, _case_card(turn, case, refused.text(turn.locale))
    return case, None


@verb("handover.form")
async def open_hand_over(turn: Turn) -> Json:
    case, answer = await _form_guard(turn, Action.HAND_OVER)
    return answer or cards.to_json(cards.handover_form(case, turn.locale))


async def _submit(
    turn: Turn,
    form: Callable[..., Any],
    fields: tuple[str, ...],
    rule: Callable[[Case], Case],
) -> tuple[Case | None, Json | None]:
    """A form's submit: the stored case, or the card to answer with instead.

    Bad input and a busy workbook re-show ``form`` with what the agent typed;
    a stale card, a refusal or a lost race show the case as it is now.
    """
    typed = turn.values(*fields)

    def decide(case: Case) -> Case | Json:
        if stale := _stale(turn, case):
            return stale
        try:
            return rule(case)
        except (InvalidInput, InvalidInputs) as bad:
            errors = errors_by_input(bad, turn.locale)
            return cards.to_json(form(case, turn.locale, typed, errors))

    try:
        _, stored, answer = await _change(turn, decide)
    except LedgerUnavailable as unavailable:
        # Not read, or not stored: the form again as the agent saw it, typed text kept.
        drawn = CaseRef(turn.case_id, turn.field("version"))
        return None, cards.to_json(
            form(drawn, turn.locale, typed, notice=unavailable.text(turn.locale))
        )
    return stored, answer


@verb(
    "handover",
    check=form_check(
        cards.handover_form,
        ("note",),
        lambda turn: validation.free_text(
            turn.field("note"), "note", max_length=validation.COMMENT_MAX
        ),
    ),
)
async def hand_over(turn: Turn) -> Json:
    stored, answer = await _submit(
        turn,
        cards.handover_form,
        ("note",),
        lambda case: lifecycle.hand_over(
            case, actor=turn.actor, note=turn.field("note"), now=turn.services.clock()
        ),
    )
    if answer:
        return answer
    assert stored is not None  # no answer: it was stored
    await _tell_channel_free_to_take(turn, stored)
    return _case_card(turn, stored)


async def _tell_channel_free_to_take(turn: Turn, case: Case) -> None:
    if left := await redraws.free_to_take_now(turn.services.case_cards, case):
        redraws.mark_pending(turn.extra, left)


@verb("close.form")
async def open_close(turn: Turn) -> Json:
    """The close form: empty from the case card, filled from the confirmation's Tillbaka."""
    case, answer = await _form_guard(turn, Action.CLOSE)
    typed = turn.values(*EMAIL_FIELDS)
    return answer or cards.to_json(cards.close_form(case, turn.locale, typed))


@verb("close")
async def close(turn: Turn) -> Json | InvokeResponse:
    """Hanterad, customer cells wiped and read back, then the draft for the actor alone.

    Only from the confirmation's "Ja" (``close_review``): a click without it,
    such as a close form drawn before that step existed, gets the step first.
    """
    if turn.field(cards.CLOSE_CONFIRMED) != "1":
        turn.verb = "close.review"
        return await run(turn)
    draft: list[str] = []

    def close_with_draft(case: Case) -> Case:
        draft.append(draft_from_form(turn.data))  # the e-mail is checked before anything is stored
        return lifecycle.close(case, actor=turn.actor, now=turn.services.clock())

    stored, answer = await _submit(turn, cards.close_form, EMAIL_FIELDS, close_with_draft)
    if answer:
        return await _closed_by_me_already(turn) or answer
    assert stored is not None  # no answer: it was stored
    await _check_wiped(turn, stored)
    lagging = redraws.pending_text(
        redraws.take_pending(turn.extra), turn.locale, closed=stored.case_id
    )
    # Only here, once per close: a repeated or redelivered click gives the text, no second draft.
    mailbox = await draft_in_mailbox(turn.services.drafts, draft[0], stored.case_id)
    return cards.to_json(
        cards.email_draft_card(
            stored.case_id, draft[0], turn.locale, checklist=True, notice=lagging, mailbox=mailbox
        )
    )


async def _closed_by_me_already(turn: Turn) -> Json | None:
    """Klar pressed twice, or again after "unclear whether it was saved": the case is
    closed, by this agent, and wiped. The draft is theirs, made from what this click
    carries (the workbook no longer holds it), so they get it again, not a stale card."""
    try:
        case = await turn.services.ledger.get(turn.case_id)
        draft = draft_from_form(turn.data)
    except (DomainError, LedgerUnavailable):
        return None
    mine = case.status is Status.HANTERAD and case.handler == turn.signature
    if not mine or case.has_customer_data:
        return None
    # The first click may not have got the channel card redrawn: this one tries again.
    await _redraw_channel_card(turn, case)
    lagging = redraws.pending_text(
        redraws.take_pending(turn.extra), turn.locale, closed=case.case_id
    )
    again = cards.texts.t("closed_already", turn.locale, case_id=case.case_id)
    notice = f"{again} {lagging}" if lagging else again
    # No second draft; the first click's may be there, or never have been asked for
    # (its write answered too late): the agent looks before copying.
    drafts = turn.services.drafts
    mailbox = cards.MailboxDraft(drafts.mailbox, maybe=True) if drafts is not None else None
    return cards.to_json(
        cards.email_draft_card(
            case.case_id, draft, turn.locale, checklist=True, notice=notice, mailbox=mailbox
        )
    )


async def _check_wiped(turn: Turn, case: Case) -> None:
    """The routine's "radera samtliga kunduppgifter", verified by reading the row back.

    The close is stored by now: a read-back the workbook does not answer must
    not turn it into "nothing was saved". The store's own answer to the write
    (``case``) showed the cells empty; that stands. A store whose write is
    answered with the cells as they now are (the Graph Ledger: a PATCH on a
    range answers with the range, learn.microsoft.com/graph/api/range-update)
    has read them back already, and checked them (``graph.writes``).
    """
    if getattr(turn.services.ledger, "write_answer_reads_back", False):
        again = case
    else:
        try:
            again = await turn.services.ledger.get(case.case_id)
        except LedgerUnavailable:
            log.warning(
                "wipe not read back; the write's answer showed it", extra={"case_id": case.case_id}
            )
            again = case
    if again.has_customer_data:
        log.error("wipe did not take", extra={"case_id": case.case_id})
        raise DomainError(
            f"{case.case_id} är markerat Hanterad men kunduppgifterna finns kvar i arbetsboken. "
            "Radera dem för hand och meddela ansvarig.",
            f"{case.case_id} is marked Hanterad but the customer data is still in the workbook. "
            "Delete it by hand and tell the person in charge.",
        )


REGISTRATION_FIELDS = ("customerNumber", "cabNumber", "description")


@verb("correct.form")
async def open_correct(turn: Turn) -> Json:
    case, answer = await _form_guard(turn, Action.CORRECT)
    return answer or cards.to_json(cards.correct_form(case, turn.locale))


@verb(
    "correct",
    check=form_check(
        cards.correct_form,
        REGISTRATION_FIELDS,
        lambda turn: validation.validate_registration(
            turn.field("customerNumber"), turn.field("cabNumber"), turn.field("description")
        ),
    ),
)
async def correct(turn: Turn) -> Json:
    stored, answer = await _submit(
        turn,
        cards.correct_form,
        REGISTRATION_FIELDS,
        lambda case: lifecycle.correct(
            case,
            actor=turn.actor,
            customer_number=turn.field("customerNumber"),
            cab_number=turn.field("cabNumber"),
            description=turn.field("description"),
            now=turn.services.clock(),
        ),
    )
    if answer:
        return answer
    assert stored is not None  # no answer: it was stored
    return _case_card(turn, stored)

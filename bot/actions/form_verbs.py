"""Verbs of the stand-alone forms: register, signature, triage and e-mail."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import InvokeResponse

import cards
from cases import lifecycle, triage, validation
from cases.errors import CaseNotFound, InvalidInput, InvalidInputs
from cases.ledger import LedgerUnavailable
from cases.model import Case
from graph.errors import WriteUnconfirmed

from .. import redraws
from ..teams import display_name, where
from . import redelivered
from .email_input import EMAIL_FIELDS, draft_from_form
from .inputs import carried, collect, errors_by_input
from .late_check import check_later
from .register_form import kept, register_form_again
from .routing import Turn, registered, run, verb

log = logging.getLogger(__name__)

Json = dict[str, Any]

TRIAGE_FIELDS = ("changeCount", "customerKind", "changeKind")


def _triage_of(turn: Turn) -> tuple[int, triage.Triage]:
    """Count and kinds from the form; every bad input reported at once."""
    errors: list[InvalidInput] = []
    count = collect(errors, lambda: validation.change_count(turn.field("changeCount")))
    route = collect(
        errors,
        lambda: triage.triage(count or 1, turn.field("customerKind"), turn.field("changeKind")),
    )
    if errors:
        raise InvalidInputs(errors)
    return count, route  # type: ignore[return-value]


def _check_register(turn: Turn) -> Json | None:
    """The whole form before the signature question: count and kinds, then the
    route (a case not registered needs no signature, nor the other fields), then
    the registration's fields; every error at once."""
    try:
        count, route = _triage_of(turn)
    except InvalidInputs as bad:
        errors = {**_registration_errors(turn), **errors_by_input(bad, turn.locale)}
        return register_form_again(turn, errors)
    if route.route is not triage.Route.STORA_ARENDEN:
        return _routine_instead(turn, route, count)
    fields = _registration_errors(turn)
    return register_form_again(turn, fields) if fields else None


def _registration_errors(turn: Turn) -> dict[str, str]:
    try:
        validation.validate_registration(
            turn.field("customerNumber"), turn.field("cabNumber"), turn.field("description")
        )
    except InvalidInputs as bad:
        return errors_by_input(bad, turn.locale)
    return {}


def _routine_instead(turn: Turn, route: triage.Triage, count: int) -> Json:
    """Only cases of more than 15 changes are registered (and not a property owner's
    moves, which go to kundavtal): what the routine says instead, and Tillbaka to
    the form as it was, for a count typed wrong."""
    return cards.to_json(cards.triage_card(route, turn.locale, count, back=kept(turn)))


@verb("register.back", needs_signature=False)
async def back_to_register(turn: Turn) -> Json:
    """Tillbaka: the registration form again, with what the card carried (``kept``)."""
    return register_form_again(turn)


@verb("register", check=_check_register)
async def register(turn: Turn) -> Json:
    try:
        count, route = _triage_of(turn)
    except InvalidInputs as bad:
        return register_form_again(turn, errors_by_input(bad, turn.locale))
    if route.route is not triage.Route.STORA_ARENDEN:
        return _routine_instead(turn, route, count)
    try:
        new = lifecycle.register(
            turn.field("customerNumber"),
            turn.field("cabNumber"),
            turn.field("description"),
            actor=turn.actor,
            now=turn.services.clock(),
            # Checked by the triage above; stored so the close can compare.
            change_count=count,
            change_kind=turn.field("changeKind"),
            customer_kind=turn.field("customerKind"),
        )
    except InvalidInputs as bad:
        return register_form_again(turn, errors_by_input(bad, turn.locale))
    try:
        case = await _earlier(turn)
    except LedgerUnavailable:
        doubt = redelivered.earlier(turn.extra)
        redelivered.in_doubt(turn.extra, doubt)  # still: the next submit looks again
        notice = cards.texts.t("still_in_doubt", turn.locale, case_id=doubt)
        return register_form_again(turn, notice=notice)
    if case is None:
        try:
            case = await turn.services.ledger.add(new)
        except LedgerUnavailable as unavailable:
            if isinstance(unavailable, WriteUnconfirmed):
                # Written, no answer: the next submit looks for it first, and
                # if it took after all, its card must come.
                redelivered.in_doubt(turn.extra, unavailable.case_id)
                await _post_later(turn, unavailable.case_id)
            return register_form_again(turn, notice=unavailable.text(turn.locale))
    redelivered.applied(turn.extra, case.case_id)
    log.info("registered", extra={"case_id": case.case_id})
    await check_later(turn, None, case)
    try:
        target = await _card_target(turn)
    except Exception as failure:  # noqa: BLE001 - stored all the same: say so, promise nothing
        log.error(
            "case card not posted (%s)", type(failure).__name__, extra={"case_id": case.case_id}
        )
        outcome = redraws.UNKEPT
    else:
        outcome = await redraws.post_now(turn.services.case_cards, case, target, turn.locale)
    told = redraws.post_text(outcome, turn.locale)
    return cards.to_json(cards.registered_card(case, turn.locale, notice=told))


async def _card_target(turn: Turn) -> dict[str, Any]:
    channel_id, service_url = await _channel_of(turn)
    return turn.services.case_cards.target(
        turn.context, channel_id=channel_id, service_url=service_url
    )


async def _post_later(turn: Turn, case_id: str) -> None:
    try:
        target = await _card_target(turn)
    except Exception as failure:  # noqa: BLE001 - the agent was told to look in the queue
        log.error(
            "no card for a registration in doubt (%s)",
            type(failure).__name__,
            extra={"case_id": case_id},
        )
        return
    await redraws.post_later(turn.services.case_cards, case_id, target, turn.locale)


async def _earlier(turn: Turn) -> Case | None:
    """The case an earlier submit of this form stored though its answer was lost."""
    doubt = redelivered.earlier(turn.extra)
    if not doubt:
        return None
    try:
        case = await turn.services.ledger.get(doubt)
    except CaseNotFound:
        return None  # it did not take: register it now
    return case if case.registered_by == turn.signature else None


async def _channel_of(turn: Turn) -> tuple[str, str]:
    """The channel for the case card: this one, else the team's, else none (post here)."""
    activity = turn.context.activity
    here = where(activity).channel_id
    if here:
        return here, activity.service_url
    team = await turn.services.team_channels.get()
    if team:
        return team.channel_id, team.service_url
    return "", activity.service_url


@verb("signature", needs_signature=False)
async def signature(turn: Turn) -> Json | InvokeResponse:
    pending = _pending(turn.data.get("pending"))
    try:
        turn.signature = await turn.services.signatures.register(
            turn.aad_object_id, turn.field("signature"), display_name(turn.context.activity)
        )
    except InvalidInput as bad:
        return cards.to_json(
            turn.services.signatures.form(
                turn.locale, pending, turn.values("signature"), {"signature": bad.text(turn.locale)}
            )
        )
    log.info("signature registered")
    if pending and pending["verb"] != "signature":
        # Carry on with what the agent clicked before we asked.
        turn.verb, turn.data = pending["verb"], dict(pending["data"])
        return await run(turn)
    return cards.to_json(
        cards.notice_card(
            cards.texts.t("signature_saved", turn.locale, signature=turn.signature), turn.locale
        )
    )


def _pending(value: Any) -> dict[str, Any]:
    """The click the signature form keeps, as the bot wrote it: {"verb": str, "data": {...}}.

    Anything else a client sends in its place is no click to carry on with.
    """
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("verb"), str)
        or not registered(value["verb"])
    ):
        return {}
    data = value.get("data")
    return {"verb": value["verb"], "data": carried(data) if isinstance(data, dict) else {}}


@verb("triage", needs_signature=False)
async def show_triage(turn: Turn) -> Json:
    try:
        count, route = _triage_of(turn)
    except InvalidInputs as bad:
        errors = errors_by_input(bad, turn.locale)
        return cards.to_json(cards.triage_form(turn.locale, turn.values(*TRIAGE_FIELDS), errors))
    return cards.to_json(cards.triage_card(route, turn.locale, count))


@verb("email", needs_signature=False)
async def draft_email(turn: Turn) -> Json:
    """The confirmation e-mail for a 5–15 case handled without registration."""
    try:
        draft = draft_from_form(turn.data)
    except InvalidInputs as bad:
        errors = errors_by_input(bad, turn.locale)
        return cards.to_json(cards.email_form(turn.locale, turn.values(*EMAIL_FIELDS), errors))
    return cards.to_json(cards.email_draft_card(None, draft, turn.locale, checklist=True))

"""The verb registry, the per-click context, and the signature gate."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext

import cards
from cases.columns import case_id_number
from cases.errors import DomainError
from cases.ledger import LedgerUnavailable

from .. import redraws, responses
from ..logs import log_context, new_id
from ..services import Services
from ..teams import aad_object_id, display_name, locale, user_mri
from . import redelivered
from .inputs import carried, typed_text

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One click: who clicked, in which language, with what data (inputs merged in)."""

    context: TurnContext
    services: Services
    verb: str
    data: dict[str, Any]
    locale: str
    aad_object_id: str
    mri: str
    signature: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # {signature: the name Teams shows}, for the cards ("Anna Agent (xab1234)").
    names: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> str:
        return typed_text(self.data.get(name))

    @property
    def actor(self) -> str:
        """The clicker's signature, for a verb that needs one: ``run`` asks first."""
        if not self.signature:
            raise RuntimeError(f"verb {self.verb!r} ran without a signature")
        return self.signature

    @property
    def case_id(self) -> str:
        """The Ärende-ID on the button; "" for anything else, which is then never
        looked up, logged or shown back (it may be any text, of any length)."""
        value = self.field("caseId").strip()
        return value if case_id_number(value) is not None else ""

    def values(self, *names: str) -> dict[str, str]:
        """What the agent typed, to re-fill a form so nothing has to be typed again."""
        return {name: self.field(name) for name in names if self.field(name)}


Handler = Callable[[Turn], Awaitable[dict[str, Any] | InvokeResponse]]
# A verb's look at what was typed, before the signature question and the handler:
# the card to answer with instead (the form again, every error under its input
# and every value kept), or None to go on. Pure: it reads only the click.
Check = Callable[[Turn], dict[str, Any] | None]


@dataclass(frozen=True)
class _Verb:
    handler: Handler
    needs_signature: bool
    check: Check | None = None


_VERBS: dict[str, _Verb] = {}


def verb(
    name: str, *, needs_signature: bool = True, check: Check | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``name``. A verb that changes a case needs a signature.

    ``check``: for a verb that carries typed input, so that bad input is said
    before the agent is asked for a signature, not after typing it.
    """

    def register(handler: Handler) -> Handler:
        if name in _VERBS:
            raise RuntimeError(f"verb {name!r} registered twice")
        _VERBS[name] = _Verb(handler, needs_signature, check)
        return handler

    return register


def registered(name: str) -> bool:
    return name in _VERBS


async def dispatch(context: TurnContext, services: Services) -> InvokeResponse:
    # Teams sends {"action": {"verb": str, "data": {...}}}; anything else in any
    # of these places (a list, a number, a string) reads as absent, and an
    # absent verb is an unknown one.
    action = _object(_object(context.activity.value).get("action"))
    name = action.get("verb")
    turn = Turn(
        context=context,
        services=services,
        verb=name if isinstance(name, str) else "",
        data=_object(action.get("data")),
        locale=locale(context.activity),
        aad_object_id=aad_object_id(context.activity),
        mri=user_mri(context.activity),
    )
    # One id per case action: every line it logs, the ledger's included, carries it.
    with log_context(
        action_id=new_id(), verb=turn.verb if turn.verb in _VERBS else "", case_id=turn.case_id
    ):
        return await redelivered.once(turn, run)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


async def run(turn: Turn, handler: Handler | None = None) -> InvokeResponse:
    """The click's verb; or ``handler`` in its place (an answer to a redelivery)."""
    registered = _Verb(handler, needs_signature=False) if handler else _VERBS.get(turn.verb)
    if registered is None:
        # Cut short: it is whatever the client sent, of any length.
        log.warning("unknown verb", extra={"verb": turn.verb[:40]})
        return responses.error(400, "BadRequest", cards.texts.t("unknown_action", turn.locale))
    if not turn.aad_object_id:
        return responses.error(401, "Unauthorized", cards.texts.t("no_identity", turn.locale))
    name = display_name(turn.context.activity)
    signatures = turn.services.signatures
    turn.signature, turn.names = await signatures.signature_and_names(turn.aad_object_id, name)
    await turn.services.case_cards.remember_viewer(turn.mri)
    if registered.check is not None and (instead := registered.check(turn)) is not None:
        log.info("inputs answered before the action", extra={"verb": turn.verb})
        return responses.card(instead)
    if registered.needs_signature and not turn.signature:
        pending = {"verb": turn.verb, "data": carried(turn.data)}
        return responses.card(cards.to_json(turn.services.signatures.form(turn.locale, pending)))
    try:
        result = await registered.handler(turn)
    except LedgerUnavailable as unavailable:
        # Handlers that hold typed input catch this themselves and re-show the
        # form; this is the fallback for the rest.
        log.warning("ledger unavailable", extra={"verb": turn.verb, "case_id": turn.case_id})
        return responses.error(503, "ServiceUnavailable", unavailable.text(turn.locale))
    except DomainError as refused:
        return responses.card(
            cards.to_json(cards.notice_card(refused.text(turn.locale), turn.locale))
        )
    log.info("action done", extra={"verb": turn.verb, "case_id": turn.case_id})
    if isinstance(result, InvokeResponse):
        return result
    return responses.card(redraws.answer_with_pending(result, turn.extra, turn.locale))

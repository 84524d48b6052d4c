"""The Bot Framework handler: text commands, card actions, installation events."""

from __future__ import annotations

import logging

from botbuilder.core import ActivityHandler, CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes

import cards
from cases.model import Status

from . import responses
from .actions import dispatch
from .commands import Command, parse
from .logs import log_context
from .services import Services
from .teams import Where, aad_object_id, command_text, locale, where

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"


class StoraArendenBot(ActivityHandler):
    def __init__(self, services: Services) -> None:
        self._services = services

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        # Type and Teams' own ids only: never the text or the card data.
        with log_context(
            activity_type=activity.type, activity_name=activity.name, activity_id=activity.id
        ):
            await self._on_turn(turn_context)

    async def _on_turn(self, turn_context: TurnContext) -> None:
        place = where(turn_context.activity)
        if not self._serves(place):
            log.warning(
                "activity from outside the configured tenant or team ignored",
                extra={"type": turn_context.activity.type},
            )
            if turn_context.activity.type == ActivityTypes.invoke:
                await _reply_invoke(turn_context, responses.error(403, "Forbidden", "Forbidden"))
            return
        await super().on_turn(turn_context)

    def _serves(self, place: Where) -> bool:
        settings = self._services.settings
        if settings.allowed_tenant and place.tenant_id != settings.allowed_tenant:
            return False
        if settings.team_id and place.team_id and settings.team_id not in (
            place.team_id,
            place.team_aad_group_id,
        ):
            return False
        return True

    # -- text commands ---------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        lang = locale(activity)
        command = parse(command_text(activity))
        log.info("command", extra={"command": command.value})
        card = await self._card_for(command, activity, lang)
        await turn_context.send_activity(
            MessageFactory.attachment(CardFactory.adaptive_card(cards.to_json(card)))
        )

    async def _card_for(self, command: Command, activity: Activity, lang: str):  # noqa: ANN202
        services = self._services
        match command:
            case Command.REGISTER:
                return cards.register_form(lang)
            case Command.TRIAGE:
                return cards.triage_form(lang)
            case Command.EMAIL:
                return cards.email_form(lang)
            case Command.QUEUE:
                open_cases = await services.ledger.list([Status.NY, Status.PABORJAD])
                return cards.queue_card(
                    open_cases, now=services.clock(), locale=lang, title=cards.texts.t("queue_title", lang)
                )
            case Command.MINE:
                me = await services.signatures.signature_of(aad_object_id(activity))
                if not me:
                    return cards.signature_form(lang, {})
                open_cases = await services.ledger.list([Status.NY, Status.PABORJAD])
                mine = [c for c in open_cases if me in (c.handler, c.registered_by)]
                return cards.queue_card(
                    mine,
                    now=services.clock(),
                    locale=lang,
                    title=cards.texts.t("mine_title", lang),
                    empty=cards.texts.t("mine_empty", lang),
                )
            case _:
                return cards.help_card(lang)

    # -- card actions ------------------------------------------------------
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        # botbuilder 4.17.1's own adaptive-card path answers every Action.Execute
        # with HTTP 500 (DESIGN §9); route the invoke ourselves.
        if turn_context.activity.name == ADAPTIVE_CARD_ACTION:
            try:
                return await dispatch(turn_context, self._services)
            except Exception:
                log.exception("action failed")
                lang = locale(turn_context.activity)
                return responses.error(500, "InternalError", cards.texts.t("internal_error", lang))
        return await super().on_invoke_activity(turn_context)

    # -- installation ------------------------------------------------------
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        if await self._services.team_channels.remember(turn_context.activity):
            log.info("installed in a team; its channel is kept for case cards and notices")
        await self._greet(turn_context)

    async def on_members_added_activity(self, members_added, turn_context: TurnContext) -> None:  # noqa: ANN001
        # Teams may announce the team install as a conversationUpdate only.
        bot_id = turn_context.activity.recipient.id
        if any(member.id == bot_id for member in members_added or []):
            await self._services.team_channels.remember(turn_context.activity)

    async def _greet(self, turn_context: TurnContext) -> None:
        lang = locale(turn_context.activity)
        await turn_context.send_activity(
            MessageFactory.attachment(CardFactory.adaptive_card(cards.to_json(cards.help_card(lang))))
        )


async def _reply_invoke(turn_context: TurnContext, response: InvokeResponse) -> None:
    await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))

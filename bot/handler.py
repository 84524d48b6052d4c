"""The Bot Framework handler: text commands, card actions, installation events."""

from __future__ import annotations

import logging

from botbuilder.core import (
    ActivityHandler,
    InvokeResponse,
    MessageFactory,
    TurnContext,
)
from botbuilder.schema import Activity, ActivityTypes
from microsoft_teams.cards import AdaptiveCard

import cards

from . import responses
from .actions import dispatch
from .admin import admin_card
from .card_payload import CardJson, card_message
from .commands import Command, parse
from .gate import Gate, Refusal
from .logs import log_context
from .queue_view import queue_json
from .services import Services
from .stats_view import stats_card
from .teams import aad_object_id, command_text, display_name, locale, user_mri, where

log = logging.getLogger(__name__)

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"


class StoraArendenBot(ActivityHandler):
    def __init__(self, services: Services) -> None:
        self._services = services
        self._gate = Gate(services.settings, services.team_channels, services.roster)

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        # Type and Teams' own ids only: never the text or the card data.
        with log_context(
            activity_type=activity.type, activity_name=activity.name, activity_id=activity.id
        ):
            await self._on_turn(turn_context)

    async def _on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if _installs_in_a_team(activity):
            await self._on_team_installation(turn_context)
            return
        refusal = await self._gate.check(turn_context)
        if refusal is None:
            await super().on_turn(turn_context)
            return
        log.warning("activity refused", extra={"reason": refusal.name, "type": activity.type})
        text = cards.texts.t(refusal.value, locale(activity))
        if activity.type == ActivityTypes.invoke:
            status, code = (
                (503, "ServiceUnavailable") if refusal is Refusal.UNKNOWN else (403, "Forbidden")
            )
            await _reply_invoke(turn_context, responses.error(status, code, text))
        elif activity.type == ActivityTypes.message and refusal is not Refusal.TENANT:
            # Words only: no case ids, no buttons. Another tenant gets nothing at all.
            await turn_context.send_activity(MessageFactory.text(text))

    async def _on_team_installation(self, turn_context: TurnContext) -> None:
        """The bot added to a team: bind or keep the served team; refuse any other."""
        activity = turn_context.activity
        if self._gate.tenant_refused(turn_context):
            log.warning("installation in another tenant ignored")
            return
        if not await self._services.team_channels.remember(activity):
            log.warning("installation in a team the bot does not serve refused")
            if activity.type == ActivityTypes.installation_update and activity.action == "add":
                text = cards.texts.t(Refusal.TEAM.value, locale(activity))
                await turn_context.send_activity(MessageFactory.text(text))
            return
        log.info("installed in the served team; its channel is kept for case cards and notices")
        if activity.type == ActivityTypes.installation_update and activity.action == "add":
            await self._greet(turn_context)

    # -- text commands ---------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        lang = locale(activity)
        command = parse(command_text(activity))
        log.info("command", extra={"command": command.value})
        card = await self._card_for(command, activity, lang)
        json = card if isinstance(card, CardJson) else cards.to_json(card)
        await turn_context.send_activity(card_message(json))

    async def _card_for(
        self, command: Command, activity: Activity, lang: str
    ) -> AdaptiveCard | CardJson:
        services = self._services
        match command:
            case Command.REGISTER:
                return cards.register_form(lang)
            case Command.TRIAGE:
                return cards.triage_form(lang)
            case Command.EMAIL:
                return cards.email_form(lang)
            case Command.QUEUE | Command.MINE:
                # Drawn for the asker: their buttons, and Teams refreshes it for them.
                me, names = await services.signatures.signature_and_names(
                    aad_object_id(activity), display_name(activity)
                )
                view = cards.MINE_VIEW if command is Command.MINE else cards.QUEUE_VIEW
                if view == cards.MINE_VIEW and not me:
                    return services.signatures.form(lang, {})
                return await queue_json(
                    services, view=view, viewer=me, mri=user_mri(activity), locale=lang,
                    names=names,
                )  # fmt: skip
            case Command.STATS:
                return await stats_card(services, lang)
            case Command.SIGNATURES | Command.RELEASE:
                return await admin_card(command, activity, services, lang)
            case _:
                return cards.help_card(lang)

    # -- card actions ------------------------------------------------------
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        # botbuilder 4.17.1's own adaptive-card path answers every Action.Execute
        # with HTTP 500 (bot/responses.py says why); route the invoke ourselves.
        if turn_context.activity.name == ADAPTIVE_CARD_ACTION:
            try:
                return await dispatch(turn_context, self._services)
            except Exception:
                log.exception("action failed")
                lang = locale(turn_context.activity)
                return responses.error(500, "InternalError", cards.texts.t("internal_error", lang))
        # botbuilder answers other invoke names 501; it is the sender's mistake
        # (the bot's manifest offers no other), so a 400 says so.
        log.info("invoke not handled: answered 400")
        return InvokeResponse(status=400)

    # -- installation ------------------------------------------------------
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        # Team installations are taken in _on_team_installation; this is a 1:1 or chat.
        await self._greet(turn_context)

    async def _greet(self, turn_context: TurnContext) -> None:
        lang = locale(turn_context.activity)
        await turn_context.send_activity(card_message(cards.to_json(cards.help_card(lang))))


async def _reply_invoke(turn_context: TurnContext, response: InvokeResponse) -> None:
    await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))


def _installs_in_a_team(activity: Activity) -> bool:
    """installationUpdate in a team, or the conversationUpdate that adds the bot to one."""
    if not where(activity).team_id:
        return False
    if activity.type == ActivityTypes.installation_update:
        return (activity.action or "").startswith("add")  # "add", "add-upgrade"
    bot_id = activity.recipient.id if activity.recipient else None
    added = (
        activity.members_added or [] if activity.type == ActivityTypes.conversation_update else []
    )
    return any(member.id == bot_id for member in added)

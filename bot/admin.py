"""The admins' text commands: list the bound signatures, release one.

Releasing is the only way a signature leaves its owner (bot/identity.py), so
it is kept to the accounts in ``STORA_ADMINS``; anyone else is told no and
learns nothing, not even who holds which signature.
"""

from __future__ import annotations

import logging

from botbuilder.schema import Activity
from microsoft_teams.cards import AdaptiveCard

import cards
from cases import validation
from cases.errors import InvalidInput

from .commands import Command, argument
from .config import Settings
from .services import Services
from .teams import aad_object_id, command_text

log = logging.getLogger(__name__)
t = cards.texts.t


def is_admin(settings: Settings, aad: str) -> bool:
    admins = {part.strip().casefold() for part in settings.admins.split(",") if part.strip()}
    return bool(aad) and aad.casefold() in admins


async def admin_card(
    command: Command, activity: Activity, services: Services, lang: str
) -> AdaptiveCard:
    if not is_admin(services.settings, aad_object_id(activity)):
        log.warning("admin command refused", extra={"command": command.value})
        return cards.notice_card(t("admins_only", lang), lang)
    if command is Command.SIGNATURES:
        return cards.signature_list_card(await services.signatures.bindings(), lang)
    return await _release(argument(command_text(activity)), services, lang)


async def _release(typed: str, services: Services, lang: str) -> AdaptiveCard:
    if not typed:
        return cards.notice_card(t("release_needs_signature", lang), lang)
    try:
        signature = validation.signature(typed)
    except InvalidInput as bad:
        return cards.notice_card(bad.text(lang), lang)
    released = await services.signatures.release(signature)
    if released is None:
        return cards.notice_card(t("signature_not_bound", lang, signature=signature), lang)
    log.info("signature released by an admin")
    name = released.name or t("signatures_no_name", lang)
    return cards.notice_card(t("signature_released", lang, signature=signature, name=name), lang)

"""The aiohttp application: ``POST /api/messages`` and ``GET /healthz``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from aiohttp.web import Request, Response
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

import cards
from cases.clock import stockholm_now
from cases.errors import DomainError
from cases.ledger import Ledger
from cases.workbook import LocalWorkbookLedger

from .case_cards import CaseCards
from .config import Settings
from .handler import StoraArendenBot
from .identity import SignatureBook
from .services import Services
from .storage import JsonFileStorage
from .teams import locale
from .team_channel import TeamChannelBook

log = logging.getLogger(__name__)

SERVICES = web.AppKey("services", Services)


def create_app(
    settings: Settings,
    *,
    ledger: Ledger | None = None,
    clock: Callable[[], datetime] = stockholm_now,
) -> web.Application:
    if not settings.authenticated:
        log.warning(
            "No MicrosoftAppId set: requests are NOT authenticated. "
            "Listening on %s only; set MicrosoftAppId for Teams.",
            settings.bind_host,
        )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(settings.bot_framework_configuration()))
    adapter.on_turn_error = _on_turn_error
    storage = JsonFileStorage(settings.state_dir)
    services = Services(
        settings=settings,
        # Give up on a locked workbook well inside Teams' 5 s for a click.
        ledger=ledger or LocalWorkbookLedger(settings.workbook, lock_timeout=2.5),
        signatures=SignatureBook(storage),
        case_cards=CaseCards(adapter, storage, app_id=settings.app_id, clock=clock),
        team_channels=TeamChannelBook(storage),
        clock=clock,
    )
    bot = StoraArendenBot(services)

    async def messages(request: Request) -> Response:
        return await adapter.process(request, bot)

    async def healthz(_request: Request) -> Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app[SERVICES] = services
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


async def _on_turn_error(turn_context, error: Exception) -> None:  # noqa: ANN001
    # The message of an unexpected error may quote customer input: log the type only.
    log.error("unhandled error in turn: %s", type(error).__name__, exc_info=False)
    if turn_context.activity.type == "message":
        await turn_context.send_activity(error_text(error, locale(turn_context.activity)))


def error_text(error: Exception, lang: str) -> str:
    """What the agent reads: the domain's own words when it has them, else a plain apology."""
    if isinstance(error, DomainError):
        return error.text(lang)
    return cards.texts.t("internal_error", lang)

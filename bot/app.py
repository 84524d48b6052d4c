"""The aiohttp application: ``POST /api/messages``, ``GET /healthz`` and ``GET /readyz``."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

from aiohttp import web
from aiohttp.web import Request, Response, StreamResponse
from azure.core.credentials_async import AsyncTokenCredential
from botbuilder.core import Storage, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import ServiceClientCredentialsFactory

import cards
from cases.clock import stockholm_now
from cases.errors import DomainError
from cases.ledger import Ledger
from graph.deadline import request_budget
from local_workbook.ledger import LocalWorkbookLedger

from .background import BackgroundWork
from .bearer import BearerCheck
from .case_cards import CaseCards
from .config import Settings
from .endpoint import MessagesEndpoint, refusals
from .handler import StoraArendenBot
from .health import LedgerProbe
from .late_edit_book import LateEditBook
from .late_edits import LateEditChecks, edits_arrive_late
from .mail_drafts import make_drafts
from .membership import TeamRoster
from .notify import business_calendar, install_notifications
from .posting import Poster
from .reach import GuardedAuthentication
from .redelivery import Redelivery
from .redraw_retries import RedrawRetries
from .reservations import StorageReservations
from .reused_clients import ReusedClients
from .services import Services
from .signature_source import make_signatures
from .signing_keys import SigningKeys
from .state import create_storage, storage_context
from .team_channel import TeamChannelBook
from .teams import locale

log = logging.getLogger(__name__)

SERVICES = web.AppKey("services", Services)
# Work outside requests (the notifier's scans) registers here, so that a
# shutdown lets it finish: see bot/background.py.
BACKGROUND = web.AppKey("background", BackgroundWork)
REDRAWS = web.AppKey("redraws", RedrawRetries)
LATE_EDITS = web.AppKey("late_edits", LateEditChecks)


def freeze_start_up() -> None:
    """Take what start-up built out of the garbage collector's way, once, in the
    process that serves (``python -m bot``); never in tests, which build many apps.

    Modules, card models and the app live as long as the process. Frozen
    (``gc.freeze``), a full collection walks only what turns leave behind:
    bench.scan on Graph at 10,000 rows saw full collections of ~177,000
    objects take 105-130 ms, one scan in eight; frozen, 2-4 ms.

    Nothing that holds customer data may be loaded before it: the collector
    never looks at frozen objects again, and an openpyxl workbook is made of
    reference cycles, so one replaced after an Excel save would stay in memory
    for good. ``create_app`` loads no workbook; the Graph warm-up and the
    first local load come after, once the app serves.
    """
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings,
    *,
    ledger: Ledger | None = None,
    clock: Callable[[], datetime] = stockholm_now,
    graph_credential: AsyncTokenCredential | None = None,
    retry_sleep: Callable[[float], Awaitable[object]] | None = None,
    credentials_factory: ServiceClientCredentialsFactory | None = None,
    signing_keys: SigningKeys | None = None,
) -> web.Application:
    """``graph_credential``: for the signature directory and the mailbox's drafts
    (default: from the settings).

    ``retry_sleep``: how a post waits before its retry (default: the background's
    sleep, which a shutdown wakes); tests pass one that only records.

    ``credentials_factory``: the bot's own credentials for outgoing calls
    (default: from MicrosoftAppId and MicrosoftAppPassword). ``signing_keys``:
    where the Bot Connector's token-signing keys come from (default: the
    Bot Framework's, ``STORA_OPENID_METADATA_URL``).
    """
    if not settings.authenticated:
        log.warning(
            "No MicrosoftAppId set: requests are NOT authenticated. "
            "Listening on %s only; set MicrosoftAppId for Teams.",
            settings.bind_host,
        )
    if problem := settings.team_problem():
        raise ValueError(problem)
    auth = GuardedAuthentication(
        ReusedClients(
            ConfigurationBotFrameworkAuthentication(
                settings.bot_framework_configuration(), credentials_factory=credentials_factory
            )
        ),
        settings.reach_policy(),
    )
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = _on_turn_error
    storage = create_storage(settings)  # a folder locally, Azure Blob storage in Azure
    ledger = ledger or default_ledger(settings)
    share_reservations(ledger, storage)
    background = BackgroundWork()
    # One Poster for every proactive message: notices and card redraws share
    # its pacing per channel, so together they stay inside Teams' rate limits.
    poster = Poster(
        adapter,
        app_id=settings.app_id,
        per_second=settings.notify_posts_per_second,
        sleep=background.sleep if retry_sleep is None else retry_sleep,
        stopping=lambda: background.stopping,
    )
    signatures = make_signatures(settings, storage, ledger, graph_credential)
    case_cards = CaseCards(
        adapter, storage, app_id=settings.app_id, clock=clock, poster=poster, names=signatures.names
    )
    redraws = RedrawRetries(case_cards, ledger, background, interval=settings.redraw_retry_seconds)
    late_edits = None
    if settings.graph_late_edit_check > 0 and edits_arrive_late(ledger):
        late_edits = LateEditChecks(
            book=LateEditBook(storage, clock),
            ledger=ledger,
            case_cards=case_cards,
            poster=poster,
            work=background,
            clock=clock,
            delay=settings.graph_late_edit_check,
            redraw=redraws.run,
        )
    services = Services(
        settings=settings,
        ledger=ledger,
        signatures=signatures,
        case_cards=case_cards,
        team_channels=TeamChannelBook(storage, configured_team=settings.team_id),
        roster=TeamRoster(
            member_ttl=settings.membership_ttl_seconds, outsider_ttl=settings.outsider_ttl_seconds
        ),
        clock=clock,
        redelivery=Redelivery(storage),
        late_edits=late_edits,
        calendar=business_calendar(settings),
        drafts=make_drafts(settings, graph_credential),
    )
    bot = StoraArendenBot(services)
    probe = LedgerProbe(services.ledger)

    keys = None
    if settings.authenticated:
        keys = signing_keys or SigningKeys(settings.openid_metadata_url)
    endpoint = MessagesEndpoint(
        adapter, auth, bot, bearer=BearerCheck(settings.app_id, keys) if keys else None
    )

    async def messages(request: Request) -> StreamResponse:
        # All Graph work for one activity shares one budget inside Teams' 5 s.
        with request_budget(settings.graph_click_budget):
            return await endpoint(request)

    async def healthz(_request: Request) -> Response:
        return web.json_response({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        if background.stopping:
            return web.json_response({"status": "stopping"}, status=503)
        readiness = await probe.check()
        if readiness.ready:
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready", "ledger": readiness.reason}, status=503)

    async def drain_background(_app: web.Application) -> None:
        # aiohttp has stopped listening; turns in flight go on meanwhile, and
        # aiohttp waits for them (shutdown_timeout) once this returns.
        await background.drain(settings.shutdown_timeout)

    # The middleware gives every request its correlation id (on every line
    # logged while it is handled) and logs each refused one once.
    app = web.Application(middlewares=[refusals])
    app[SERVICES] = services
    app[BACKGROUND] = background
    app[REDRAWS] = redraws
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.on_shutdown.append(drain_background)
    if keys is not None:
        app.on_cleanup.append(lambda _app: keys.close())
    app.cleanup_ctx.append(storage_context(storage))
    app.cleanup_ctx.append(_ledger_context(services.ledger))
    app.cleanup_ctx.append(_closed_at_shutdown(services.signatures))  # the directory's client
    app.cleanup_ctx.append(_closed_at_shutdown(services.drafts))  # the mailbox's client
    app.on_startup.append(redraws.start)
    before_scan: Callable[[], Awaitable[object]] = redraws.run
    if late_edits is not None:
        app[LATE_EDITS] = late_edits
        app.on_startup.append(late_edits.start)
        before_scan = _first(late_edits.run, redraws.run)
    install_notifications(
        app,
        services,
        storage=storage,
        background=background,
        poster=poster,
        before_scan=before_scan,
    )
    return app


def _first(
    checks: Callable[[], Awaitable[object]], passes: Callable[[], Awaitable[object]]
) -> Callable[[], Awaitable[object]]:
    """Due late-edit checks, then the redraw pass: it draws the cards the checks armed."""

    async def both() -> object:
        await checks()
        return await passes()

    return both


def default_ledger(settings: Settings) -> Ledger:
    """The team's workbook through Graph when its settings are given, else the local one."""
    graph = settings.graph_config()
    if graph.configured:
        from graph.ledger import GraphLedger

        return GraphLedger.create(graph)
    # Give up on a locked workbook well inside Teams' 5 s for a click.
    return LocalWorkbookLedger(settings.workbook, lock_timeout=2.5)


def share_reservations(ledger: Ledger, storage: Storage) -> None:
    """The Graph ledger takes IDs and each case's turn in the state all instances share.

    Two or more instances on one workbook then never issue the same Ärende-ID
    nor both change a case from the same state (``graph.ids``,
    ``graph.case_turns``); the local workbook needs none, its file lock does it.
    """
    use = getattr(ledger, "use_reservations", None)
    if use is not None:
        use(StorageReservations(storage))


def _closed_at_shutdown(resource: object) -> Callable[[web.Application], AsyncIterator[None]]:
    """Close ``resource`` at shutdown, if it has anything to close (``aclose``)."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        yield
        close = getattr(resource, "aclose", None)
        if close is not None:
            await close()

    return context


def _ledger_context(ledger: Ledger) -> Callable[[web.Application], AsyncIterator[None]]:
    """Open a Graph Ledger's session before the first click, close it at shutdown."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        warm_up = getattr(ledger, "warm_up", None)
        if warm_up is not None:
            try:
                await warm_up()
            except Exception as failed:  # noqa: BLE001 - the first click tries again
                log.warning("workbook not reachable at start-up: %s", type(failed).__name__)
        yield
        close = getattr(ledger, "aclose", None)
        if close is not None:
            await close()

    return context


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    # The message of an unexpected error may quote customer input: log the type only.
    log.error("unhandled error in turn: %s", type(error).__name__, exc_info=False)
    if turn_context.activity.type == "message":
        await turn_context.send_activity(error_text(error, locale(turn_context.activity)))


def error_text(error: Exception, lang: str) -> str:
    """What the agent reads: the domain's own words when it has them, else a plain apology."""
    if isinstance(error, DomainError):
        return error.text(lang)
    return cards.texts.t("internal_error", lang)

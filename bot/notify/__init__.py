"""Team notifications on stalled cases (docs/notifications.md).

``install_notifications`` wires them into the aiohttp app: the notifier built
from the settings, ``POST /api/notify``, and the in-process schedule. The
``Poster`` is the app's own (``create_app``), shared with the case cards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time, timedelta

from aiohttp import web
from botbuilder.core import Storage

from cases.business_time import BusinessCalendar, swedish_holidays
from cases.stalls import StallRules

from ..background import BackgroundWork
from ..config import Settings
from ..posting import Poster, PostFailed, RetryPolicy
from ..services import Services
from .book import NoticeBook
from .notifier import ScanReport, StallNotifier
from .schedule import NOTIFY_PATH, Schedule, notify_handler

__all__ = [
    "NOTIFIER",
    "NOTIFY_PATH",
    "SCHEDULE",
    "PostFailed",
    "Poster",
    "RetryPolicy",
    "ScanReport",
    "StallNotifier",
    "business_calendar",
    "install_notifications",
    "stall_rules",
]

NOTIFIER = web.AppKey("notifier", StallNotifier)
SCHEDULE = web.AppKey("notify_schedule", Schedule)


def business_calendar(settings: Settings) -> BusinessCalendar:
    categories = [c.strip() for c in settings.business_holidays.split(",") if c.strip()]
    return BusinessCalendar(
        opens=time.fromisoformat(settings.business_opens),
        closes=time.fromisoformat(settings.business_closes),
        days_off=swedish_holidays(categories),
    )


def stall_rules(settings: Settings, calendar: BusinessCalendar) -> StallRules:
    return StallRules(
        new=timedelta(hours=settings.stall_new_hours),
        started=calendar.days(settings.stall_started_days),
        handed_over=timedelta(hours=settings.stall_handed_over_hours),
        escalation=settings.stall_escalation,
    )


def install_notifications(
    app: web.Application,
    services: Services,
    *,
    storage: Storage,
    background: BackgroundWork,
    poster: Poster,
    before_scan: Callable[[], Awaitable[object]] | None = None,
) -> StallNotifier:
    """``before_scan``: more background work ``POST /api/notify`` runs first (the card redraws)."""
    settings = services.settings
    calendar = business_calendar(settings)
    notifier = StallNotifier(
        ledger=services.ledger,
        book=NoticeBook(storage),
        poster=poster,
        team_channels=services.team_channels,
        case_cards=services.case_cards,
        clock=services.clock,
        calendar=calendar,
        rules=stall_rules(settings, calendar),
        digest_window=timedelta(minutes=settings.digest_window_minutes),
        stopping=lambda: background.stopping,
    )
    schedule = Schedule(notifier, background, interval=settings.notify_interval_seconds)
    app[NOTIFIER] = notifier
    app[SCHEDULE] = schedule
    app.router.add_post(
        NOTIFY_PATH,
        notify_handler(notifier, background, settings.notify_secret, before=before_scan),
    )
    app.on_startup.append(schedule.start)
    return notifier

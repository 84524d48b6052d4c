"""The stall scan: read the workbook, see what moved, tell the team what did not.

One scan, whoever triggers it (the in-process schedule or ``POST /api/notify``):

1. list the cases; compare each open case with the last scan (``NoticeBook``),
   so a change made in Excel restarts its stall like one made by the bot;
2. at the start of the business day, post the morning digest of every stalled
   case, once per day;
3. for each stall past its threshold (or past double it), claim its notice in
   the book under the e_tag, then post it, then write how the post went.

Write-then-post makes a notice go out at most once, also across restarts and
instances. A post the Bot Connector refused is posted by a later scan; one
whose fate is unknown (the process died mid-post, a gateway timed out) is
never repeated: the morning digest still lists the case.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from botbuilder.schema import Activity

import cards
from cards.stall import headline
from cases.business_time import BusinessCalendar
from cases.errors import DomainError
from cases.ledger import Ledger
from cases.model import Case
from cases.stalls import Stall, StallRules, Track, observe, rule_for, stall_of

from ..card_payload import card_message
from ..case_cards import CaseCards
from ..logs import log_context, new_id
from ..posting import Poster, PostFailed
from ..team_channel import TeamChannel, TeamChannelBook
from .book import (
    MISSING_DAYS,
    BookBusy,
    Document,
    NoticeBook,
    entry_of,
    may_post,
    same_stall,
    track_of,
)

log = logging.getLogger(__name__)


@dataclass
class ScanReport:
    """What one scan did, in counts: the answer of ``POST /api/notify``."""

    open_cases: int = 0
    stalled: int = 0
    notices: int = 0  # posted by this scan
    failed: int = 0  # claimed by this scan and not posted
    digest: bool = False  # this scan posted the morning digest
    skipped: str | None = None  # "workbook", "busy", "no-channel" or "stopping"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class StallNotifier:
    def __init__(
        self,
        *,
        ledger: Ledger,
        book: NoticeBook,
        poster: Poster,
        team_channels: TeamChannelBook,
        case_cards: CaseCards,
        clock: Callable[[], datetime],
        calendar: BusinessCalendar,
        rules: StallRules,
        digest_window: timedelta,
        locale: str = "sv-SE",
        stopping: Callable[[], bool] = lambda: False,
    ) -> None:
        self._ledger = ledger
        self._book = book
        self._poster = poster
        self._team_channels = team_channels
        self._case_cards = case_cards
        self._clock = clock
        self._calendar = calendar
        self._rules = rules
        self._digest_window = digest_window
        self._locale = locale
        self._stopping = stopping  # the app is shutting down: claim nothing new
        self._lock = asyncio.Lock()  # one scan at a time in this process
        self._running: set[asyncio.Task[ScanReport]] = set()
        self.scans = 0  # finished scans, for tests and the health of the schedule
        self._told_no_channel = False

    # -- running -------------------------------------------------------------

    async def run(self) -> ScanReport:
        """A scan that is not cut short when its caller goes away (a client hanging up)."""
        task = asyncio.create_task(self.scan())
        self._running.add(task)  # held, so the task outlives a cancelled caller
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def scan(self) -> ScanReport:
        async with self._lock:
            try:
                with log_context(correlation_id=new_id(), work="stall scan"):
                    return await self._scan()
            finally:
                self.scans += 1

    # -- one scan ------------------------------------------------------------

    async def _scan(self) -> ScanReport:
        now = self._clock()
        report = ScanReport()
        try:
            cases = await self._ledger.list()
        except DomainError as problem:  # a locked or misshapen workbook: try again next time
            log.warning(
                "stall scan skipped: the workbook could not be read (%s)", type(problem).__name__
            )
            report.skipped = "workbook"
            return report
        open_cases = {case.case_id: case for case in cases if rule_for(case) is not None}
        listed = {case.case_id for case in cases}
        try:
            tracks, notices = await self._book.change(
                lambda doc: self._observe(doc, open_cases, listed, now)
            )
        except BookBusy:
            log.warning("stall scan skipped: the bot state was too busy")
            report.skipped = "busy"
            return report
        stalls = [
            stall
            for case_id, case in open_cases.items()
            if (stall := stall_of(case, tracks[case_id], self._rules, self._calendar, now))
        ]
        stalls.sort(key=lambda stall: (stall.since, stall.case.case_id))
        report.open_cases, report.stalled = len(open_cases), len(stalls)
        channel = await self._team_channels.get()
        if channel is None:
            log.log(
                logging.DEBUG if self._told_no_channel else logging.INFO,
                "stall notices wait: the bot has not been installed in the team yet",
            )
            self._told_no_channel = True
            report.skipped = "no-channel"
            return report
        try:
            await self._digest(stalls, channel, now, report)
            for stall in stalls:
                if not may_post(notices[stall.case.case_id].get(str(stall.level))):
                    continue  # settled already, as the book said a moment ago
                if self._stopping():
                    report.skipped = "stopping"  # the rest wait for the next scan
                    break
                await self._notice(stall, tracks[stall.case.case_id], channel, now, report)
        except BookBusy:
            log.warning("stall scan stopped early: the bot state was too busy")
            report.skipped = "busy"
        log.info(
            "stall scan: %d open, %d stalled, %d notices posted, digest %s",
            report.open_cases,
            report.stalled,
            report.notices,
            report.digest,
        )
        return report

    def _observe(
        self,
        document: Document | None,
        open_cases: dict[str, Case],
        listed: set[str],
        now: datetime,
    ) -> tuple[Document | None, tuple[dict[str, Track], dict[str, dict[str, Any]]]]:
        """Each open case's track after this scan, and its notices as the book holds them."""
        first = document is None
        document = document or {"cases": {}}
        entries: dict[str, Any] = document.setdefault("cases", {})
        changed = first
        tracks: dict[str, Track] = {}
        for case_id, case in open_cases.items():
            entry = entries.get(case_id)
            previous = track_of(entry) if entry else None
            track = observe(previous, case, now)
            assert track is not None  # open cases can stall
            tracks[case_id] = track
            if entry is None or track != previous:
                entries[case_id] = entry_of(
                    track, self._baseline(case, track, now) if first else None
                )
                changed = True
            elif entry.pop("missing_since", None) is not None:
                changed = True
        for case_id in [c for c in entries if c not in open_cases]:
            if case_id in listed:  # handled: nothing more to say about it
                del entries[case_id]
                changed = True
                continue
            missing = entries[case_id].get("missing_since")
            if missing is None:
                entries[case_id]["missing_since"] = now.isoformat()
                changed = True
            elif now - datetime.fromisoformat(missing) > timedelta(days=MISSING_DAYS):
                del entries[case_id]
                changed = True
        notices = {case_id: dict(entries[case_id]["notices"]) for case_id in open_cases}
        return (document if changed else None), (tracks, notices)

    def _baseline(self, case: Case, track: Track, now: datetime) -> dict[str, Any]:
        """At the bot's first scan ever, stalls that are already there get no notice."""
        stall = stall_of(case, track, self._rules, self._calendar, now)
        levels = range(1, stall.level + 1) if stall else range(0)
        return {str(level): {"state": "baseline", "at": now.isoformat()} for level in levels}

    # -- the morning digest --------------------------------------------------

    async def _digest(
        self, stalls: list[Stall], channel: TeamChannel, now: datetime, report: ScanReport
    ) -> None:
        opening = self._calendar.opening_of_today(now)
        if opening is None or now >= opening + self._digest_window:
            return
        day = opening.date().isoformat()
        token = uuid.uuid4().hex

        def claim(document: Document | None) -> tuple[Document | None, bool]:
            document = document or {"cases": {}}
            digest = document.get("digest") or {}
            if digest.get("day") == day and not may_post(digest):
                return None, False
            if not stalls:  # nothing to say today, and nothing said
                document["digest"] = {"day": day, "state": "empty", "at": now.isoformat()}
                return document, False
            tries = digest.get("tries", 0) if digest.get("day") == day else 0
            document["digest"] = {
                "day": day,
                "state": "claimed",
                "token": token,
                "at": now.isoformat(),
                "tries": tries + 1,
            }
            return document, True

        if not await self._book.change(claim):
            return
        names = await self._case_cards.names()
        card = cards.to_json(cards.stall_digest(stalls, self._locale, now=now, names=names))
        activity = card_message(card)
        state = await self._post(
            lambda: self._poster.new_thread(channel.channel_id, channel.service_url, activity),
            "digest",
        )

        def settle(document: Document | None) -> tuple[Document | None, None]:
            digest = (document or {}).get("digest") or {}
            if digest.get("token") != token:
                return None, None
            digest["state"] = state
            return document, None

        await self._book.change(settle)
        report.digest = state == "posted"
        if state != "posted":
            report.failed += 1

    # -- one notice ----------------------------------------------------------

    async def _notice(
        self, stall: Stall, track: Track, channel: TeamChannel, now: datetime, report: ScanReport
    ) -> None:
        case_id, level = stall.case.case_id, str(stall.level)
        token = uuid.uuid4().hex

        def claim(document: Document | None) -> tuple[Document | None, bool]:
            entry = ((document or {}).get("cases") or {}).get(case_id)
            if not same_stall(entry, track):  # it moved on since this scan looked
                return None, False
            notices = entry["notices"]
            if not may_post(notices.get(level)):
                return None, False
            for lower in range(1, stall.level):  # an escalation stands for what it skipped
                notices.setdefault(str(lower), {"state": "superseded", "at": now.isoformat()})
            tries = (notices.get(level) or {}).get("tries", 0)
            notices[level] = {
                "state": "claimed",
                "token": token,
                "at": now.isoformat(),
                "tries": tries + 1,
            }
            return document, True

        if not await self._book.change(claim):
            return
        locale = await self._case_cards.locale_of(case_id) or self._locale
        names = await self._case_cards.names()
        card = cards.to_json(cards.stall_notice(stall, locale, now=now, names=names))
        activity = card_message(card)
        activity.summary = headline(stall, locale)
        state = await self._post(lambda: self._send_notice(case_id, channel, activity), case_id)

        def settle(document: Document | None) -> tuple[Document | None, None]:
            entry = ((document or {}).get("cases") or {}).get(case_id) or {}
            notice = (entry.get("notices") or {}).get(level)
            if not notice or notice.get("token") != token:
                return None, None
            notice["state"] = state
            return document, None

        await self._book.change(settle)
        if state == "posted":
            report.notices += 1
            log.info(
                "stall notice posted",
                extra={"case_id": case_id, "rule": stall.rule.value, "level": level},
            )
        else:
            report.failed += 1

    async def _send_notice(self, case_id: str, channel: TeamChannel, activity: Activity) -> None:
        """Under the case's card when it is in the team's channel, else a post of its own there."""
        thread = await self._case_cards.thread(case_id)
        if thread is not None and _root(thread.conversation.id) == _root(channel.channel_id):
            await self._poster.reply(thread, activity)
        else:
            await self._poster.new_thread(channel.channel_id, channel.service_url, activity)

    async def _post(self, send: Callable[[], Awaitable[object]], what: str) -> str:
        try:
            await send()
        except PostFailed as failure:
            outcome = "failed" if failure.definite else "unknown"
            log.warning("stall post for %s not posted (HTTP %s): %s", what, failure.status, outcome)
            return outcome
        except Exception as error:  # noqa: BLE001 - any other failure: it may have gone out
            log.warning("stall post for %s: outcome unknown (%s)", what, type(error).__name__)
            return "unknown"
        return "posted"


def _root(conversation_id: str) -> str:
    return conversation_id.split(";", maxsplit=1)[0]

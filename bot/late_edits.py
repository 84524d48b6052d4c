"""Edits in Excel for the web that land after the bot's write: caught a few seconds later.

A person's edit reaches Graph about 5 s after Excel for the web shows it saved
(docs/graph.md). So within that window a claim typed in Excel can land right
after the bot's write to the same row and overwrite it, and the Ledger's
expected-state check, made before the write, could not see it coming. The bot
cannot prevent that; it finds out and says so:

1. after each write to the case's row (registration, claim, hand-over,
   take-over, close, correction) a check is scheduled ``STORA_GRAPH_LATE_EDIT_CHECK``
   seconds later, kept in bot state (``bot.late_edit_book``);
2. the check reads the case through the Ledger (``ledger.get``: its lock, one
   request at a time) and compares each column the write put there;
3. when one differs, the case's card is redrawn from the workbook (the redraw
   outbox, ``bot.redraws``), and the agent who acted is told in the card's
   thread, @mentioned: the Ärende-ID and the columns' headers, never a value.
   Neither version is kept silently: the workbook keeps the person's, the
   agent learns theirs was overwritten.

After a close the routine requires the row to hold no customer data. When the
edit that landed put some back and the case is still Hanterad, the check wipes
it again (through ``ledger.update``, expected state and read-back included)
and says so; when the case is not Hanterad any more (a person reopened it in
Excel) wiping could destroy their work, so the agent is told to look at the
row instead, as when the wipe fails. The check reads the case's row only: a
second row of the same ID (a repeated registration, ``graph.twins``) is the
Graph Ledger's own to clear, by the close itself and by its twin clean-up.

Only a store whose people's edits can arrive late has the checks: the Graph
Ledger says so (``person_edits_arrive_late``); the local workbook has no
co-authors. Checks run when due from a timer per write, a pass at start-up
(what a stopped process left), and ``POST /api/notify``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from botbuilder.core import MessageFactory
from botbuilder.schema import ChannelAccount, ConversationReference, Mention

import cards
from cases import written
from cases.columns import UnreadableRow
from cases.errors import CaseNotFound, DomainError
from cases.ledger import Ledger
from cases.model import CUSTOMER_FIELDS, Case, Status

from . import redraws
from .background import BackgroundWork, ShuttingDown
from .case_cards import CaseCards
from .late_edit_book import LateEditBook
from .posting import Poster, PostFailed

log = logging.getLogger(__name__)

# A timer wakes this much after a check is due: the check's due time is on the
# bot's clock, the timer's sleep on the event loop's; one must not beat the other.
SLACK = 0.5


def edits_arrive_late(ledger: Ledger) -> bool:
    return bool(getattr(ledger, "person_edits_arrive_late", False))


@dataclass
class LateEditReport:
    checked: int = 0
    changed: int = 0
    told: int = 0
    pending: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    text: str  # a key of cards.texts
    columns: list[str]


class LateEditChecks:
    def __init__(
        self,
        *,
        book: LateEditBook,
        ledger: Ledger,
        case_cards: CaseCards,
        poster: Poster,
        work: BackgroundWork,
        clock: Callable[[], datetime],
        delay: float,
        redraw: Callable[[], Awaitable[object]],
    ) -> None:
        self.book = book
        self._ledger = ledger
        self._cards = case_cards
        self._poster = poster
        self._work = work
        self._clock = clock
        self.delay = delay
        self._redraw_pass = redraw
        self._lock = asyncio.Lock()  # one pass at a time in this process
        self._running: set[asyncio.Future[LateEditReport]] = set()

    # -- scheduling ------------------------------------------------------------

    async def after_write(
        self, before: Case | None, stored: Case, *, verb: str, agent: dict[str, str],
        reference: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        """Check ``stored``'s row again in ``delay`` seconds. Never raises: the write is stored."""
        due = self._clock() + timedelta(seconds=self.delay)
        try:
            await self.book.schedule(
                before, stored, verb=verb, due=due, agent=agent, reference=reference
            )
        except Exception as failure:  # noqa: BLE001 - the change stands; the gap is logged
            log.error(
                "late-edit check not scheduled (%s)",
                type(failure).__name__,
                extra={"case_id": stored.case_id},
            )
            return
        self._wake_in(self.delay)

    def _wake_in(self, seconds: float) -> None:
        with contextlib.suppress(ShuttingDown):  # kept in bot state: the next start runs it
            self._work.spawn(self._wake(seconds), name="late-edit check")

    async def _wake(self, seconds: float) -> None:
        if await self._work.sleep(seconds + SLACK):
            return
        try:
            async with self._work.unit("late-edit check"):
                await self.run()
        except ShuttingDown:
            return

    async def start(self, _app: web.Application) -> None:
        """For ``app.on_startup``: what a stopped process left, now and when it falls due."""
        self._wake_in(0.0)
        self._wake_in(self.delay)

    # -- a pass ------------------------------------------------------------------

    async def run(self) -> LateEditReport:
        """Run every check that is due; a caller that goes away does not cut it short."""
        task = asyncio.ensure_future(self._locked_pass())
        self._running.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def _locked_pass(self) -> LateEditReport:
        async with self._lock:
            return await self._pass()

    async def _pass(self) -> LateEditReport:
        report = LateEditReport()
        try:
            claimed = await self.book.claim_due()
        except Exception as failure:  # noqa: BLE001 - state unreachable: the next pass
            log.warning("late-edit checks skipped: state not read (%s)", type(failure).__name__)
            return report
        redraw = False
        for check_id, token, check in claimed:
            case_id = check["case_id"]
            try:
                redraw |= await self._one(check_id, token, check, report)
            except Exception as failure:  # noqa: BLE001 - workbook or Teams unavailable: later
                log.warning(
                    "late-edit check deferred (%s)",
                    type(failure).__name__,
                    extra={"case_id": case_id},
                )
                await self._again(check_id, token, check, report)
        if redraw:
            await self._redraw_cards()
        return report

    async def _one(
        self, check_id: str, token: str, check: dict[str, Any], report: LateEditReport
    ) -> bool:
        """One check; True when the case's card must be redrawn."""
        case_id = check["case_id"]
        if check.get("tell"):
            await self._tell(check_id, token, check, Finding(**check["tell"]), report)
            return False
        if await self.book.superseded(check_id, check):
            await self.book.done(check_id, token)
            return False
        report.checked += 1
        finding = await self._compare(check_id, check)
        if finding is None:
            await self.book.done(check_id, token)
            return False
        report.changed += 1
        # Column names only: a customer column's value is customer data.
        log.warning(
            "row changed in Excel at the same moment as the bot's write (%s)",
            ", ".join(finding.columns),
            extra={"case_id": case_id},
        )
        await redraws.redraw_later(self._cards, case_id)
        await self._tell(check_id, token, check, finding, report)
        return True

    async def _compare(self, check_id: str, check: dict[str, Any]) -> Finding | None:
        try:
            case = await self._ledger.get(check["case_id"])
        except CaseNotFound:
            return Finding("late_edit_gone", [])
        except UnreadableRow as unreadable:  # a value typed by hand the bot cannot read
            return Finding("late_edit", [unreadable.header])
        columns = written.changed_headers(case, check["written"], self.book.secret)
        if not columns:
            return None
        if await self.book.superseded(check_id, check):
            # A click's own write may have landed while this read waited for the
            # workbook, its check scheduled right after: that one covers the row,
            # and this one would blame Excel for the bot's own change.
            return None
        if check["verb"] == "close":
            return await self._after_close(case, columns, check)
        return Finding("late_edit", columns)

    async def _after_close(self, case: Case, columns: list[str], check: dict[str, Any]) -> Finding:
        if not case.has_customer_data:
            return Finding("late_edit", columns)
        if case.status is not Status.HANTERAD:
            log.error(
                "customer data in a row reopened in Excel during its close",
                extra={"case_id": case.case_id},
            )
            return Finding("late_edit_data_left", columns)
        wiped = case.replace(changed_at=self._clock(), **{name: "" for name in CUSTOMER_FIELDS})
        try:
            again = await self._ledger.update(case, wiped)
        except DomainError as failure:  # a conflict, the workbook unavailable, the wipe refused
            log.error(
                "customer data not wiped again (%s)",
                type(failure).__name__,
                extra={"case_id": case.case_id},
            )
            return Finding("late_edit_data_left", columns)
        log.info("customer data wiped again after a late edit", extra={"case_id": case.case_id})
        # The re-wipe is a write like any other: an edit may land after it too.
        await self.after_write(
            case, again, verb="close", agent=check["agent"], reference=check.get("reference")
        )
        return Finding("late_edit_rewiped", columns)

    # -- telling the agent ---------------------------------------------------------

    async def _tell(
        self,
        check_id: str,
        token: str,
        check: dict[str, Any],
        finding: Finding,
        report: LateEditReport,
    ) -> None:
        where = await self._where(check)
        if where is None:
            log.error(
                "agent not told of a late edit: nowhere to post",
                extra={"case_id": check["case_id"]},
            )
            await self.book.done(check_id, token)
            return
        try:
            await self._poster.reply(where, message(check, finding))
        except PostFailed as failure:
            if not failure.definite:  # it may be in the thread: a second would be worse
                log.warning("late-edit notice may not have been posted (HTTP %s)", failure.status,
                            extra={"case_id": check["case_id"]})  # fmt: skip
                await self.book.done(check_id, token)
                return
            log.info(
                "late-edit notice not posted (HTTP %s)",
                failure.status,
                extra={"case_id": check["case_id"]},
            )
            await self._again(check_id, token, check, report, tell=asdict(finding))
            return
        report.told += 1
        await self.book.done(check_id, token)

    async def _where(self, check: dict[str, Any]) -> ConversationReference | None:
        """The case card's thread, where the team sees the case; else where the click came from."""
        thread = await self._cards.thread(check["case_id"])
        if thread is not None:
            return thread
        if check.get("reference"):
            return ConversationReference().deserialize(check["reference"])
        return None

    async def _again(
        self, check_id: str, token: str, check: dict[str, Any], report: LateEditReport,
        tell: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        due = self._clock() + timedelta(seconds=self.delay)
        try:
            kept = await self.book.again(check_id, token, due=due, tell=tell)
        except Exception as failure:  # noqa: BLE001 - left claimed: it expires and is run again
            log.warning(
                "late-edit check not released (%s)",
                type(failure).__name__,
                extra={"case_id": check["case_id"]},
            )
            return
        if not kept:
            log.error("late-edit check given up", extra={"case_id": check["case_id"]})
            return
        report.pending += 1
        self._wake_in(self.delay)

    async def _redraw_cards(self) -> None:
        try:
            await self._redraw_pass()
        except Exception as failure:  # noqa: BLE001 - the outbox keeps it for the next pass
            log.warning("card redraw after a late edit deferred (%s)", type(failure).__name__)


def message(check: dict[str, Any], finding: Finding) -> Any:
    """The notice: the agent @mentioned, the Ärende-ID and the columns' headers; no values."""
    agent = check.get("agent") or {}
    name = "".join(c for c in agent.get("name", "") if c not in "<>&").strip()
    who = f"<at>{name}</at>" if name and agent.get("mri") else ""
    text = cards.texts.t(
        finding.text,
        agent.get("locale"),
        who=who,
        case_id=check["case_id"],
        columns=", ".join(finding.columns),
    ).strip()
    activity = MessageFactory.text(text)
    if who:
        activity.entities = [
            Mention(mentioned=ChannelAccount(id=agent["mri"], name=name), text=who, type="mention")
        ]
    return activity


def agent_of(activity: Any, locale: str) -> dict[str, str]:
    """Who to tell, from the click: Teams id, display name and language (no customer data)."""
    account = getattr(activity, "from_property", None)
    return {
        "mri": (account and account.id) or "",
        "name": (account and account.name) or "",
        "locale": locale,
    }

"""The retry passes over the redraw outbox (``bot.redraw_outbox``).

A pass reads each pending case from the Ledger, the current truth (not what
the click drew); posts a new case's card it could claim; redraws its card
with the Poster's patient policy; then posts a pending "free to take" notice
it could claim, if the case is still free to take, and a pending "X took over
your case" reply once the card is there to reply under. Several instances may pass
at once: a redraw is a PUT of the whole card, and a post is claimed under the
e_tag before it goes out.

Passes run in-process every ``STORA_REDRAW_RETRY_SECONDS`` (15; 0: off), the
first at start-up, so what a stopped instance left is drawn at once; and as
the first part of ``POST /api/notify``, for an outside scheduler and for tests.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from cases.errors import CaseNotFound
from cases.ledger import Ledger
from cases.model import Case

from . import takeover_notice
from .background import BackgroundWork, ShuttingDown
from .case_cards import CaseCards
from .posting import PostFailed, RetryPolicy
from .redraw_outbox import POST, TAKEN
from .redraws import CARD, NOTICE
from .takeover_notice import TakeOverNotice

log = logging.getLogger(__name__)

# Only these say the card can never be drawn again (the message was deleted in
# Teams, the bot was removed from the team): the entry is dropped. Anything
# else (a 401 while a token is renewed, a 409, ...) is asked again next pass:
# the agent was told the bot keeps trying.
GONE_FOR_GOOD = frozenset({403, 404})


@dataclass
class RedrawReport:
    redrawn: int = 0
    posted: int = 0  # new cases' first cards
    notices: int = 0
    pending: int = 0  # entries left for the next pass
    dropped: int = 0  # given up on: nothing to draw, or Teams refuses for good

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class RedrawRetries:
    def __init__(
        self,
        case_cards: CaseCards,
        ledger: Ledger,
        work: BackgroundWork,
        *,
        interval: float,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._cards = case_cards
        self._outbox = case_cards.outbox
        self._ledger = ledger
        self._work = work
        self.interval = interval
        self._policy = policy  # None: the Poster's own, patient one
        self._lock = asyncio.Lock()  # one pass at a time in this process
        self._running: set[asyncio.Task[RedrawReport]] = set()
        self.passes = 0
        self.first_pass = asyncio.Event()  # for tests and health: the start-up pass is done

    async def start(self, _app: web.Application) -> None:
        """For ``app.on_startup``."""
        if self.interval > 0:
            self._work.spawn(self._loop(), name="card redraws")

    async def _loop(self) -> None:
        # The first pass at once: what a stopped instance left must not wait.
        while True:
            try:
                async with self._work.unit("card redraws"):
                    await self.run()
            except ShuttingDown:
                return
            except Exception as failure:  # noqa: BLE001 - its message may quote a card
                log.error("card redraw pass failed: %s", type(failure).__name__)
            finally:
                self.first_pass.set()
            if await self._work.sleep(self.interval):
                return

    async def run(self) -> RedrawReport:
        """One pass over the outbox; a caller that goes away does not cut it short.

        A pass cut off between claiming a notice and posting it would leave the
        notice claimed, and so never posted.
        """
        task = asyncio.create_task(self._locked_pass())
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def _locked_pass(self) -> RedrawReport:
        async with self._lock:
            try:
                return await self._pass()
            finally:
                self.passes += 1

    async def _pass(self) -> RedrawReport:
        report = RedrawReport()
        try:
            entries = await self._outbox.pending()
        except Exception as failure:  # noqa: BLE001 - the state is unreachable: next pass
            log.warning(
                "card redraws skipped: the outbox could not be read (%s)", type(failure).__name__
            )
            return report
        for case_id, entry in entries.items():
            if self._work.stopping:
                report.pending += 1
                continue
            try:
                await self._retry(case_id, entry, report)
            except Exception as failure:  # noqa: BLE001 - a busy state or workbook: the next pass
                log.warning(
                    "card redraw deferred (%s)", type(failure).__name__, extra={"case_id": case_id}
                )
                report.pending += 1
        if entries:
            log.info(
                "card redraws: %d redrawn, %d posted, %d notices, %d pending, %d dropped",
                report.redrawn,
                report.posted,
                report.notices,
                report.pending,
                report.dropped,
            )
        return report

    async def _retry(self, case_id: str, entry: dict[str, Any], report: RedrawReport) -> None:
        try:
            case = await self._ledger.get(case_id)
        except CaseNotFound:
            log.warning(
                "case left the workbook; its redraws are dropped", extra={"case_id": case_id}
            )
            await self._drop_all(case_id, entry)
            report.dropped += 1
            return
        if entry.get(POST):
            await self._post(case, report)
        if card := entry.get(CARD):
            await self._redraw(case, card["token"], report)
        if entry.get(NOTICE):
            await self._notice(case, report)
        if entry.get(TAKEN):
            await self._taken(case.case_id, post_pending=bool(entry.get(POST)), report=report)

    async def _post(self, case: Case, report: RedrawReport) -> None:
        claimed = await self._outbox.claim_post(case.case_id)
        if claimed is None:
            return  # being posted right now, or it may have gone out already
        token, entry = claimed
        if await self._cards.posted(case.case_id):
            await self._outbox.post_settled(case.case_id, token, retry=False)
            return
        try:
            await self._cards.post(
                case, target=entry["target"], locale=entry["locale"], policy=self._policy
            )
        except PostFailed as failure:
            again = failure.definite and not _for_good(failure)
            log.info("case card still not posted (HTTP %s)%s", failure.status, "" if again else "; dropped",
                     extra={"case_id": case.case_id})  # fmt: skip
            await self._outbox.post_settled(case.case_id, token, retry=again)
            if again:
                report.pending += 1
            else:
                report.dropped += 1
            return
        await self._outbox.post_settled(case.case_id, token, retry=False)
        report.posted += 1
        log.info("case card posted", extra={"case_id": case.case_id})

    async def _redraw(self, case: Case, token: str, report: RedrawReport) -> None:
        try:
            drawn = await self._cards.update(case, policy=self._policy)
        except PostFailed as failure:
            if _for_good(failure):
                log.warning(
                    "channel card refused for good (HTTP %s); dropped",
                    failure.status,
                    extra={"case_id": case.case_id},
                )
                await self._outbox.card_drawn(case.case_id, token)
                report.dropped += 1
            else:
                log.info(
                    "channel card still not updated (HTTP %s)",
                    failure.status,
                    extra={"case_id": case.case_id},
                )
                report.pending += 1
            return
        await self._outbox.card_drawn(case.case_id, token)
        if drawn:
            report.redrawn += 1
            log.info("channel card redrawn", extra={"case_id": case.case_id})
        else:
            report.dropped += 1

    async def _notice(self, case: Case, report: RedrawReport) -> None:
        token = await self._outbox.claim_notice(case.case_id)
        if token is None:
            return  # another pass or click posts it, or it was given up on
        if not case.is_handed_over:  # taken over since: "free to take" would mislead
            await self._outbox.notice_settled(case.case_id, token, retry=False)
            report.dropped += 1
            return
        try:
            await self._cards.tell_free_to_take(case, policy=self._policy)
        except PostFailed as failure:
            log.info(
                "hand-over notice still not posted (HTTP %s)",
                failure.status,
                extra={"case_id": case.case_id},
            )
            await self._outbox.notice_settled(case.case_id, token, retry=failure.definite)
            report.pending += 1
            return
        await self._outbox.notice_settled(case.case_id, token, retry=False)
        report.notices += 1
        log.info("hand-over notice posted", extra={"case_id": case.case_id})

    async def _taken(self, case_id: str, *, post_pending: bool, report: RedrawReport) -> None:
        """The take-over reply, under the case's card; it waits while the card's post does."""
        if not await self._cards.posted(case_id):
            if post_pending:  # tried above in this pass: the next one tries both again
                report.pending += 1
                return
            # No card and none to come: nowhere to reply (bot.takeover_notice).
            if claimed := await self._outbox.claim_taken(case_id):
                await self._outbox.taken_settled(case_id, claimed[0], retry=False)
            report.dropped += 1
            return
        claimed = await self._outbox.claim_taken(case_id)
        if claimed is None:
            return  # another pass or click posts it, or it was given up on
        token, entry = claimed
        try:
            await takeover_notice.tell(
                self._cards, TakeOverNotice.of(entry["notice"]), policy=self._policy
            )
        except PostFailed as failure:
            again = failure.definite and not _for_good(failure)
            log.info("take-over notice still not posted (HTTP %s)", failure.status,
                     extra={"case_id": case_id})  # fmt: skip
            await self._outbox.taken_settled(case_id, token, retry=again)
            if again:
                report.pending += 1
            else:
                report.dropped += 1
            return
        await self._outbox.taken_settled(case_id, token, retry=False)
        report.notices += 1
        log.info("take-over notice posted", extra={"case_id": case_id})

    async def _drop_all(self, case_id: str, entry: dict[str, Any]) -> None:
        if entry.get(POST) and (claimed := await self._outbox.claim_post(case_id)):
            await self._outbox.post_settled(case_id, claimed[0], retry=False)
        if card := entry.get(CARD):
            await self._outbox.card_drawn(case_id, card["token"])
        if entry.get(NOTICE) and (token := await self._outbox.claim_notice(case_id)):
            await self._outbox.notice_settled(case_id, token, retry=False)
        if entry.get(TAKEN) and (claimed := await self._outbox.claim_taken(case_id)):
            await self._outbox.taken_settled(case_id, claimed[0], retry=False)


def _for_good(failure: PostFailed) -> bool:
    return failure.status in GONE_FOR_GOOD

"""Keeping the channel true after a change, even when Teams says "later".

After a change is stored, the click redraws the case's card (after a
registration: posts it; after a hand-over: also posts the "free to take"
notice) through the app's ``Poster``:

1. an outbox entry is written first (``bot.redraw_outbox``), so the intent
   survives a failure, a shutdown and a restart;
2. the click tries for at most ``CLICK.deadline`` seconds, and never past what
   is left of the click's own budget: Teams gives the whole click 5 s;
3. if Teams took it, the entry goes; if not, the agent's answer says so
   (``pending_text``, ``post_text``), and a retry pass tries again with the
   patient policy. When the outbox itself cannot be written, the answer
   promises nothing.

A redraw is a PUT of the whole card, so drawing twice (two instances, or a
retry pass racing a click) is harmless. The notice and the first card are new
posts: each is claimed first, so it goes out once; one that may have gone out
(a gateway's 502/504, no answer) is never posted again.

The passes are ``bot.redraw_retries``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import cards
from cards import parts
from cases.model import Case
from graph.deadline import Deadline

from . import takeover_notice
from .case_cards import CaseCards
from .posting import PostFailed, RetryPolicy
from .takeover_notice import TakeOverNotice

log = logging.getLogger(__name__)

T = TypeVar("T")

# Inside a click: what is left of Teams' 5 s after the workbook, shared with it.
CLICK = RetryPolicy(attempts=3, deadline=2.0, backoff=0.25, max_backoff=1.0)
# Not worth starting an attempt with less than this left of the click.
MIN_CLICK_SECONDS = 0.2
# What a click can leave behind: CARD and NOTICE wait in the outbox, a retry
# pass brings them; UNKEPT did not reach the channel and the outbox could not
# keep it either, so nothing will bring it and the agent must not be told so.
CARD, NOTICE, UNKEPT = "card", "notice", "unkept"
# A take-over's reply with no card to go under: the agent who took over tells their colleague.
NO_THREAD = "no thread"
# A take-over's reply Teams may or may not have posted: never sent twice, so the
# taker is asked to tell the previous handler themselves.
UNSURE = "unsure"
# A new case's first card: POSTED, or left as above, or UNCLEAR (it may be in
# the channel; it is not posted again, so that there are never two).
POSTED, UNCLEAR = "posted", "unclear"
_PENDING = "redraws pending"  # in ``Turn.extra``: what this click left to the outbox


def mark_pending(extra: dict[str, Any], what: str) -> None:
    extra.setdefault(_PENDING, set()).add(what)


def take_pending(extra: dict[str, Any]) -> set[str]:
    """What this click left to the outbox; taken once, so it is told once."""
    return extra.pop(_PENDING, set())


def answer_with_pending(
    card: dict[str, Any], extra: dict[str, Any], locale: str | None
) -> dict[str, Any]:
    """The click's answer, with a notice on top when the channel lags behind it."""
    text = pending_text(take_pending(extra), locale)
    return with_notice(card, text) if text else card


# -- inside a click ---------------------------------------------------------------


async def redraw_now(case_cards: CaseCards, case: Case) -> str | None:
    """Redraw ``case``'s channel card: None once the channel shows it, else what is left."""
    if not await case_cards.posted(case.case_id):
        if await _first_post_pending(case_cards, case.case_id):
            # The card is still to come; arm a redraw too, in case the pass
            # that posts it read the case before this change.
            return CARD if await _arm(case_cards.outbox.arm_card, case.case_id) else UNKEPT
        return None  # registered in a chat: no channel card to keep true
    token = await _arm(case_cards.outbox.arm_card, case.case_id)
    try:
        await _within_click(lambda policy: case_cards.update(case, policy=policy))
    except Exception as failure:  # noqa: BLE001 - any failure: the outbox has it
        log.warning(
            "channel card not updated yet: %s", _why(failure), extra={"case_id": case.case_id}
        )
        return CARD if token is not None else UNKEPT
    if token is not None:
        await _quietly(case_cards.outbox.card_drawn(case.case_id, token), case.case_id)
    return None


async def free_to_take_now(case_cards: CaseCards, case: Case) -> str | None:
    """Post the hand-over notice: None once posted (or never to be), else what is left."""
    if not await case_cards.posted(case.case_id):
        return None  # no thread to post in; the card, once posted, says "free to take"
    token = await _arm(case_cards.outbox.claim_new_notice, case.case_id)
    return await _post_claimed(
        case.case_id,
        token,
        lambda policy: case_cards.tell_free_to_take(case, policy=policy),
        case_cards.outbox.notice_settled,
        "hand-over notice",
    )


async def taken_over_now(case_cards: CaseCards, notice: TakeOverNotice) -> str | None:
    """Tell whoever had the case, under its card: None once posted (or never to be),
    NOTICE or UNKEPT as for a hand-over's notice, NO_THREAD when there is no card
    to reply under and none to come (``bot.takeover_notice``)."""
    case_id = notice.case_id
    if not await case_cards.posted(case_id):
        if not await _first_post_pending(case_cards, case_id):
            return NO_THREAD
        # The pass that posts the card posts this under it.
        later = case_cards.outbox.taken_later(case_id, notice.as_json())
        return NOTICE if await _quietly(later, case_id) else UNKEPT
    token = await _arm(
        lambda cid: case_cards.outbox.claim_new_taken(cid, notice.as_json()), case_id
    )
    return await _post_claimed(
        case_id,
        token,
        lambda policy: takeover_notice.tell(case_cards, notice, policy=policy),
        case_cards.outbox.taken_settled,
        "take-over notice",
        unsure=UNSURE,
    )


async def _post_claimed(
    case_id: str,
    token: str | None,
    post: Callable[[RetryPolicy], Awaitable[object]],
    settle: Callable[..., Awaitable[None]],
    what: str,
    unsure: str | None = None,
) -> str | None:
    """A reply claimed in the outbox (``token``; None: the outbox did not take it), posted
    within the click, then settled: None once posted (or never to be), else what is left;
    ``unsure`` when it may or may not have gone out and will not be posted again."""
    try:
        await _within_click(post)
    except Exception as failure:  # noqa: BLE001
        # Only what certainly did not go out may be posted again: a second
        # notice is worse than none, and the case card shows the case anyway.
        retry = isinstance(failure, NoTimeLeft) or (
            isinstance(failure, PostFailed) and failure.definite
        )
        log.warning("%s not posted: %s", what, _why(failure), extra={"case_id": case_id})
        if not retry:
            if token is not None:
                await _quietly(settle(case_id, token, retry=False), case_id)
            return unsure
        if token is None or not await _quietly(settle(case_id, token, retry=True), case_id):
            return UNKEPT  # left claimed, it would expire unposted: promise nothing
        return NOTICE
    if token is not None:
        await _quietly(settle(case_id, token, retry=False), case_id)
    return None


async def post_now(case_cards: CaseCards, case: Case, target: dict[str, Any], locale: str) -> str:
    """Post a new case's card: POSTED; CARD when the outbox keeps it for a pass; UNKEPT; UNCLEAR.

    Claimed in the outbox before it goes out, as a notice is: a pass posts
    what certainly did not go out, and nothing that may have.
    """
    token = await _arm(
        lambda case_id: case_cards.outbox.claim_new_post(case_id, target, locale), case.case_id
    )
    try:
        await _within_click(
            lambda policy: case_cards.post(case, target=target, locale=locale, policy=policy)
        )
    except Exception as failure:  # noqa: BLE001
        retry = isinstance(failure, NoTimeLeft) or (
            isinstance(failure, PostFailed) and failure.definite
        )
        log.warning("case card not posted yet: %s", _why(failure), extra={"case_id": case.case_id})
        if token is None:
            return UNKEPT if retry else UNCLEAR
        settled = await _quietly(
            case_cards.outbox.post_settled(case.case_id, token, retry=retry), case.case_id
        )
        if not retry:
            return UNCLEAR
        return CARD if settled else UNKEPT
    if token is not None:
        await _quietly(
            case_cards.outbox.post_settled(case.case_id, token, retry=False), case.case_id
        )
    return POSTED


async def redraw_later(case_cards: CaseCards, case_id: str) -> None:
    """A change in doubt: a pass redraws the card from the workbook, whichever way it went."""
    try:
        posted = await case_cards.posted(case_id)
    except Exception as failure:  # noqa: BLE001 - the agent is told of the doubt all the same
        log.warning("card not read (%s)", type(failure).__name__, extra={"case_id": case_id})
        return
    if posted:
        await _arm(case_cards.outbox.arm_card, case_id)


async def post_later(
    case_cards: CaseCards, case_id: str, target: dict[str, Any], locale: str
) -> None:
    """A registration in doubt: a pass posts its card if the workbook has the case after all."""
    await _quietly(case_cards.outbox.post_later(case_id, target, locale), case_id)


def pending_text(pending: set[str], locale: str | None, *, closed: str | None = None) -> str | None:
    """What the agent reads when the channel lags behind: never customer data.

    ``closed``: the Ärende-ID of a case this click closed. A close must not look
    done while the channel still shows the case as open.
    """
    if not pending:
        return None
    if UNKEPT in pending:
        if closed:
            return cards.texts.t("redraw_unkept_closed", locale, case_id=closed)
        return cards.texts.t("redraw_unkept", locale)
    if closed and CARD in pending:
        return cards.texts.t("redraw_pending_closed", locale, case_id=closed)
    return cards.texts.t("redraw_pending", locale)


def post_text(outcome: str, locale: str | None) -> str | None:
    """What the agent who registered reads about the case's card; None when it is posted."""
    key = {CARD: "card_pending", UNKEPT: "card_not_posted", UNCLEAR: "card_unclear"}.get(outcome)
    return cards.texts.t(key, locale) if key else None


def with_notice(card: dict[str, Any], text: str) -> dict[str, Any]:
    """``card`` (as sent) with ``text`` on top, drawn as the cards draw their notices."""
    (element,) = cards.to_json(parts.card(None, [parts.notice(text)]))["body"]
    return {**card, "body": [element, *(card.get("body") or [])]}


class NoTimeLeft(Exception):
    """The workbook used up the click: nothing was sent, the outbox has it."""


async def _within_click(attempt: Callable[[RetryPolicy], Awaitable[T]]) -> T:
    seconds = min(CLICK.deadline, Deadline(CLICK.deadline).remaining())
    if seconds < MIN_CLICK_SECONDS:
        raise NoTimeLeft()
    policy = RetryPolicy(
        attempts=CLICK.attempts,
        deadline=seconds,
        backoff=CLICK.backoff,
        max_backoff=CLICK.max_backoff,
    )
    # The policy stops retrying in time; this also bounds an attempt that hangs.
    async with asyncio.timeout(seconds + MIN_CLICK_SECONDS):
        return await attempt(policy)


async def _arm(arm: Callable[[str], Awaitable[str]], case_id: str) -> str | None:
    try:
        return await arm(case_id)
    except Exception as failure:  # noqa: BLE001 - the change is stored; still try to show it
        log.error(
            "redraw not recorded in the outbox (%s)",
            type(failure).__name__,
            extra={"case_id": case_id},
        )
        return None


async def _quietly(step: Awaitable[object], case_id: str) -> bool:
    """Whether the outbox took the step; a failure is only logged."""
    try:
        await step
    except Exception as failure:  # noqa: BLE001 - left in the outbox: a pass redraws it once more
        log.warning("outbox not changed (%s)", type(failure).__name__, extra={"case_id": case_id})
        return False
    return True


async def _first_post_pending(case_cards: CaseCards, case_id: str) -> bool:
    try:
        return bool((await case_cards.outbox.pending()).get(case_id, {}).get("post"))
    except Exception as failure:  # noqa: BLE001 - unknown: as for a case registered in a chat
        log.warning("outbox not read (%s)", type(failure).__name__, extra={"case_id": case_id})
        return False


def _why(failure: BaseException) -> str:
    # The type and the HTTP status only: an error's message may quote a card.
    status = getattr(failure, "status", None)
    return f"{type(failure).__name__} (HTTP {status})" if status else type(failure).__name__

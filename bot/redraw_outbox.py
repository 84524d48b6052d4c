"""The outbox of channel messages that may still show a case as it was.

A change is stored in the workbook first; only then is the case's channel card
redrawn (and, after a hand-over, the "free to take" notice posted). Either can
fail after the change is stored. So before the first attempt the bot writes an
entry here, and removes it once Teams has taken the message; ``bot.redraws``
retries whatever is left, also after a restart.

One document in bot storage (key ``card-redraws``) rather than a key per case:
the Bot Framework ``Storage`` cannot list keys, and a retry pass must find
every pending entry. Per case it holds:

- ``card``: ``{"at", "token"}``. The token is new at every change; an entry is
  removed only with the token it was armed with, so an attempt that finishes
  after a newer change never clears that change's entry.
- ``notice``: ``{"state", "at", "token", "tries"}``, the state ``claimed``
  (being posted, written before the post) or ``pending`` (certainly not posted;
  any instance may claim it). A post, unlike a redraw, must not go out twice:
  whoever claims it under the document's e_tag posts it, nobody else.
- ``post``: the case's first card, claimed and settled as a notice is, plus
  where it goes (``target``: a channel id and service URL, or a chat's
  conversation reference) and in which language. Unlike a notice it is tried
  until Teams takes it or refuses it for good: without it the channel never
  shows the case, and the agent was told it will come.
- ``taken``: the reply telling whoever had the case that it was taken over
  (``bot.takeover_notice``), claimed and settled as a notice is, plus what it
  says (``notice``: the Ärende-ID, the two agents' signatures, Teams names and
  object ids, and the time). A newer take-over's reply replaces an older one
  not yet posted: the case card shows who has the case now.

Only Ärende-IDs, times, states, random tokens, where a card goes (ids and a
URL) and who took over from whom (names and ids): never customer data.
Every change is read-modify-write under the document's e_tag, as in
``bot.notify.book``: two instances on one storage cannot lose each other's writes.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from botbuilder.core import Storage

from .in_turn import SharedDocument, StillConflicting

KEY = "card-redraws"
NOTICE, POST, TAKEN = "notice", "post", "taken"
MAX_NOTICE_TRIES = 5
# A notice still "claimed" this long after its claim: its poster died mid-post,
# or a gateway timed out. Whether Teams took it is unknown, and a duplicate
# "free to take" is worse than a missing one (the case card shows it anyway).
CLAIM_EXPIRES = timedelta(minutes=10)

T = TypeVar("T")
Document = dict[str, Any]
Entries = dict[str, dict[str, Any]]


class OutboxBusy(Exception):
    """Too many writers at once; the next pass tries again."""


class RedrawOutbox:
    def __init__(
        self, storage: Storage, clock: Callable[[], datetime], *, patience: float = 3.0
    ) -> None:
        self._clock = clock
        self._document = SharedDocument(storage, KEY, "cases", patience)

    async def pending(self) -> Entries:
        return await self._document.entries()

    # -- the card ------------------------------------------------------------

    async def arm_card(self, case_id: str) -> str:
        token = uuid.uuid4().hex

        def arm(entries: Entries) -> tuple[bool, str]:
            entries.setdefault(case_id, {})["card"] = {"at": self._now(), "token": token}
            return True, token

        return await self._change(arm)

    async def card_drawn(self, case_id: str, token: str) -> bool:
        """Clear the entry armed with ``token``; False when a newer change has re-armed it."""

        def clear(entries: Entries) -> tuple[bool, bool]:
            card = (entries.get(case_id) or {}).get("card")
            if not card or card.get("token") != token:
                return False, False
            _drop(entries, case_id, "card")
            return True, True

        return await self._change(clear)

    # -- the "free to take" notice ---------------------------------------------

    async def claim_new_notice(self, case_id: str) -> str:
        """Before the in-click post: the latest hand-over's notice replaces an older one."""
        return await self._claim_new(case_id, NOTICE, {})

    async def claim_notice(self, case_id: str) -> str | None:
        """For a retry pass: the token to post under, or None when it is not ours to post."""
        claimed = await self._claim(case_id, NOTICE, MAX_NOTICE_TRIES)
        return claimed[0] if claimed else None

    async def notice_settled(self, case_id: str, token: str, *, retry: bool) -> None:
        """After the post: ``retry`` when Teams certainly did not take it, else it is done."""
        await self._settle(case_id, NOTICE, token, retry=retry)

    # -- the case's first card ---------------------------------------------------

    async def claim_new_post(self, case_id: str, target: dict[str, Any], locale: str) -> str:
        """Before the in-click post of a new case's card."""
        return await self._claim_new(case_id, POST, {"target": target, "locale": locale})

    async def post_later(self, case_id: str, target: dict[str, Any], locale: str) -> None:
        """A card for a pass to post, if the case turns out to be in the workbook."""
        await self._leave_pending(case_id, POST, {"target": target, "locale": locale})

    async def claim_post(self, case_id: str) -> tuple[str, dict[str, Any]] | None:
        """For a retry pass: the token and the entry (target, locale), or None when not ours."""
        return await self._claim(case_id, POST, None)

    async def post_settled(self, case_id: str, token: str, *, retry: bool) -> None:
        await self._settle(case_id, POST, token, retry=retry)

    # -- "X took over your case" ------------------------------------------------

    async def claim_new_taken(self, case_id: str, notice: dict[str, Any]) -> str:
        """Before the in-click post of the reply to whoever had the case."""
        return await self._claim_new(case_id, TAKEN, {"notice": notice})

    async def taken_later(self, case_id: str, notice: dict[str, Any]) -> None:
        """A reply for a pass to post, once the case's card is in the channel to reply under."""
        await self._leave_pending(case_id, TAKEN, {"notice": notice})

    async def claim_taken(self, case_id: str) -> tuple[str, dict[str, Any]] | None:
        """For a retry pass: the token and the entry (its ``notice``), or None when not ours."""
        return await self._claim(case_id, TAKEN, MAX_NOTICE_TRIES)

    async def taken_settled(self, case_id: str, token: str, *, retry: bool) -> None:
        await self._settle(case_id, TAKEN, token, retry=retry)

    # -- posts claimed before they go out ----------------------------------------

    async def _leave_pending(self, case_id: str, part: str, extra: dict[str, Any]) -> None:
        def leave(entries: Entries) -> tuple[bool, None]:
            pending = {"state": "pending", "at": self._now(), "token": "", "tries": 0, **extra}
            entries.setdefault(case_id, {})[part] = pending
            return True, None

        await self._change(leave)

    async def _claim_new(self, case_id: str, part: str, extra: dict[str, Any]) -> str:
        token = uuid.uuid4().hex

        def claim(entries: Entries) -> tuple[bool, str]:
            claimed = {"state": "claimed", "at": self._now(), "token": token, "tries": 1, **extra}
            entries.setdefault(case_id, {})[part] = claimed
            return True, token

        return await self._change(claim)

    async def _claim(
        self, case_id: str, part: str, max_tries: int | None
    ) -> tuple[str, dict[str, Any]] | None:
        token = uuid.uuid4().hex
        now = self._clock()

        def claim(entries: Entries) -> tuple[bool, tuple[str, dict[str, Any]] | None]:
            entry = (entries.get(case_id) or {}).get(part)
            if not entry:
                return False, None
            if entry["state"] == "claimed":
                if now - datetime.fromisoformat(entry["at"]) > CLAIM_EXPIRES:
                    _drop(entries, case_id, part)
                    return True, None
                return False, None  # someone is posting it right now
            if max_tries is not None and entry.get("tries", 0) >= max_tries:
                _drop(entries, case_id, part)
                return True, None
            entry.update(
                state="claimed", at=now.isoformat(), token=token, tries=entry.get("tries", 0) + 1
            )
            return True, (token, copy.deepcopy(entry))

        return await self._change(claim)

    async def _settle(self, case_id: str, part: str, token: str, *, retry: bool) -> None:
        def settle(entries: Entries) -> tuple[bool, None]:
            entry = (entries.get(case_id) or {}).get(part)
            if not entry or entry.get("token") != token:
                return False, None
            if retry:
                entry["state"] = "pending"
            else:
                _drop(entries, case_id, part)
            return True, None

        await self._change(settle)

    # -- the document ----------------------------------------------------------

    def _now(self) -> str:
        return self._clock().isoformat()

    async def _change(self, edit: Callable[[Entries], tuple[bool, T]]) -> T:
        """Apply ``edit`` to the entries as stored now; write them back when it says so.

        Every click of a burst changes this one document: they take turns
        (bot/in_turn.py), so none is refused for a sibling's write.
        """
        try:
            return await self._document.change(edit)
        except StillConflicting:
            raise OutboxBusy(KEY) from None


def _drop(entries: Entries, case_id: str, part: str) -> None:
    entry = entries.get(case_id) or {}
    entry.pop(part, None)
    if not entry:
        entries.pop(case_id, None)

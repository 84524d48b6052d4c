"""The stall notices' bookkeeping: one document in bot storage, changed under its e_tag.

The document (key ``stall-notices``) holds, per open case, what the last scan
saw (a fingerprint of the lifecycle fields, since when nothing happened, which
rule applies) and each notice of the current stall; and the day of the last
morning digest. No customer data: Ärende-IDs, digests, rule names and times.

Every change is read-modify-write with the e_tag read as the condition (the
document's first write with ``CREATE_ONLY``); a writer that loses the race
reads again and decides again. That is what makes a notice go out once when
two instances scan at the same moment: the one whose claim is written posts,
the other reads the claim and does not.

A notice's states: ``claimed`` (written just before posting), ``posted``,
``failed`` (the connector certainly did not take it: claimed and posted again
by a later scan), ``unknown`` (it may have been posted: never posted again),
``superseded`` (the stall reached the escalation before its first notice went
out), ``baseline`` (already stalled at the bot's very first scan: the digest
lists it, no notice floods the channel).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard, TypeVar

from botbuilder.core import Storage

from cases.stalls import StallRule, Track

from ..storage import CREATE_ONLY, StorageConflict

log = logging.getLogger(__name__)

KEY = "stall-notices"
MAX_TRIES = 5  # posts a notice is tried before the bot gives up on it
# A case that left the workbook's readable rows (deleted, or made unreadable
# by hand) keeps its track this long, so its return is not a new stall.
MISSING_DAYS = 7

T = TypeVar("T")
Document = dict[str, Any]


class BookBusy(Exception):
    """Too many writers at once: the scan gives up and the next one tries again."""


@dataclass(frozen=True)
class Claim:
    token: str
    case_id: str | None  # None: the digest
    level: str = ""


class NoticeBook:
    def __init__(self, storage: Storage, *, attempts: int = 20) -> None:
        self._storage = storage
        self._attempts = attempts

    async def read(self) -> Document:
        return (await self._storage.read([KEY])).get(KEY) or {}

    async def change(self, edit: Callable[[Document | None], tuple[Document | None, T]]) -> T:
        """Apply ``edit`` to the document as it is now; write it back unless it returns None.

        ``edit`` gets a private copy (or None when there is no document yet)
        and returns the new document, or None to write nothing, and a result.
        On a lost race it runs again on the fresh document.
        """
        for _ in range(self._attempts):
            current = (await self._storage.read([KEY])).get(KEY)
            new, result = edit(copy.deepcopy(current))
            if new is None:
                return result
            new["e_tag"] = current["e_tag"] if current else CREATE_ONLY
            try:
                await self._storage.write({KEY: new})
            except StorageConflict:
                continue
            return result
        raise BookBusy(KEY)


# -- the document's parts ------------------------------------------------------


def tracks_of(document: Document | None) -> dict[str, Track]:
    cases = (document or {}).get("cases", {})
    return {case_id: track_of(entry) for case_id, entry in cases.items()}


def track_of(entry: dict[str, Any]) -> Track:
    return Track(
        fingerprint=entry["fingerprint"],
        since=datetime.fromisoformat(entry["since"]),
        rule=StallRule(entry["rule"]),
    )


def entry_of(track: Track, notices: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "fingerprint": track.fingerprint,
        "since": track.since.isoformat(),
        "rule": track.rule.value,
        "notices": notices or {},
    }


def same_stall(entry: dict[str, Any] | None, track: Track) -> TypeGuard[dict[str, Any]]:
    return bool(entry) and track_of(entry) == track  # type: ignore[arg-type]


def may_post(notice: dict[str, Any] | None) -> bool:
    """Nobody has it, or an earlier post certainly failed and tries are left."""
    if notice is None:
        return True
    return notice.get("state") == "failed" and notice.get("tries", 0) < MAX_TRIES

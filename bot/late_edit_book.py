"""The late-edit checks still to run, kept in bot state so a restart does not lose them.

After each write to a Graph workbook the bot reads the row back a few seconds
later (``bot.late_edits``). What it must compare with is kept here, in one
document (key ``late-edit-checks``), read-modify-written under its e_tag as
the redraw outbox is (``bot.redraw_outbox``), so two instances never run the
same check twice and a check whose process stopped is run by the next one.

Per check (a random id): the Ärende-ID, when it is due, the verb, what the
write put in the row (``cases.written``: emptiness and keyed hashes, never a
cell's text; a customer column's key stays in the process), the agent to tell (Teams id, display name, language) and the
conversation the click came from (ids and a URL). ``state`` is ``pending`` or
``claimed`` (being run); a claim older than ``CLAIM_EXPIRES`` belongs to a
process that stopped, and is run again. ``tell``: the check found a change and
the agent is still to be told (the post failed): only the telling is retried.

A new write to the same case replaces its pending check: the write read the
whole row right before it (the Ledger's expected-state check), so what an
older write put there was still there; the new check covers the columns of
both, as the new write left them.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from botbuilder.core import Storage

from cases import written
from cases.model import Case

from .in_turn import SharedDocument, StillConflicting

KEY = "late-edit-checks"
CLAIM_EXPIRES = timedelta(minutes=5)
MAX_TRIES = 10  # passes that found the workbook unavailable, or a post refused, before giving up

T = TypeVar("T")
Checks = dict[str, dict[str, Any]]


class BookBusy(Exception):
    """Other instances kept changing the document: the next pass tries again."""


class LateEditBook:
    def __init__(
        self, storage: Storage, clock: Callable[[], datetime], *, patience: float = 3.0
    ) -> None:
        self._clock = clock
        self._document = SharedDocument(storage, KEY, "checks", patience)
        self.secret = written.Secret()  # this process's, for the customer columns

    async def pending(self) -> Checks:
        return await self._document.entries()

    async def schedule(
        self, before: Case | None, stored: Case, *, verb: str, due: datetime, agent: dict[str, str],
        reference: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        """Remember to compare ``stored``'s row with what this write put there, at ``due``."""
        now = self._now()

        def add(checks: Checks) -> tuple[bool, None]:
            # Writes in the order they were scheduled: the clock may stand still (tests) or step.
            order = 1 + max((c.get("order", 0) for c in checks.values()), default=0)
            headers = set(written.written_headers(before, stored))
            for check_id, check in list(checks.items()):
                if (
                    check["case_id"] == stored.case_id
                    and check["state"] == "pending"
                    and not check.get("tell")
                ):
                    headers |= set(check["written"]["cells"])
                    del checks[check_id]
            checks[uuid.uuid4().hex] = {
                "case_id": stored.case_id, "verb": verb, "order": order, "written_at": now,
                "due": due.isoformat(),
                "state": "pending", "tries": 0,
                "written": written.record(stored, sorted(headers), self.secret),
                "agent": agent, "reference": reference,
            }  # fmt: skip
            return True, None

        await self._change(add)

    async def claim_due(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Claim every check that is due (or whose claimer stopped): (id, token, check)."""
        now = self._clock()
        token = uuid.uuid4().hex

        def claim(checks: Checks) -> tuple[bool, list[tuple[str, str, dict[str, Any]]]]:
            taken = []
            for check_id, check in checks.items():
                if check["state"] == "claimed":
                    if now - datetime.fromisoformat(check["claimed_at"]) <= CLAIM_EXPIRES:
                        continue
                elif datetime.fromisoformat(check["due"]) > now:
                    continue
                check.update(state="claimed", claimed_at=now.isoformat(), token=token)
                taken.append((check_id, token, copy.deepcopy(check)))
            return bool(taken), taken

        return await self._change(claim)

    async def superseded(self, check_id: str, check: dict[str, Any]) -> bool:
        """A later write to the same case was made since: its own check covers this one."""
        return any(
            other["case_id"] == check["case_id"] and other.get("order", 0) > check.get("order", 0)
            for other_id, other in (await self.pending()).items()
            if other_id != check_id
        )

    async def done(self, check_id: str, token: str) -> None:
        def drop(checks: Checks) -> tuple[bool, None]:
            if (checks.get(check_id) or {}).get("token") != token:
                return False, None
            del checks[check_id]
            return True, None

        await self._change(drop)

    async def again(
        self, check_id: str, token: str, *, due: datetime, tell: dict[str, Any] | None = None
    ) -> bool:
        """Run the check (or only its telling, ``tell``) again at ``due``; False when given up."""

        def release(checks: Checks) -> tuple[bool, bool]:
            check = checks.get(check_id)
            if not check or check.get("token") != token:
                return False, True
            if check["tries"] + 1 >= MAX_TRIES:
                del checks[check_id]
                return True, False
            check.update(state="pending", due=due.isoformat(), tries=check["tries"] + 1)
            check.pop("token", None)
            if tell is not None:
                check["tell"] = tell
            return True, True

        return await self._change(release)

    def _now(self) -> str:
        return self._clock().isoformat()

    async def _change(self, edit: Callable[[Checks], tuple[bool, T]]) -> T:
        try:
            return await self._document.change(edit)
        except StillConflicting:
            raise BookBusy(KEY) from None

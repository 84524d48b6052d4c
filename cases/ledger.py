"""The Ledger: where cases are kept. One protocol, one adapter per store.

The local adapter (``local_workbook.ledger``) keeps a real .xlsx on disk; the Graph
adapter edits the team's workbook in SharePoint. Both pass the same contract
suite (``tests/contract/ledger_contract.py``), so the bot cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from .errors import DomainError
from .language import Bilingual
from .model import Case, NewCase, Status


@runtime_checkable
class Ledger(Protocol):
    async def add(self, new: NewCase) -> Case:
        """Store a registration as a new row and return it with its fresh Ärende-ID."""
        ...

    async def get(self, case_id: str) -> Case:
        """The case as the workbook holds it now. Raises ``CaseNotFound``."""
        ...

    async def list(self, statuses: Iterable[Status] | None = None) -> list[Case]:
        """Every case, or those in ``statuses``, in workbook order."""
        ...

    async def update(self, expected: Case, new: Case) -> Case:
        """Replace ``expected`` by ``new``, only if the row still equals ``expected``.

        Raises ``Conflict`` carrying the row as it is now when anyone, the bot
        or a person in Excel, changed it since ``expected`` was read.
        """
        ...


@runtime_checkable
class Reservations(Protocol):
    """What the bot's instances take in turn, through the state they share.

    A ledger that numbers its rows itself (the Graph one) takes each Ärende-ID
    here before writing it, so two instances never issue the same one; and
    holds a case while it reads, checks and writes it, so two instances never
    both change it from the same state. The bot keeps them in its shared state
    (``bot.reservations``). Each method raises ``LedgerUnavailable`` when that
    state cannot be reached.
    """

    async def reserve(self, name: str) -> bool:
        """Take ``name`` for good: True when this call took it, False when it was taken before."""
        ...

    async def hold(self, name: str, holder: str, seconds: float) -> bool:
        """Hold ``name`` for ``seconds``: False while another holder's time is not up."""
        ...

    async def release(self, name: str) -> None:
        """Give back a hold before its time is up."""
        ...


class Conflict(DomainError):
    """Someone changed the case between the agent's read and their write."""

    def __init__(self, current: Case) -> None:
        who = changed_by(current)
        super().__init__(
            f"{current.case_id} har just ändrats av {who}. Se det aktuella läget.",
            f"{current.case_id} was just changed by {changed_by(current, 'en')}. "
            "See where it stands now.",
        )
        self.current = current
        self.who = who


def changed_by(case: Case, locale: str | None = None) -> str:
    """Our best answer to "who changed it": the handler, else the registrant."""
    return case.handler or case.registered_by or _SOMEONE_ELSE.text(locale)


# A row typed by hand may hold no signature at all.
_SOMEONE_ELSE = Bilingual("någon annan", "someone else")


class LedgerUnavailable(DomainError):
    """The store could not be reached in time; nothing was saved."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Arbetsboken Stora ärenden svarar inte just nu. Inget sparades – försök igen.",
            "The Stora ärenden workbook is not answering right now. Nothing was saved – try again.",
        )
        self.detail = detail

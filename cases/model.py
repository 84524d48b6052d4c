"""A large case as the routine knows it: one row of the workbook "Stora ärenden"."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .triage import ChangeKind, CustomerKind


class Status(StrEnum):
    NY = "Ny"
    PABORJAD = "Påbörjad"
    HANTERAD = "Hanterad"


@dataclass(frozen=True, slots=True)
class Case:
    """One registered case.

    Signatures are stored lower-case (``xabc12``): the routine treats them
    case-insensitively, and one spelling makes comparisons trivial.
    Timestamps are aware datetimes in Europe/Stockholm, to the second.
    """

    case_id: str  # Ärende-ID, the bot's key, e.g. SA-000042; never personal data
    customer_number: str  # Kundnummer
    cab_number: str  # Ärendenummer CAB
    description: str  # Vad gäller ärendet
    registered_by: str  # Registrerat av
    status: Status
    handler: str  # Hanteras av; "" while nobody has claimed it
    comment: str  # Eventuell kommentar, the hand-over note
    registered_at: datetime  # Registrerad
    changed_at: datetime  # Senast ändrad
    # Set by a hand-over, cleared when someone takes the case: "free to take".
    handed_over_at: datetime | None = None
    # What the registration said; not customer data, so a close keeps them.
    # None for a row registered before the bot stored them, or typed by hand.
    change_count: int | None = None  # Antal ändringar
    change_kind: ChangeKind | None = None  # Typ av ändring
    customer_kind: CustomerKind | None = None  # Kundtyp

    @property
    def is_handed_over(self) -> bool:
        return self.status is Status.PABORJAD and self.handed_over_at is not None

    @property
    def version(self) -> str:
        """A short token for "the case as this card drew it".

        Built from the lifecycle fields only: a card carries it in its buttons,
        and customer data must not travel there in any form.
        """
        parts = (self.case_id, self.status, self.handler, self.changed_at, self.handed_over_at)
        raw = "|".join(str(part) for part in parts).encode()
        return hashlib.blake2b(raw, digest_size=6).hexdigest()

    @property
    def has_customer_data(self) -> bool:
        return any(getattr(self, name) for name in CUSTOMER_FIELDS)

    def replace(self, **changes: Any) -> Case:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class CaseRef:
    """A case known only as a card drew it: its Ärende-ID and version.

    For showing a form again when the workbook cannot be read: its buttons
    must carry the version the agent saw, and there is nothing else to show.
    """

    case_id: str
    version: str
    customer_number: str = ""
    cab_number: str = ""
    description: str = ""
    comment: str = ""


# The cells the routine says to wipe when a case is closed ("radera samtliga
# kunduppgifter"). The hand-over note is among them: agents write customer
# details in it.
CUSTOMER_FIELDS: tuple[str, ...] = ("customer_number", "cab_number", "description", "comment")


@dataclass(frozen=True, slots=True)
class NewCase:
    """A validated registration that the Ledger has not yet given an Ärende-ID."""

    customer_number: str
    cab_number: str
    description: str
    registered_by: str
    registered_at: datetime
    change_count: int | None = None
    change_kind: ChangeKind | None = None
    customer_kind: CustomerKind | None = None

    def with_id(self, case_id: str) -> Case:
        return Case(
            case_id=case_id,
            customer_number=self.customer_number,
            cab_number=self.cab_number,
            description=self.description,
            registered_by=self.registered_by,
            status=Status.NY,
            handler="",
            comment="",
            registered_at=self.registered_at,
            changed_at=self.registered_at,
            change_count=self.change_count,
            change_kind=self.change_kind,
            customer_kind=self.customer_kind,
        )

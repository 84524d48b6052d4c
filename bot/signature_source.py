"""Where an agent's signature comes from: typed once (SignatureBook) or the directory.

``make_signatures`` picks one from the settings; the rest of the bot only
knows the ``SignatureSource`` protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from botbuilder.core import Storage
from microsoft_teams.cards import AdaptiveCard

from cases.ledger import Ledger
from cases.model import Status

from .config import Settings
from .identity import Binding, InWorkbook, OpenCases, SignatureBook

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential


class SignatureSource(Protocol):
    async def signature_of(self, aad_object_id: str, name: str = "") -> str | None: ...

    async def register(self, aad_object_id: str, raw_signature: str, name: str = "") -> str: ...

    def form(
        self,
        locale: str | None,
        pending: Mapping[str, Any],
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> AdaptiveCard: ...

    async def names(self) -> dict[str, str]:
        """``{signature: display name}``: how cards name agents ("Anna Agent (xab1234)")."""
        ...

    async def signature_and_names(
        self, aad_object_id: str, name: str = ""
    ) -> tuple[str | None, dict[str, str]]:
        """``signature_of`` and ``names`` at once, read once where the source can."""
        ...

    async def bindings(self) -> list[Binding]: ...

    async def release(self, signature: str) -> Binding | None: ...


def open_cases_in(ledger: Ledger) -> OpenCases:
    async def has_open_cases(signature: str) -> bool:
        open_cases = await ledger.list([Status.NY, Status.PABORJAD])
        return any(signature in (case.handler, case.registered_by) for case in open_cases)

    return has_open_cases


def rows_in(ledger: Ledger) -> InWorkbook:
    async def in_workbook(signature: str) -> bool:
        return any(signature in (case.handler, case.registered_by) for case in await ledger.list())

    return in_workbook


def make_signatures(
    settings: Settings,
    storage: Storage,
    ledger: Ledger,
    credential: AsyncTokenCredential | None = None,
) -> SignatureSource:
    """``credential``: Graph's, for the directory (default: from the settings)."""
    book = SignatureBook(storage, open_cases_in(ledger), rows_in(ledger))
    attribute = settings.signature_attribute.strip()
    if not attribute:
        return book
    # Imported here: msgraph-sdk is heavy, and only the directory needs it.
    from graph.directory import SignatureDirectory

    from .directory_signatures import DirectorySignatures

    config = settings.graph_config()
    if credential is None:
        directory = SignatureDirectory.create(config, attribute)
    else:
        directory = SignatureDirectory(config, attribute, credential)
    return DirectorySignatures(book, directory)

"""Signatures from the organisation's directory (``STORA_SIGNATURE_ATTRIBUTE``).

The agent is never asked for one: what the directory holds for their account
is validated and bound in the SignatureBook, so the book's rules still hold
(one owner per signature for good, no rebind over open cases). Whatever an
agent types is ignored: only the directory says who is who.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from microsoft_teams.cards import AdaptiveCard

import cards
from cases import validation
from cases.errors import InvalidInput
from cases.ledger import LedgerUnavailable

from .identity import Binding, SignatureBook, SignatureInUse, SignaturesBusy, SignatureTaken

log = logging.getLogger(__name__)


class Directory(Protocol):
    async def value_of(self, aad_object_id: str, *, fresh: bool = False) -> str | None: ...


class NotInDirectory(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Katalogen har fortfarande ingen giltig Elin-signatur för dig. Be din administratör "
            "lägga in den.",
            "The directory still has no valid Elin signature for you. Ask your admin to add it.",
        )


class DirectoryUnavailable(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Katalogen svarar inte just nu. Försök igen om en stund.",
            "The directory is not answering right now. Try again in a moment.",
        )


class DirectorySignatures:
    def __init__(self, book: SignatureBook, directory: Directory) -> None:
        self._book = book
        self._directory = directory

    async def signature_of(self, aad_object_id: str, name: str = "") -> str | None:
        try:
            raw = await self._directory.value_of(aad_object_id)
        except Exception as failed:  # noqa: BLE001 - Graph's trouble must not stop a click
            # The binding the directory gave before still holds meanwhile.
            log.warning("directory not read: %s", _summary(failed))
            return await self._book.signature_of(aad_object_id)
        return await self._bind(aad_object_id, raw, name)

    async def register(self, aad_object_id: str, _typed: str = "", name: str = "") -> str:
        """ "Try again" after the refusal: read the directory afresh, ignoring what was typed."""
        try:
            raw = await self._directory.value_of(aad_object_id, fresh=True)
        except Exception as failed:  # noqa: BLE001
            log.warning("directory not read: %s", _summary(failed))
            raise DirectoryUnavailable() from None
        signature = await self._bind(aad_object_id, raw, name)
        if signature is None:
            raise NotInDirectory()
        return signature

    def form(
        self,
        locale: str | None,
        pending: Mapping[str, Any],
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> AdaptiveCard:
        """Not a form: the refusal, with the pending click kept for "Try again"."""
        return cards.directory_signature_card(locale, pending, (errors or {}).get("signature"))

    async def names(self) -> dict[str, str]:
        return await self._book.names()

    async def signature_and_names(
        self, aad_object_id: str, name: str = ""
    ) -> tuple[str | None, dict[str, str]]:
        return await self.signature_of(aad_object_id, name), await self.names()

    async def bindings(self) -> list[Binding]:
        return await self._book.bindings()

    async def release(self, signature: str) -> Binding | None:
        return await self._book.release(signature)

    async def aclose(self) -> None:
        close = getattr(self._directory, "aclose", None)
        if close is not None:
            await close()

    async def _bind(self, aad_object_id: str, raw: str | None, name: str) -> str | None:
        try:
            signature = validation.signature(raw or "")
        except InvalidInput:
            log.info("no valid signature in the directory for this account")
            return None
        try:
            return await self._book.bind(aad_object_id, signature, name)
        except (SignatureTaken, SignatureInUse, SignaturesBusy, LedgerUnavailable) as refused:
            # Taken: only an admin's release settles it. In use (or the open cases
            # unknown): the agent goes on under the old one until its cases are
            # done, then the next click rebinds.
            log.warning("directory signature not bound: %s", type(refused).__name__)
            return await self._book.signature_of(aad_object_id)


def _summary(failed: Exception) -> str:
    summary = getattr(failed, "summary", None)
    return summary() if callable(summary) else type(failed).__name__

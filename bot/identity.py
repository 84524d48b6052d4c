"""Who is acting: a Teams user (their AAD object id) and their Elin signature.

Signatures are asked for once and kept in bot storage. The card never tells
the bot who is acting; only the authenticated activity's ``from.aadObjectId``
does, so nobody can act under another person's signature.
"""

from __future__ import annotations

from botbuilder.core import Storage

from cases import validation
from cases.errors import InvalidInput

from .storage import StorageConflict

_KEY = "signatures"


class SignatureTaken(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Signaturen används redan av en kollega. Ange din egen.",
            "A colleague already uses that signature. Enter your own.",
        )


class SignatureBook:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def signature_of(self, aad_object_id: str) -> str | None:
        return (await self._document()).get("by_user", {}).get(aad_object_id)

    async def register(self, aad_object_id: str, raw_signature: str) -> str:
        """Validate and keep ``raw_signature`` for the user; one owner per signature."""
        signature = validation.signature(raw_signature)
        for _ in range(5):
            document = await self._document()
            by_user: dict[str, str] = dict(document.get("by_user", {}))
            owner = next((aad for aad, sig in by_user.items() if sig == signature), None)
            if owner not in (None, aad_object_id):
                raise SignatureTaken()
            by_user[aad_object_id] = signature
            try:
                await self._storage.write(
                    {_KEY: {"by_user": by_user, "e_tag": document.get("e_tag", "*")}}
                )
                return signature
            except StorageConflict:
                continue  # another registration landed in between: look again
        raise RuntimeError("signature book kept changing under us")

    async def _document(self) -> dict:
        return (await self._storage.read([_KEY])).get(_KEY, {})

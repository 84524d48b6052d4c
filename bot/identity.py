"""Who is acting: a Teams user (their AAD object id) and their Elin signature.

The card never tells the bot who is acting; only the authenticated activity's
``from.aadObjectId`` does, so nobody can act under another person's signature.
And a signature, once bound to an account, belongs to that account for good:
nobody else can take it, not even after its owner has moved on to another one,
or they would act on the owner's cases. Only an admin releases it (bot/admin.py).
A signature already in the workbook (written there before the bot, or before
its state was lost) belongs to whoever wrote those rows: nobody binds it by
typing it until an admin clears it, or the directory names its owner.

The stored document (one key, written with its e_tag so that two bindings at
once cannot both win)::

    {"by_user": {aad: signature},   # the signature each account acts under now
     "owners":  {signature: aad},   # every signature ever bound; never shrunk by a rebind
     "names":   {aad: display name},
     "cleared": [signature]}        # in the workbook, unowned, cleared by an admin

A document from before "owners" existed is read as if each active binding
owned its signature.

Every binding rewrites that one document, so many first-time agents at once
all write the same key: they take turns (bot/in_turn.py), and none loses its
write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botbuilder.core import Storage
from microsoft_teams.cards import AdaptiveCard

import cards
from cases import validation
from cases.errors import InvalidInput

from .in_turn import InTurn, StillConflicting
from .storage import CREATE_ONLY

_KEY = "signatures"
# Give up well inside Teams' 5 s for an invoke (bot/in_turn.py).
_PATIENCE = 3.0

T = TypeVar("T")

# "Does this signature still hold an open case?" (handler or registered by);
# "Does it stand in any row at all?" Both asked of the workbook.
OpenCases = Callable[[str], Awaitable[bool]]
InWorkbook = Callable[[str], Awaitable[bool]]


async def _no(_signature: str) -> bool:
    return False


class SignatureTaken(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Signaturen används redan av en kollega. Ange din egen.",
            "A colleague already uses that signature. Enter your own.",
        )


class SignatureInWorkbook(InvalidInput):
    """Someone already works under it in the workbook; typing it proves nothing."""

    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Signaturen finns redan i arbetsboken. Be en administratör släppa den åt dig (släpp xanna).",
            "That signature is already in the workbook. Ask an admin to release it for you (release xanna).",
        )


class SignatureInUse(InvalidInput):
    """A rebind would leave the open cases under the old signature without their owner."""

    def __init__(self, signature: str) -> None:
        super().__init__(
            "signature",
            f"Du har öppna ärenden som {signature}. Byt signatur när de är klara.",
            f"You have open cases as {signature}. Change your signature once they are done.",
        )


class SignaturesBusy(InvalidInput):
    """Other instances kept writing the signatures for longer than a click can wait.

    Told under the field, so that the form comes back with what was typed.
    """

    def __init__(self) -> None:
        super().__init__(
            "signature",
            "Signaturen kunde inte sparas just nu. Försök igen.",
            "The signature could not be saved just now. Try again.",
        )


@dataclass(frozen=True)
class Binding:
    signature: str
    aad_object_id: str
    name: str
    active: bool  # the signature its owner acts under now


@dataclass
class _Book:
    by_user: dict[str, str] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    cleared: set[str] = field(default_factory=set)
    e_tag: str = CREATE_ONLY

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> _Book:
        by_user = dict(document.get("by_user") or {})
        owners = dict(document.get("owners") or {})
        for aad, signature in by_user.items():
            owners.setdefault(signature, aad)  # written before ownership was kept
        return cls(by_user, owners, dict(document.get("names") or {}),
                   set(document.get("cleared") or ()),
                   document.get("e_tag") or CREATE_ONLY)  # fmt: skip

    def stored(self) -> dict[str, Any]:
        return {"by_user": self.by_user, "owners": self.owners, "names": self.names,
                "cleared": sorted(self.cleared), "e_tag": self.e_tag}  # fmt: skip


class SignatureBook:
    """Signatures typed by the agents themselves, asked for once."""

    def __init__(
        self,
        storage: Storage,
        has_open_cases: OpenCases = _no,
        in_workbook: InWorkbook = _no,
        *,
        patience: float = _PATIENCE,
    ) -> None:
        self._storage = storage
        self._has_open_cases = has_open_cases
        self._in_workbook = in_workbook
        self._writers = InTurn(patience)

    async def signature_of(self, aad_object_id: str, name: str = "") -> str | None:
        book = await self._read()
        await self._keep_name(book, aad_object_id, name)
        return book.by_user.get(aad_object_id)

    async def signature_and_names(
        self, aad_object_id: str, name: str = ""
    ) -> tuple[str | None, dict[str, str]]:
        """``signature_of`` and ``names`` from one read of the book: every click asks both."""
        book = await self._read()
        if await self._keep_name(book, aad_object_id, name):
            book = await self._read()  # with the name just kept
        return book.by_user.get(aad_object_id), _names_of(book)

    async def _keep_name(self, book: _Book, aad_object_id: str, name: str) -> bool:
        """Bindings made before names were kept get theirs on the next click: True if now."""
        signature = book.by_user.get(aad_object_id)
        if not (signature and name and book.names.get(aad_object_id) != name):
            return False
        try:
            await self.bind(aad_object_id, signature, name)
        except SignaturesBusy:  # or on a later click: this one goes on
            return False
        return True

    async def register(self, aad_object_id: str, raw_signature: str, name: str = "") -> str:
        """Validate what the agent typed and bind it to them."""
        signature = validation.signature(raw_signature)
        book = await self._read()
        unowned = book.owners.get(signature) is None and signature not in book.cleared
        if unowned and await self._in_workbook(signature):
            raise SignatureInWorkbook()
        return await self.bind(aad_object_id, signature, name)

    def form(
        self,
        locale: str | None,
        pending: Mapping[str, Any],
        values: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> AdaptiveCard:
        """The card that asks for the signature, ``pending`` (the click) kept in its data."""
        return cards.signature_form(locale, pending, values or {}, errors or {})

    async def bind(self, aad_object_id: str, signature: str, name: str = "") -> str:
        """Make ``signature`` the account's own; refused when it is another's or
        when the account's current signature still holds open cases."""
        checked: set[str] = set()

        async def attempt() -> str:
            book = await self._read()
            owner = book.owners.get(signature)
            if owner not in (None, aad_object_id):
                raise SignatureTaken()
            current = book.by_user.get(aad_object_id)
            unchanged = current == signature and owner == aad_object_id
            if unchanged and (not name or book.names.get(aad_object_id) == name):
                return signature
            if current not in (None, signature) and current not in checked:
                if await self._has_open_cases(current):
                    raise SignatureInUse(current)
                checked.add(current)
            book.by_user[aad_object_id] = signature
            book.owners[signature] = aad_object_id
            book.cleared.discard(signature)
            if name:
                book.names[aad_object_id] = name
            await self._write(book)
            return signature

        return await self._in_turn(attempt)

    async def names(self) -> dict[str, str]:
        """``{signature: the name Teams shows for its owner}``, for every signature
        whose owner's name is known: old signatures too, for the rows still under them."""
        return _names_of(await self._read())

    async def bindings(self) -> list[Binding]:
        book = await self._read()
        return [
            Binding(sig, aad, book.names.get(aad, ""), book.by_user.get(aad) == sig)
            for sig, aad in sorted(book.owners.items())
        ]

    async def release(self, signature: str) -> Binding | None:
        """Forget who owns ``signature`` and let the next to type it bind it (an admin's
        decision, also for one only the workbook knows); None if nobody owned it."""
        signature = signature.strip().lower()

        async def attempt() -> Binding | None:
            book = await self._read()
            book.cleared.add(signature)
            owner = book.owners.pop(signature, None)
            if owner is None:
                await self._write(book)
                return None
            active = book.by_user.get(owner) == signature
            if active:
                del book.by_user[owner]
            name = book.names.get(owner, "")
            if owner not in book.by_user and owner not in book.owners.values():
                book.names.pop(owner, None)
            await self._write(book)
            return Binding(signature, owner, name, active)

        return await self._in_turn(attempt)

    async def _in_turn(self, attempt: Callable[[], Awaitable[T]]) -> T:
        try:
            return await self._writers.run(attempt)
        except StillConflicting:
            raise SignaturesBusy() from None

    async def _read(self) -> _Book:
        return _Book.of((await self._storage.read([_KEY])).get(_KEY, {}))

    async def _write(self, book: _Book) -> None:
        """Raises ``StorageConflict`` when another instance wrote in between."""
        await self._storage.write({_KEY: book.stored()})


def _names_of(book: _Book) -> dict[str, str]:
    return {sig: book.names[aad] for sig, aad in book.owners.items() if book.names.get(aad)}

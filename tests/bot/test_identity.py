"""The signature book: one signature, one owner, for good; no rebind over open cases."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import Storage

from bot.directory_signatures import DirectorySignatures, DirectoryUnavailable, NotInDirectory
from bot.identity import Binding, SignatureBook, SignatureInUse, SignaturesBusy, SignatureTaken
from bot.storage import JsonFileStorage, StorageConflict
from cases.errors import InvalidInput
from cases.ledger import LedgerUnavailable
from graph.errors import GraphError


class OpenCases:
    """The ledger's answer to "does this signature hold an open case?", kept by the test."""

    def __init__(self) -> None:
        self.signatures: set[str] = set()
        self.asked: list[str] = []
        self.unavailable = False

    async def __call__(self, signature: str) -> bool:
        self.asked.append(signature)
        if self.unavailable:
            raise LedgerUnavailable("workbook busy")
        return signature in self.signatures


@pytest.fixture
def storage(tmp_path: Path) -> JsonFileStorage:
    return JsonFileStorage(tmp_path / "state")


@pytest.fixture
def open_cases() -> OpenCases:
    return OpenCases()


@pytest.fixture
def book(storage: JsonFileStorage, open_cases: OpenCases) -> SignatureBook:
    return SignatureBook(storage, open_cases)


async def stored(storage: JsonFileStorage) -> dict[str, Any]:
    return (await storage.read(["signatures"]))["signatures"]


async def test_a_bound_signature_cannot_be_taken_by_another_account(book: SignatureBook) -> None:
    assert await book.register("aad-anna", " XAnna ", "Anna Andersson") == "xanna"
    with pytest.raises(SignatureTaken) as refused:
        await book.register("aad-bo", "xanna", "Bo Berg")
    assert refused.value.field == "signature"
    assert await book.signature_of("aad-bo") is None


async def test_after_a_rebind_the_old_signature_stays_its_owners(book: SignatureBook) -> None:
    await book.register("aad-anna", "xanna", "Anna Andersson")
    assert await book.register("aad-anna", "xanna2") == "xanna2"
    assert await book.signature_of("aad-anna") == "xanna2"
    with pytest.raises(SignatureTaken):
        await book.register("aad-bo", "xanna")
    # Its owner may go back to it.
    assert await book.register("aad-anna", "xanna") == "xanna"
    assert await book.bindings() == [
        Binding("xanna", "aad-anna", "Anna Andersson", active=True),
        Binding("xanna2", "aad-anna", "Anna Andersson", active=False),
    ]


async def test_no_rebind_while_the_old_signature_holds_open_cases(
    book: SignatureBook, open_cases: OpenCases
) -> None:
    await book.register("aad-anna", "xanna")
    open_cases.signatures.add("xanna")
    with pytest.raises(SignatureInUse) as refused:
        await book.register("aad-anna", "xanna2")
    assert "xanna" in refused.value.text("sv-SE") and "xanna" in refused.value.text("en-US")
    assert await book.signature_of("aad-anna") == "xanna"
    assert "xanna2" not in {b.signature for b in await book.bindings()}
    # Binding the same signature again is no rebind, and asks nothing of the ledger.
    open_cases.asked.clear()
    assert await book.register("aad-anna", "XANNA") == "xanna"
    assert open_cases.asked == []
    open_cases.signatures.clear()
    assert await book.register("aad-anna", "xanna2") == "xanna2"


async def test_a_document_from_before_ownership_was_kept(
    storage: JsonFileStorage, book: SignatureBook
) -> None:
    await storage.write({"signatures": {"by_user": {"aad-anna": "xanna", "aad-bo": "xbo"}}})
    assert await book.signature_of("aad-anna") == "xanna"
    with pytest.raises(SignatureTaken):
        await book.register("aad-cia", "xanna")
    await book.register("aad-anna", "xanna2")
    with pytest.raises(SignatureTaken):
        await book.register("aad-cia", "xanna")
    document = await stored(storage)
    assert document["owners"] == {"xanna": "aad-anna", "xbo": "aad-bo", "xanna2": "aad-anna"}
    assert document["by_user"] == {"aad-anna": "xanna2", "aad-bo": "xbo"}
    # Names arrive with the next click of someone bound before they were kept.
    assert await book.signature_of("aad-bo", "Bo Berg") == "xbo"
    assert (await stored(storage))["names"]["aad-bo"] == "Bo Berg"


async def test_a_release_frees_the_signature_for_anyone_and_the_owner_binds_again(
    book: SignatureBook,
) -> None:
    await book.register("aad-anna", "xanna", "Anna Andersson")
    await book.register("aad-bo", "xbo", "Bo Berg")
    assert await book.release("XANNA") == Binding("xanna", "aad-anna", "Anna Andersson", True)
    assert await book.release("xanna") is None
    assert await book.signature_of("aad-anna") is None
    assert [b.signature for b in await book.bindings()] == ["xbo"]
    assert await book.register("aad-cia", "xanna", "Cia Carlsson") == "xanna"
    assert await book.register("aad-anna", "xanna3") == "xanna3"


class BothReadFirst(Storage):
    """Lets the first two reads finish before either goes on to write: a race, every time."""

    def __init__(self, inner: Storage) -> None:
        self._inner = inner
        self._reads = 0
        self._both_read = asyncio.Barrier(2)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        found = await self._inner.read(keys)
        self._reads += 1
        if self._reads <= 2:
            await self._both_read.wait()
        return found

    async def write(self, changes: dict[str, Any]) -> None:
        await self._inner.write(changes)

    async def delete(self, keys: list[str]) -> None:
        await self._inner.delete(keys)


async def test_two_accounts_binding_one_signature_at_once_one_wins(
    storage: JsonFileStorage,
) -> None:
    book = SignatureBook(BothReadFirst(storage))
    results = await asyncio.gather(
        book.register("aad-anna", "xanna"), book.register("aad-bo", "xanna"), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["SignatureTaken", "str"]
    assert len((await stored(storage))["owners"]) == 1


class TwoInstances(Storage):
    """One storage under two instances: their bindings read the same document before
    either writes, so one write meets the other's e_tag; conflicts are counted."""

    def __init__(self, inner: Storage) -> None:
        self._inner = inner
        self._together = asyncio.Barrier(2)
        self._reads = 0
        self.conflicts = 0

    async def read(self, keys: list[str]) -> dict[str, Any]:
        found = await self._inner.read(keys)
        self._reads += 1
        if self._reads <= 4:  # both registers' reads, then both binds'
            await self._together.wait()
        return found

    async def write(self, changes: dict[str, Any]) -> None:
        try:
            await self._inner.write(changes)
        except StorageConflict:
            self.conflicts += 1
            raise

    async def delete(self, keys: list[str]) -> None:
        await self._inner.delete(keys)


async def test_two_instances_binding_at_once_both_bind_after_a_conflict(
    storage: JsonFileStorage,
) -> None:
    shared = TwoInstances(storage)
    one, other = SignatureBook(shared), SignatureBook(shared)
    assert await asyncio.gather(
        one.register("aad-anna", "xanna"), other.register("aad-bo", "xbo")
    ) == [
        "xanna",
        "xbo",
    ]
    assert shared.conflicts == 1
    assert (await stored(storage))["by_user"] == {"aad-anna": "xanna", "aad-bo": "xbo"}


async def test_many_first_bindings_on_two_instances_at_once_all_bind(tmp_path: Path) -> None:
    # Two instances, each with its own handle on the shared state folder.
    one = SignatureBook(JsonFileStorage(tmp_path / "state"))
    other = SignatureBook(JsonFileStorage(tmp_path / "state"))
    bound = await asyncio.gather(
        *((one if n % 2 else other).register(f"aad-{n}", f"xa{n}") for n in range(60))
    )
    assert bound == [f"xa{n}" for n in range(60)]
    assert len((await stored(JsonFileStorage(tmp_path / "state")))["by_user"]) == 60


class AlwaysMoved(Storage):
    """Another instance writes between every read and write of this one."""

    def __init__(self, inner: Storage) -> None:
        self._inner = inner

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await self._inner.read(keys)

    async def write(self, changes: dict[str, Any]) -> None:
        raise StorageConflict(next(iter(changes)))

    async def delete(self, keys: list[str]) -> None:
        await self._inner.delete(keys)


async def test_a_book_that_keeps_moving_asks_to_try_again(storage: JsonFileStorage) -> None:
    book = SignatureBook(AlwaysMoved(storage), patience=0.05)
    with pytest.raises(SignaturesBusy) as busy:
        await book.register("aad-anna", "xanna")
    assert busy.value.field == "signature" and "Försök igen" in busy.value.text("sv-SE")


# -- from the directory ------------------------------------------------------------


class Directory:
    """What the directory holds per account; ``down`` makes it fail as Graph would."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.down = False
        self.fresh: list[bool] = []

    async def value_of(self, aad_object_id: str, *, fresh: bool = False) -> str | None:
        self.fresh.append(fresh)
        if self.down:
            raise GraphError(503, ("serviceUnavailable",), None, "user")
        return self.values.get(aad_object_id)


async def test_the_directory_binds_what_it_holds_and_ignores_what_was_typed(
    book: SignatureBook,
) -> None:
    directory = Directory({"aad-anna": "XAnna", "aad-bo": "not a signature"})
    source = DirectorySignatures(book, directory)
    assert await source.signature_of("aad-anna", "Anna Andersson") == "xanna"
    assert await source.register("aad-anna", "xsomeoneelse") == "xanna"
    assert directory.fresh == [False, True]
    assert await source.signature_of("aad-bo") is None
    with pytest.raises(NotInDirectory):
        await source.register("aad-bo", "xbo")
    assert await book.signature_of("aad-bo") is None


async def test_the_directory_cannot_hand_out_a_signature_someone_owns(book: SignatureBook) -> None:
    await book.register("aad-bo", "xanna")
    source = DirectorySignatures(book, Directory({"aad-anna": "xanna"}))
    assert await source.signature_of("aad-anna") is None
    with pytest.raises(NotInDirectory):
        await source.register("aad-anna")


async def test_a_new_directory_value_waits_for_the_open_cases(
    book: SignatureBook, open_cases: OpenCases
) -> None:
    directory = Directory({"aad-anna": "xanna"})
    source = DirectorySignatures(book, directory)
    assert await source.signature_of("aad-anna") == "xanna"
    directory.values["aad-anna"] = "xanna2"
    open_cases.signatures.add("xanna")
    assert await source.signature_of("aad-anna") == "xanna"
    open_cases.signatures.clear()
    open_cases.unavailable = True  # not knowing is no licence to move her
    assert await source.signature_of("aad-anna") == "xanna"
    open_cases.unavailable = False
    assert await source.signature_of("aad-anna") == "xanna2"


async def test_a_directory_that_does_not_answer(book: SignatureBook) -> None:
    directory = Directory({"aad-anna": "xanna"})
    source = DirectorySignatures(book, directory)
    assert await source.signature_of("aad-anna") == "xanna"
    directory.down = True
    # What it said before still holds; nobody new gets in meanwhile.
    assert await source.signature_of("aad-anna") == "xanna"
    assert await source.signature_of("aad-bo") is None
    with pytest.raises(DirectoryUnavailable) as refused:
        await source.register("aad-bo")
    assert isinstance(refused.value, InvalidInput) and refused.value.field == "signature"

"""Bot state behind the Bot Framework ``Storage`` interface: one e_tag contract, two stores.

The contract runs against ``JsonFileStorage`` always, and against
``AzureBlobStorage`` when Azurite (Microsoft's Azure Storage emulator, npm
``azurite``) is at hand (``tests.azurite``): set ``STORA_TEST_AZURITE_BLOB``
to its ``azurite-blob`` command, e.g. after ``npm install azurite`` in some
folder, ``STORA_TEST_AZURITE_BLOB=$PWD/node_modules/.bin/azurite-blob``. In CI
(``.ci/run`` installs it) a missing command fails instead of skipping.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from botbuilder.core import Storage

from bot.config import Settings
from bot.state import create_storage
from bot.storage import CREATE_ONLY, JsonFileStorage, StorageConflict
from tests.azurite import azurite_blob


@pytest.fixture(params=["file", "blob"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "file":
        yield JsonFileStorage(tmp_path / "state")
        return
    async with azurite_blob() as connection:
        settings = Settings(
            _env_file=None, STORA_STORAGE="blob", STORA_BLOB_CONNECTION_STRING=connection,
            STORA_BLOB_CONTAINER=f"test-{uuid.uuid4().hex[:8]}",
        )
        blob = create_storage(settings)
        yield blob
        await blob.close()  # type: ignore[attr-defined]


async def test_read_what_was_written_with_a_fresh_e_tag(storage: Storage) -> None:
    assert await storage.read(["nothing/here"]) == {}
    await storage.write({"case-card/SA-000001": {"n": 1, "e_tag": "*"}})
    found = (await storage.read(["case-card/SA-000001", "nothing/here"]))
    assert list(found) == ["case-card/SA-000001"]
    assert found["case-card/SA-000001"]["n"] == 1
    assert found["case-card/SA-000001"]["e_tag"] not in ("*", None, CREATE_ONLY)


async def test_a_write_with_an_old_e_tag_conflicts(storage: Storage) -> None:
    await storage.write({"k": {"n": 1}})
    first = (await storage.read(["k"]))["k"]
    await storage.write({"k": {"n": 2, "e_tag": first["e_tag"]}})
    with pytest.raises(StorageConflict):
        await storage.write({"k": {"n": 3, "e_tag": first["e_tag"]}})
    assert (await storage.read(["k"]))["k"]["n"] == 2
    await storage.write({"k": {"n": 4, "e_tag": "*"}})  # "*" always writes
    assert (await storage.read(["k"]))["k"]["n"] == 4


async def test_create_only_writes_once(storage: Storage) -> None:
    await storage.write({"claim": {"by": "a", "e_tag": CREATE_ONLY}})
    with pytest.raises(StorageConflict):
        await storage.write({"claim": {"by": "b", "e_tag": CREATE_ONLY}})
    assert (await storage.read(["claim"]))["claim"]["by"] == "a"


async def test_of_two_writers_with_the_same_e_tag_one_wins(storage: Storage) -> None:
    await storage.write({"doc": {"n": 0}})
    read = (await storage.read(["doc"]))["doc"]
    outcomes = await asyncio.gather(
        *(storage.write({"doc": {"n": i, "e_tag": read["e_tag"]}}) for i in (1, 2)),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "StorageConflict"]


async def test_delete(storage: Storage) -> None:
    await storage.write({"gone": {"n": 1}})
    await storage.delete(["gone", "never-was"])
    assert await storage.read(["gone"]) == {}


def test_settings_choose_the_store(tmp_path: Path) -> None:
    local = create_storage(Settings(_env_file=None, STORA_STATE_DIR=tmp_path / "s"))
    assert isinstance(local, JsonFileStorage)
    with pytest.raises(ValueError, match="account URL or a connection string"):
        create_storage(Settings(_env_file=None, STORA_STORAGE="blob"))
    in_azure = create_storage(
        Settings(_env_file=None, STORA_STORAGE="blob", STORA_BLOB_ACCOUNT_URL="https://acct.blob.core.windows.net")
    )
    assert type(in_azure).__name__ == "AzureBlobStorage"  # no request is made before first use

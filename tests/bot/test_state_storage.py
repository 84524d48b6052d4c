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
from pathlib import Path

import pytest
from botbuilder.core import Storage

from bot.config import Settings
from bot.state import create_storage
from bot.storage import CREATE_ONLY, JsonFileStorage, StorageConflict


async def test_read_what_was_written_with_a_fresh_e_tag(state_store: Storage) -> None:
    assert await state_store.read(["nothing/here"]) == {}
    await state_store.write({"case-card/SA-000001": {"n": 1, "e_tag": "*"}})
    found = await state_store.read(["case-card/SA-000001", "nothing/here"])
    assert list(found) == ["case-card/SA-000001"]
    assert found["case-card/SA-000001"]["n"] == 1
    assert found["case-card/SA-000001"]["e_tag"] not in ("*", None, CREATE_ONLY)


async def test_a_write_with_an_old_e_tag_conflicts(state_store: Storage) -> None:
    await state_store.write({"k": {"n": 1}})
    first = (await state_store.read(["k"]))["k"]
    await state_store.write({"k": {"n": 2, "e_tag": first["e_tag"]}})
    with pytest.raises(StorageConflict):
        await state_store.write({"k": {"n": 3, "e_tag": first["e_tag"]}})
    assert (await state_store.read(["k"]))["k"]["n"] == 2
    await state_store.write({"k": {"n": 4, "e_tag": "*"}})  # "*" always writes
    assert (await state_store.read(["k"]))["k"]["n"] == 4


async def test_create_only_writes_once(state_store: Storage) -> None:
    await state_store.write({"claim": {"by": "a", "e_tag": CREATE_ONLY}})
    with pytest.raises(StorageConflict):
        await state_store.write({"claim": {"by": "b", "e_tag": CREATE_ONLY}})
    assert (await state_store.read(["claim"]))["claim"]["by"] == "a"


async def test_of_two_writers_with_the_same_e_tag_one_wins(state_store: Storage) -> None:
    await state_store.write({"doc": {"n": 0}})
    read = (await state_store.read(["doc"]))["doc"]
    outcomes = await asyncio.gather(
        *(state_store.write({"doc": {"n": i, "e_tag": read["e_tag"]}}) for i in (1, 2)),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "StorageConflict"]


async def test_delete(state_store: Storage) -> None:
    await state_store.write({"gone": {"n": 1}})
    await state_store.delete(["gone", "never-was"])
    assert await state_store.read(["gone"]) == {}


def test_settings_choose_the_store(tmp_path: Path) -> None:
    local = create_storage(Settings(_env_file=None, STORA_STATE_DIR=tmp_path / "s"))
    assert isinstance(local, JsonFileStorage)
    with pytest.raises(ValueError, match="account URL or a connection string"):
        create_storage(Settings(_env_file=None, STORA_STORAGE="blob"))
    in_azure = create_storage(
        Settings(
            _env_file=None,
            STORA_STORAGE="blob",
            STORA_BLOB_ACCOUNT_URL="https://acct.blob.core.windows.net",
        )
    )
    assert type(in_azure).__name__ == "AzureBlobStorage"  # no request is made before first use

"""Bot state behind the Bot Framework ``Storage`` interface: one e_tag contract, two stores.

The contract runs against ``JsonFileStorage`` always, and against
``AzureBlobStorage`` when Azurite (Microsoft's Azure Storage emulator, npm
``azurite``) is at hand: set ``STORA_TEST_AZURITE_BLOB`` to its
``azurite-blob`` command, e.g. after ``npm install azurite`` in some folder,
``STORA_TEST_AZURITE_BLOB=$PWD/node_modules/.bin/azurite-blob``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from botbuilder.core import Storage

from bot.config import Settings
from bot.state import create_storage
from bot.storage import CREATE_ONLY, JsonFileStorage, StorageConflict

AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _azurite_command() -> str | None:
    command = os.environ.get("STORA_TEST_AZURITE_BLOB") or shutil.which("azurite-blob")
    return command if command and Path(command).exists() else None


@pytest.fixture(params=["file", "blob"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "file":
        yield JsonFileStorage(tmp_path / "state")
        return
    command = _azurite_command()
    if command is None:
        pytest.skip("Azurite not installed (set STORA_TEST_AZURITE_BLOB to run the blob contract)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [command, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
         "--silent", "--skipApiVersionCheck"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        await _wait_for_port(port, process)
        connection = (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
        )
        settings = Settings(
            _env_file=None, STORA_STORAGE="blob", STORA_BLOB_CONNECTION_STRING=connection,
            STORA_BLOB_CONTAINER=f"test-{uuid.uuid4().hex[:8]}",
        )
        blob = create_storage(settings)
        yield blob
        await blob.close()  # type: ignore[attr-defined]
    finally:
        # In-memory Azurite has nothing to save, and its graceful stop can hang
        # on the client's open keep-alive sockets: end it outright.
        process.kill()
        process.wait()


async def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):  # Azurite starts in about a second
        if process.poll() is not None:
            raise RuntimeError("Azurite did not start")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)  # polling a child process's port; no race is hidden
            continue
        writer.close()
        return
    raise RuntimeError("Azurite did not open its port")


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

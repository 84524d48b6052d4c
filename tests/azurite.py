"""Azurite, Microsoft's Azure Storage emulator (npm ``azurite``), for tests of blob state.

``STORA_TEST_AZURITE_BLOB`` names its ``azurite-blob`` command; ``.ci/run``
installs it and sets that. Without it a test skips, except in CI (``CI`` set)
when the variable is set but the command is not there: the multi-instance run
must not quietly vanish from CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (learn.microsoft.com/azure/storage/common/storage-use-azurite).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_command() -> str:
    """The ``azurite-blob`` command; skips the test (fails it in CI) when there is none."""
    given = os.environ.get("STORA_TEST_AZURITE_BLOB", "")
    command = given or shutil.which("azurite-blob") or ""
    if command and Path(command).exists():
        return command
    if given and os.environ.get("CI"):
        pytest.fail(f"STORA_TEST_AZURITE_BLOB={given} does not exist: Azurite is missing in CI")
    pytest.skip("Azurite not installed (set STORA_TEST_AZURITE_BLOB to its azurite-blob)")


@contextlib.asynccontextmanager
async def azurite_blob() -> AsyncIterator[str]:
    """An in-memory Azurite on a free loopback port: its connection string."""
    command = azurite_command()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        command, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
        "--silent", "--skipApiVersionCheck",
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await _wait_for_port(port, process)
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};"
        )
    finally:
        # In-memory Azurite has nothing to save, and its graceful stop can hang
        # on the clients' open keep-alive sockets: end it outright.
        process.kill()
        await process.wait()


async def _wait_for_port(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(400):  # Azurite starts in about a second
        if process.returncode is not None:
            raise RuntimeError("Azurite did not start")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)  # polling a child process's port; no race is hidden
            continue
        writer.close()
        return
    raise RuntimeError("Azurite did not open its port")

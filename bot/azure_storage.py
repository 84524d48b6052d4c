"""Bot state in Azure Blob storage, behind the Bot Framework ``Storage`` interface.

One blob per key in one container, holding ``{"key": ..., "value": ...}`` as
JSON, exactly as ``JsonFileStorage`` keeps one file per key. The e_tag of an
item is the blob's own ETag, and writes carry it as a condition, so the
optimistic-concurrency contract is the same as on disk:

- e_tag ``None`` or ``"*"``: written unconditionally;
- e_tag ``CREATE_ONLY``: written only when the blob does not exist (If-None-Match: *);
- any other e_tag: written only while the blob still has it (If-Match);

and a write that loses raises ``StorageConflict``. Writes of several keys are
not atomic across keys; the bot writes one key at a time where it matters.

Why not botbuilder-azure's ``BlobStorage`` (4.17.1): it pins
``azure-storage-blob==12.7.0`` (January 2021; pip cannot resolve it together
with any current 12.x), ``azure-cosmos==4.7.0`` and the test helper
``aiounittest`` as run-time dependencies; it takes only a connection string or
account key, where Azure should use the app's managed identity; its ``read``
treats every error other than 404 as "no item"; and it has no create-only
write, which the stall notices need to claim a notice exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
)
from azure.storage.blob.aio import ContainerClient
from botbuilder.core import Storage

from .storage import CREATE_ONLY, StorageConflict

log = logging.getLogger(__name__)


class AzureBlobStorage(Storage):
    def __init__(self, container: ContainerClient, *, credential: Any = None) -> None:
        self._container = container
        self._credential = credential  # closed with the storage when we opened it
        self._ready = False
        self._ready_lock = asyncio.Lock()

    @classmethod
    def connect(
        cls, *, container: str, account_url: str = "", connection_string: str = ""
    ) -> AzureBlobStorage:
        """With a connection string (Azurite, or a key), else the app's Entra identity.

        ``DefaultAzureCredential`` picks the managed identity in Azure (set
        ``AZURE_CLIENT_ID`` for a user-assigned one) and ``az login`` on a
        developer's machine. The identity needs the role "Storage Blob Data
        Contributor" on the container (or the account).
        """
        if connection_string:
            return cls(ContainerClient.from_connection_string(connection_string, container))
        if not account_url:
            raise ValueError("Azure Blob storage needs an account URL or a connection string")
        from azure.identity.aio import DefaultAzureCredential

        credential = DefaultAzureCredential()
        return cls(
            ContainerClient(account_url, container, credential=credential), credential=credential
        )

    async def read(self, keys: list[str]) -> dict[str, Any]:
        await self._ensure_container()
        found: dict[str, Any] = {}
        for key in keys or []:
            try:
                download = await self._container.get_blob_client(key).download_blob()
                text = await download.readall()
            except ResourceNotFoundError:
                continue
            document = json.loads(text)
            found[key] = {**document["value"], "e_tag": download.properties.etag}
        return found

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        await self._ensure_container()
        for key, item in changes.items():
            if not isinstance(item, Mapping):
                raise TypeError("AzureBlobStorage stores JSON objects (dicts) only")
            wanted = item.get("e_tag")
            value = {name: field for name, field in item.items() if name != "e_tag"}
            body = json.dumps({"key": key, "value": value}, ensure_ascii=False)
            blob = self._container.get_blob_client(key)
            try:
                if wanted in (None, "*"):
                    await blob.upload_blob(body, overwrite=True)
                elif wanted == CREATE_ONLY:
                    await blob.upload_blob(body, overwrite=False)
                else:
                    await blob.upload_blob(
                        body,
                        overwrite=True,
                        etag=wanted,
                        match_condition=MatchConditions.IfNotModified,
                    )
            except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
                raise StorageConflict(key) from None
            except HttpResponseError as error:
                if error.status_code in (409, 412):
                    raise StorageConflict(key) from None
                raise

    async def delete(self, keys: list[str]) -> None:
        await self._ensure_container()
        for key in keys or []:
            with contextlib.suppress(ResourceNotFoundError):
                await self._container.get_blob_client(key).delete_blob()

    async def close(self) -> None:
        await self._container.close()
        if self._credential is not None:
            await self._credential.close()

    async def _ensure_container(self) -> None:
        if self._ready:
            return
        async with self._ready_lock:
            if self._ready:
                return
            try:
                await self._container.create_container()
            except ResourceExistsError:
                pass
            except HttpResponseError as error:
                # An identity with data rights only may not create containers;
                # the infrastructure then provides it, and the first read tells.
                log.warning("could not create the state container (HTTP %s)", error.status_code)
            self._ready = True

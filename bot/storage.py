"""Bot state on disk, behind the Bot Framework ``Storage`` interface.

Locally the bot keeps its state (signatures, where each case card was posted,
the channel to notify) as one JSON file per key. In Azure the same interface is
served by blob storage, so nothing above this module knows the difference.

Writes follow the Bot Framework's optimistic-concurrency contract: an item
that carries an ``e_tag`` other than ``"*"`` is written only when the stored
item still has that e_tag, otherwise ``StorageConflict`` is raised. An item
whose e_tag is ``CREATE_ONLY`` is written only when the key holds nothing yet:
no stored item ever carries that e_tag (Azure Blob storage: If-None-Match: *).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botbuilder.core import Storage
from filelock import FileLock


class StorageConflict(KeyError):
    """Someone wrote the item since it was read (its e_tag moved on)."""


# The e_tag of an item that must not exist yet: two writers creating the same
# key at once cannot both succeed. Stored e_tags are uuid4 hex, never this.
CREATE_ONLY = "create-only"


class JsonFileStorage(Storage):
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self._dir = Path(directory)
        self._dir.mkdir(parents=True, exist_ok=True)
        # One lock file for the folder: writes are small and rare, and one lock
        # makes multi-key writes atomic with respect to other processes.
        self._lock = FileLock(str(self._dir / ".lock"))

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await asyncio.to_thread(self._read, keys)

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        await asyncio.to_thread(self._write, dict(changes))

    async def delete(self, keys: list[str]) -> None:
        await asyncio.to_thread(self._delete, keys)

    def _path(self, key: str) -> Path:
        # Keys may hold any character ("/" and ":" are common); hash them to a
        # safe file name and keep the key inside the file for humans.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self._dir / f"{digest}.json"

    def _load(self, key: str) -> dict[str, Any] | None:
        try:
            with self._path(key).open(encoding="utf-8") as handle:
                return json.load(handle)["value"]
        except FileNotFoundError:
            return None

    def _read(self, keys: list[str]) -> dict[str, Any]:
        found = {}
        for key in keys or []:
            value = self._load(key)
            if value is not None:
                found[key] = value
        return found

    def _write(self, changes: dict[str, Any]) -> None:
        with self._lock:
            for key, item in changes.items():
                if not isinstance(item, Mapping):
                    raise TypeError("JsonFileStorage stores JSON objects (dicts) only")
                wanted = item.get("e_tag")
                current = self._load(key)
                if (
                    wanted not in (None, "*")
                    and current is not None
                    and current.get("e_tag") != wanted
                ):
                    raise StorageConflict(key)
            for key, item in changes.items():
                value = {**item, "e_tag": uuid.uuid4().hex}
                self._replace(self._path(key), {"key": key, "value": value})

    def _delete(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys or []:
                self._path(key).unlink(missing_ok=True)

    def _replace(self, path: Path, document: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

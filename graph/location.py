"""Which file is "Stora ärenden": a drive id and an item id, found once and kept.

Three ways, cheapest first:

- both ids (``STORA_GRAPH_DRIVE_ID``, ``STORA_GRAPH_ITEM_ID``): no request;
- the library's drive id and the file's path in it: one request, and it works
  with nothing but ``Sites.Selected`` on the team's site;
- the team's Microsoft 365 group id and the path: two requests, and reading
  ``/groups/{id}/drive`` needs ``Files.Read.All`` or more.

A channel's files live in a folder named after the channel, in the team's
"Documents" library (``Backoffice/Stora ärenden.xlsx``). Whatever is resolved
is kept for the life of the process; ``python -m bot check`` prints the ids it
found, so they can be pinned.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from urllib.parse import quote

from .client import GraphTransport
from .config import GraphConfig
from .deadline import Deadline


@dataclass(frozen=True)
class FileLocation:
    drive_id: str
    item_id: str
    name: str = ""
    web_url: str = ""


class Locator:
    def __init__(self, config: GraphConfig, transport: GraphTransport) -> None:
        self._config = config
        self._transport = transport
        self._found: FileLocation | None = None
        if config.drive_id and config.item_id:
            self._found = FileLocation(config.drive_id, config.item_id)
        self._lock = asyncio.Lock()

    @property
    def known(self) -> FileLocation | None:
        return self._found

    async def locate(self, deadline: Deadline) -> FileLocation:
        if self._found is not None:
            return self._found
        async with self._lock:
            if self._found is None:
                self._found = await self._resolve(deadline)
        return self._found

    async def web_url(self, deadline: Deadline) -> str:
        """The file's address in the browser (the driveItem's ``webUrl``), read once and kept.

        Found with the file when located by path; with pinned ids, one
        ``GET /drives/{drive-id}/items/{item-id}`` the first time it is asked for.
        """
        found = await self.locate(deadline)
        if found.web_url:
            return found.web_url
        async with self._lock:
            assert self._found is not None
            if not self._found.web_url:
                items = self._transport.client.drives.by_drive_id(found.drive_id).items
                request = items.by_drive_item_id(found.item_id).to_get_request_information()
                item = await self._transport.send(request, "file", deadline)
                web_url = str((item.body or {}).get("webUrl") or "")
                self._found = replace(self._found, web_url=web_url)
        return self._found.web_url

    async def _resolve(self, deadline: Deadline) -> FileLocation:
        client = self._transport.client
        drive_id = self._config.drive_id
        if not drive_id:
            group = client.groups.by_group_id(self._config.group_id)
            drive = await self._transport.send(
                group.drive.to_get_request_information(), "group drive", deadline
            )
            drive_id = str(drive.body["id"])
        # Path-based addressing (GET /drives/{id}/root:/{path}): the typed builders
        # have no path form, and kiota would escape the path's slashes as a plain
        # id, so the URL is given as a raw URL to the SDK's own item builder.
        path = quote(self._config.file_path, safe="/")
        url = f"{self._transport.base_url}/drives/{quote(drive_id, safe='')}/root:/{path}:"
        item = await self._transport.send(
            client.drives.by_drive_id(drive_id).items.with_url(url).to_get_request_information(),
            "file by path",
            deadline,
        )
        body = item.body or {}
        parent = body.get("parentReference") or {}
        return FileLocation(
            str(parent.get("driveId") or drive_id),
            str(body["id"]),
            str(body.get("name") or ""),
            str(body.get("webUrl") or ""),
        )

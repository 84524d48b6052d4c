"""Where the bot keeps its own state, chosen by settings (``STORA_STORAGE``).

- ``file`` (default): ``JsonFileStorage`` in ``STORA_STATE_DIR``, for one
  instance on one machine.
- ``blob``: ``AzureBlobStorage`` in the container ``STORA_BLOB_CONTAINER``, at
  ``STORA_BLOB_ACCOUNT_URL`` with the app's managed identity, or with
  ``STORA_BLOB_CONNECTION_STRING`` (Azurite, or an account key). Required as
  soon as more than one instance runs: the instances must share their state.

Both follow the same e_tag contract (``bot.storage``). The state holds no
customer data: signatures, where cards were posted, the team's channel, the
stall notices' bookkeeping (Ärende-IDs, fingerprints of lifecycle fields, times),
the clicks applied in the last day (``bot.redelivery``: hashes, verbs, Ärende-IDs, times),
the late-edit checks due within seconds (``bot.late_edit_book``: Ärende-IDs, agents'
Teams ids and names, whether cells were empty, hashes whose customer-column key stays in memory),
and what the instances take in turn (``bot.reservations``: Ärende-IDs, case holds, times).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web
from botbuilder.core import Storage

from .config import Settings
from .storage import JsonFileStorage


def create_storage(settings: Settings) -> Storage:
    if settings.storage == "blob":
        from .azure_storage import AzureBlobStorage

        return AzureBlobStorage.connect(
            container=settings.blob_container,
            account_url=settings.blob_account_url,
            connection_string=settings.blob_connection_string,
        )
    return JsonFileStorage(settings.state_dir)


def storage_context(storage: Storage) -> Callable[[web.Application], AsyncIterator[None]]:
    """For ``app.cleanup_ctx``: close the storage's connections when the app stops."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        yield
        close = getattr(storage, "close", None)
        if close is not None:
            await close()

    return context

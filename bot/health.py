"""``GET /readyz``: can the bot reach the workbook right now?

``/healthz`` says the process answers; ``/readyz`` says it can do its job. The
probe is one cheap Ledger read, bounded by a short timeout: the lookup of an
Ärende-ID that is never issued (``SA-000000``), which a reachable ledger with a
well-formed table answers with ``CaseNotFound``. A ledger may offer a cheaper
check of its own as ``async def ready() -> None`` (raising when it is not).
The answer is kept a few seconds, so a probe every second costs the workbook
(in production: Microsoft Graph) no more than one read per ``cache_for``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from cases.columns import WorkbookLayoutError, format_case_id
from cases.errors import CaseNotFound
from cases.ledger import Ledger, LedgerUnavailable

log = logging.getLogger(__name__)

PROBE_ID = format_case_id(0)  # IDs start at SA-000001: this one is never issued


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str  # "ok", "timeout", "unavailable", "layout", "error"
    detail: str = ""  # for the log: the domain's own words (never customer data)


class LedgerProbe:
    def __init__(
        self,
        ledger: Ledger,
        *,
        timeout: float = 2.0,
        cache_for: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ledger = ledger
        self._timeout = timeout
        self._cache_for = cache_for
        self._clock = clock
        self._last: tuple[float, Readiness] | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Readiness:
        async with self._lock:  # concurrent probes share one ledger read
            now = self._clock()
            if self._last is not None and now - self._last[0] < self._cache_for:
                return self._last[1]
            result = await self._probe()
            previous = self._last[1] if self._last else None
            if not result.ready and (previous is None or previous.ready):
                log.warning("not ready: ledger %s %s", result.reason, result.detail)
            elif result.ready and previous is not None and not previous.ready:
                log.info("ready again: ledger reachable")
            self._last = (self._clock(), result)
            return result

    async def _probe(self) -> Readiness:
        ready = getattr(self._ledger, "ready", None)
        try:
            async with asyncio.timeout(self._timeout):
                if callable(ready):
                    await ready()
                else:
                    await self._ledger.get(PROBE_ID)
        except CaseNotFound:
            return Readiness(True, "ok")
        except TimeoutError:
            return Readiness(False, "timeout")
        except LedgerUnavailable as error:
            return Readiness(False, "unavailable", error.detail)
        except WorkbookLayoutError as error:
            return Readiness(False, "layout", error.message)
        except Exception as error:  # noqa: BLE001 - any other failure means "not ready"
            log.warning("readiness probe failed: %s", type(error).__name__)
            return Readiness(False, "error")
        return Readiness(True, "ok")

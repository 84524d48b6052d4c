"""The local Ledger: the table StoraArenden in an .xlsx file on disk, through openpyxl.

Every write takes an inter-process file lock, re-reads the file if anyone else
changed it, edits only the cells of the bot's columns and saves atomically
(temp file + rename). Reads need no lock: a save replaces the file in one rename, so a
reader holding the file open sees one whole version. The loaded workbook is
kept between calls and reused while the file on disk is the one it came from.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from filelock import FileLock, Timeout
from openpyxl import Workbook, load_workbook

from cases.clock import Clock, stockholm_now
from cases.columns import ARENDE_ID, case_from_cells, case_to_cells
from cases.errors import CaseNotFound
from cases.ledger import Conflict, LedgerUnavailable
from cases.model import Case, NewCase, Status

from .row_cache import fill, save_workbook
from .table import FileKey, TableBook
from .template import create_workbook, save_atomically, temp_prefix

log = logging.getLogger(__name__)

T = TypeVar("T")


class LocalWorkbookLedger:
    """The Ledger protocol over a local .xlsx file, created from the template when missing."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        lock_timeout: float = 10.0,
    ) -> None:
        self.path = Path(path)
        # Only stamps the bot's state sheet ("saved_at"): case times come from
        # the lifecycle, which owns "now" for everything the agent sees.
        self._clock = clock or stockholm_now
        self._file_lock = FileLock(f"{self.path}.lock", timeout=lock_timeout, thread_local=False)
        self._async_lock = asyncio.Lock()
        # A cancelled caller releases the asyncio lock while its thread still
        # runs; this one keeps the cached workbook single-user regardless.
        self._thread_lock = threading.Lock()
        self._book: TableBook | None = None
        self._filling: threading.Thread | None = None

    async def add(self, new: NewCase) -> Case:
        return await self._call(self._add, new)

    async def get(self, case_id: str) -> Case:
        return await self._call(self._get, case_id)

    async def list(self, statuses: Iterable[Status] | None = None) -> builtins.list[Case]:
        wanted = None if statuses is None else frozenset(Status(s) for s in statuses)
        return await self._call(self._list, wanted)

    async def update(self, expected: Case, new: Case) -> Case:
        if new.case_id != expected.case_id:
            raise ValueError(
                f"an update cannot change the Ärende-ID ({expected.case_id} -> {new.case_id})"
            )
        return await self._call(self._update, expected, new)

    async def settle(self) -> None:
        """Wait for the rows of a workbook just loaded to be serialised (benches, tests)."""
        if self._filling is not None:
            await asyncio.to_thread(self._filling.join)

    async def _call(self, operation: Callable[..., T], *args: object) -> T:
        async with self._async_lock:
            return await asyncio.to_thread(self._in_thread, operation, *args)

    def _in_thread(self, operation: Callable[..., T], *args: object) -> T:
        with self._thread_lock:
            return operation(*args)

    # -- operations, run in a worker thread ------------------------------------

    def _get(self, case_id: str) -> Case:
        book = self._current_book()
        row = book.row_of(case_id)
        if row is None:
            raise CaseNotFound(case_id)
        return book.read_case(row)

    def _list(self, wanted: frozenset[Status] | None) -> builtins.list[Case]:
        cases = self._current_book().cases()
        return [case for case in cases if wanted is None or case.status in wanted]

    def _add(self, new: NewCase) -> Case:
        def change(book: TableBook) -> Case:
            book.ensure_bot_columns()
            cells = case_to_cells(new.with_id(book.issue_case_id()))
            row = book.new_row()
            book.write(row, cells)
            book.remember(cells[ARENDE_ID], row)
            return case_from_cells(cells)

        return self._write(change)

    def _update(self, expected: Case, new: Case) -> Case:
        def change(book: TableBook) -> Case:
            row = book.row_of(expected.case_id)
            if row is None:
                raise CaseNotFound(expected.case_id)
            current = book.read_case(row)
            if current != expected:
                raise Conflict(current)
            before, after = case_to_cells(current), case_to_cells(new)
            # Only the cells that change: a date a person typed as a real date
            # stays as they typed it when the bot has no reason to touch it.
            changed = {header: text for header, text in after.items() if text != before[header]}
            if changed:
                book.ensure_bot_columns()
                book.write(row, changed)
            return book.read_case(row)

        return self._write(change)

    # -- file handling ---------------------------------------------------------

    def _write(self, change: Callable[[TableBook], T]) -> T:
        with self._locked_file():
            book = self._current_book()
            try:
                result = change(book)
                if book.dirty:
                    book.stamp(self._clock())
                    self._sweep_temp_files()
                    started = time.perf_counter()
                    save_atomically(
                        book.wb,
                        self.path,
                        write=lambda fh: save_workbook(book.wb, fh, book.saved_rows),
                    )
                    book.key = _file_key(os.stat(self.path))
                    book.dirty = False
                    log.debug("Saved workbook in %.0f ms", (time.perf_counter() - started) * 1e3)
            except BaseException:
                if book.dirty:  # the cached copy no longer matches the file
                    self._book = None
                raise
            return result

    def _current_book(self) -> TableBook:
        """The workbook as the file holds it now, from the cache when the file is unchanged."""
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - closed below, after the load
        except FileNotFoundError:
            self._create_if_missing()
            fh = open(self.path, "rb")  # noqa: SIM115
        with fh:
            key = _file_key(os.fstat(fh.fileno()))
            if self._book is not None and self._book.key == key:
                return self._book
            self._book = None
            wb = _load(fh)
        self._book = TableBook(wb, key)
        # The first save after a load writes every row; done now, in the
        # background, the click that saves next writes only its own row. When
        # the file is loaded again before any save, it was CPU spent for
        # nothing: ~0.1 s at 1,000 rows, ~1 s at 10,000 (bench.ledger).
        self._filling = threading.Thread(
            target=self._fill_saved_rows, args=(self._book,), daemon=True
        )
        self._filling.start()
        return self._book

    def _fill_saved_rows(self, book: TableBook) -> None:
        with self._thread_lock:
            if self._book is book and not book.dirty:
                started = time.perf_counter()
                fill(book.saved_rows)
                log.debug("Rows serialised in %.0f ms", (time.perf_counter() - started) * 1e3)

    def _create_if_missing(self) -> None:
        with self._locked_file():
            if not self.path.exists():
                with contextlib.suppress(FileExistsError):
                    create_workbook(self.path)
                    log.info("Created a new Stora ärenden workbook at %s", self.path)

    @contextlib.contextmanager
    def _locked_file(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._file_lock.acquire()
        except Timeout:
            raise LedgerUnavailable("workbook lock timeout") from None
        try:
            yield
        finally:
            self._file_lock.release()

    def _sweep_temp_files(self) -> None:
        # Only called under the lock, when no other writer can be mid-save: any
        # temp file left is from a writer that died before its rename.
        for stale in self.path.parent.glob(f"{temp_prefix(self.path)}*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _load(fh: IO[bytes]) -> Workbook:
    started = time.perf_counter()
    try:
        # rich_text keeps the team's partly-bold cells in columns the bot never writes.
        wb = load_workbook(fh, rich_text=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise LedgerUnavailable(f"cannot open workbook: {type(exc).__name__}") from None
    log.debug("Loaded workbook in %.0f ms", (time.perf_counter() - started) * 1e3)
    return wb


def _file_key(st: os.stat_result) -> FileKey:
    # A save renames a new file into place, so the inode alone already changes;
    # size and times also catch a tool that rewrites the file in place.
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)

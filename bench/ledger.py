"""Latency of the local Ledger at a few workbook sizes: p50/p95 per operation, in ms.

Command line: ``python -m bench.ledger [--sizes 100,1000,10000] [--repeat 20]``.

Each size gets a fresh workbook in a temporary directory, pre-filled by writing
rows straight through openpyxl (going through the Ledger would take as long as
the benchmark itself). The operations are timed as a click costs them:

- add:   ``add`` of a registration;
- claim: ``get`` then ``update`` to Påbörjad (the bot re-reads before it writes);
- close: ``get`` then ``update`` to Hanterad with the customer cells wiped;
- list:  ``list`` of the open cases (what the queue card and the notifier read);
- cold get: a new Ledger and one ``get``, i.e. a full load, which every
  operation pays once after someone else saved the file.

A second table sets openpyxl's own whole-file save (``wb.save``, what every
click paid before issue 13) beside the row cache's save of the same workbook
(``local_workbook.row_cache``), for the README's account of what is openpyxl's.
``run(quick)`` returns both as a ``bench.report.Section`` for ``make bench``.

Nothing is asserted: the figures are for comparing changes on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bench.report import Section, Table, spread
from cases.clock import STOCKHOLM
from cases.columns import HEADERS, STATUS, TABLE_NAME, case_to_cells, format_case_id
from cases.model import Case, NewCase, Status
from local_workbook.ledger import LocalWorkbookLedger
from local_workbook.row_cache import fill, save_workbook
from local_workbook.table import TableBook
from local_workbook.template import create_workbook

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=STOCKHOLM)
COLD_RUNS = 5  # a full load is the slowest thing measured; a few samples tell enough
SAVE_RUNS = 5


# What a prefilled row is: a case still Ny, claimed (Påbörjad), handed over, or closed.
Kind = Literal["new", "started", "handed over", "closed"]


def synthetic_case(n: int, status: Status | Kind) -> Case:
    kind = _KINDS.get(status, status) if isinstance(status, Status) else status
    registered = T0 + timedelta(minutes=7 * n)
    case = NewCase(
        customer_number=f"{100000 + n:07d}",
        cab_number=f"{5000000 + n}",
        description=f"Ändra fakturaadress för {16 + n % 40} anläggningar\nenligt kundens lista",
        registered_by="xpia",  # not a signature the click benches sign up with
        registered_at=registered,
    ).with_id(format_case_id(n + 1))
    if kind == "new":
        return case
    case = case.replace(status=Status.PABORJAD, handler="xper", changed_at=registered)
    if kind == "handed over":
        later = registered + timedelta(minutes=5)
        case = case.replace(comment="Klar med hälften", changed_at=later, handed_over_at=later)
    if kind == "closed":
        case = case.replace(
            status=Status.HANTERAD, customer_number="", cab_number="", description=""
        )
    return case


_KINDS: dict[Status | Kind, Kind] = {
    Status.NY: "new",
    Status.PABORJAD: "started",
    Status.HANTERAD: "closed",
}


def prefill(
    path: Path, rows: int, open_cases: int, kind_of: Callable[[int], Kind] | None = None
) -> None:
    """``rows`` cases, most of them closed as in a workbook that has been used for a while.

    ``kind_of(n)``: what the n-th row is; by default the last ``open_cases``
    are new and of the others every tenth is still started.
    """
    create_workbook(path)
    wb = load_workbook(path)
    ws = next(ws for ws in wb.worksheets if TABLE_NAME in ws.tables)
    table = ws.tables[TABLE_NAME]
    # _style: a cell's whole format, as openpyxl keeps it; types-openpyxl leaves it out.
    template_styles = [
        ws.cell(2, col)._style  # type: ignore[union-attr]
        for col in range(1, len(HEADERS) + 1)
    ]
    for n in range(rows):
        # The newest cases are still open; older ones mostly handled.
        if kind_of is not None:
            status: Status | Kind = kind_of(n)
        elif n >= rows - open_cases:
            status = Status.NY
        else:
            status = Status.HANTERAD if n % 10 else Status.PABORJAD
        cells = case_to_cells(synthetic_case(n, status))
        for col, header in enumerate(HEADERS, start=1):
            cell = ws.cell(2 + n, col)
            cell.value = cells[header] or None
            cell._style = template_styles[col - 1]  # type: ignore[union-attr]
    ref = f"A1:{get_column_letter(len(HEADERS))}{1 + rows}"
    table.ref = table.autoFilter.ref = ref
    wb.save(path)


async def timed(
    runs: int,
    operation: Callable[[int], Awaitable[object]],
    loaded: Sequence[LocalWorkbookLedger] = (),
) -> list[float]:
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        await operation(i)
        samples.append((time.perf_counter() - started) * 1e3)
        for ledger in loaded:  # a load's background work, outside the time of the next run
            await ledger.settle()
    return samples


async def measure(path: Path, rows: int, repeat: int) -> dict[str, list[float]]:
    ledger = LocalWorkbookLedger(path)
    await ledger.list()  # the first load is "cold get"'s business
    await ledger.settle()  # and so is serialising the rows after it, done in the background
    targets = [format_case_id(n + 1) for n in range(rows - repeat, rows)]

    async def add(i: int) -> None:
        await ledger.add(NewCase("0012345", "5550001", f"Bench {i}", "xbench", T0))

    async def claim(i: int) -> None:
        current = await ledger.get(targets[i])
        later = current.changed_at + timedelta(minutes=5)
        await ledger.update(
            current, current.replace(status=Status.PABORJAD, handler="xbench", changed_at=later)
        )

    async def close(i: int) -> None:
        current = await ledger.get(targets[i])
        done = current.replace(
            status=Status.HANTERAD,
            customer_number="",
            cab_number="",
            description="",
            comment="",
            changed_at=current.changed_at + timedelta(minutes=5),
        )
        await ledger.update(current, done)

    async def list_open(i: int) -> None:
        await ledger.list([Status.NY, Status.PABORJAD])

    async def cold_get(i: int) -> None:
        cold = LocalWorkbookLedger(path)
        await cold.get(targets[i])
        cold_ledgers.append(cold)

    cold_ledgers: list[LocalWorkbookLedger] = []

    return {
        "add": await timed(repeat, add),
        "claim": await timed(repeat, claim),
        "close": await timed(repeat, close),
        "list": await timed(repeat, list_open),
        "cold get": await timed(min(COLD_RUNS, repeat), cold_get, cold_ledgers),
    }


def save_figures(path: Path, runs: int) -> tuple[float, float, float]:
    """openpyxl's whole-file save and the row cache's, of the same workbook: median ms each,
    and the workbook's sheet XML in MB (what openpyxl serialises and deflates at each save)."""
    wb = load_workbook(path, rich_text=True)
    book = TableBook(wb, (0, 0, 0, 0))
    wb.save(io.BytesIO())  # openpyxl's first save of a loaded book adds a default it lacked
    fill(book.saved_rows)
    whole, cached = [], []
    for i in range(runs):
        book.write(book.first_row + i, {STATUS: Status.PABORJAD.value})
        started = time.perf_counter()
        save_workbook(wb, io.BytesIO(), book.saved_rows)
        cached.append((time.perf_counter() - started) * 1e3)
        started = time.perf_counter()
        wb.save(out := io.BytesIO())
        whole.append((time.perf_counter() - started) * 1e3)
    with zipfile.ZipFile(out) as archive:
        sheet_mb = archive.getinfo(f"xl/worksheets/{book.ws.path.rsplit('/', 1)[-1]}").file_size
    return statistics.median(whole), statistics.median(cached), sheet_mb / 1e6


def measure_size(rows: int, repeat: int) -> tuple[dict[str, list[float]], tuple[float, ...], float]:
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as directory:
        path = Path(directory) / "stora.xlsx"
        prefill(path, rows, open_cases=repeat)
        saves = save_figures(path, min(repeat, SAVE_RUNS))
        results = asyncio.run(measure(path, rows, repeat))
        size_kb = path.stat().st_size / 1024
    return results, saves, size_kb


def section(sizes: Sequence[int], repeat: int) -> Section:
    calls = Table(
        "Local Ledger calls (openpyxl), ms",
        ("rows", "operation", "n", "p50", "p95", "p99"),
        note=(
            "Each call as a click costs it: add; claim and close = get + update; list of the "
            "open cases; cold get = a new Ledger's first get, a whole load through openpyxl "
            "(what the next call pays after someone else saved the file). Every write is one "
            "save: file lock, temp file, fsync, rename."
        ),
    )
    saves = Table(
        "Saving the workbook: openpyxl's whole file against the row cache, ms",
        ("rows", "openpyxl save", "row-cache save", "sheet XML MB", "file KiB"),
        note=(
            "openpyxl save: wb.save, every cell serialised (what each click paid before); "
            "row-cache save: local_workbook.row_cache after a one-row change, the same bytes. "
            "Both in memory, without the lock, fsync and rename."
        ),
    )
    for rows in sizes:
        results, (whole, cached, sheet_mb), size_kb = measure_size(rows, repeat)
        for name, samples in results.items():
            calls.rows.append((rows, name, len(samples), *spread(samples)))
        saves.rows.append((rows, whole, cached, sheet_mb, round(size_kb)))
    return Section("ledger", tables=[calls, saves])


def run(quick: bool = False) -> Section:
    """Per Ledger call at 100, 1,000 and 10,000 rows; ``quick``: 100 rows, 3 calls of each."""
    return section([100], 3) if quick else section([100, 1000, 10_000], 20)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000", help="existing rows, comma-separated")
    parser.add_argument("--repeat", type=int, default=20, help="operations timed per kind")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.repeat < 1 or any(size < args.repeat for size in sizes):
        parser.error("--repeat must be at least 1 and at most the smallest size")
    begun = time.perf_counter()
    print(section(sizes, args.repeat).render(spaced=True))
    print(f"total {time.perf_counter() - begun:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

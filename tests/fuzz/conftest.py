"""Settings for the fuzz suite, and the counts it prints at the end.

``STORA_FUZZ_EXAMPLES`` sets the examples per verb (default 1,000); a quick
local run can use fewer, but CI (``CI=true``) always runs at least 1,000.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

REQUIRED = 1_000


def examples() -> int:
    wanted = int(os.environ.get("STORA_FUZZ_EXAMPLES", REQUIRED))
    if os.environ.get("CI", "").lower() == "true":
        return max(wanted, REQUIRED)
    return wanted


# One profile for every fuzz test. No example database and no shrinking: the
# examples share a running office whose state moves on, so a failing example
# does not replay the same way, and shrinking one only burns minutes.
FUZZ = settings(
    max_examples=examples(),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# name -> counts, filled by the fuzz tests, printed after the run.
REPORT: dict[str, Counter[str]] = {}
_started = time.perf_counter()


@pytest.fixture(scope="package")
def fuzz_root() -> Iterator[Path]:
    """Where the offices keep their workbooks and state: in memory when the machine has
    /dev/shm. Every save is fsync'ed (the workbook, the JSON state), which on a disk
    costs milliseconds of waiting per write and tells these tests nothing."""
    shm = Path("/dev/shm")
    root = Path(
        tempfile.mkdtemp(
            prefix="stora-fuzz-", dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        )
    )
    yield root
    shutil.rmtree(root, ignore_errors=True)


# The counts printed for each verb, in this order; others (the commands) follow.
_COLUMNS = (
    "ran",
    "happy",
    "accepted",
    "refused",
    "wrote a row",
    "refills checked",
    "asked for a signature",
    "over 1 MiB",
)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not REPORT:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fuzz: examples per verb")
    for verb, counts in REPORT.items():
        names = [*_COLUMNS, *sorted(set(counts) - set(_COLUMNS))]
        write(
            f"{verb:16}" + ", ".join(f"{name} {counts[name]}" for name in names if name in counts)
        )
    total = sum(counts["ran"] for counts in REPORT.values())
    write(
        f"{total} examples in all, {time.perf_counter() - _started:.0f} s since the fuzz suite was loaded"
    )

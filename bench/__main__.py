"""``make bench``: every figure of the README's Performance section, in one run.

    python -m bench [--quick] [--only clicks,scan] [--json bench/last-run.json]

Runs each part in turn, prints its tables, then every target beside its
figure (✔ or ✘ short), and writes the same figures as JSON with the machine
they were measured on. ``--quick`` is a smoke run of a few seconds a part: it
shows the bench still works, its figures mean nothing.

The parts run one after another, never side by side: each has the machine to
itself, and the throughput part starts its bots in their own processes.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from .report import Section

# name -> module with ``run(quick: bool) -> Section``; in the README's order.
PARTS = {
    "throughput": "bench.throughput",
    "clicks": "bench.clicks",
    "scan": "bench.scan",
    "ledger": "bench.ledger",
    "hostile": "bench.hostile",
}


def machine() -> dict[str, object]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0].split(":", 1)[1].strip() if names else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = meminfo.read_text().splitlines()[0].split()[1]
        memory = f"{int(total) / 1024 / 1024:.1f} GiB"
    return {
        "cpu": model or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run; figures mean nothing")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(PARTS)}")
    parser.add_argument("--json", type=Path, default=Path("bench/last-run.json"))
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(PARTS)
    if unknown := [name for name in chosen if name not in PARTS]:
        parser.error(f"unknown part(s): {', '.join(unknown)}")
    # msgraph-sdk's generated code warns on import; the figures are what matter here.
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    where = machine()
    print(
        f"Stora ärenden bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        f"{' (quick: a smoke run, figures mean nothing)' if args.quick else ''}"
    )
    print(f"{where['cpu']}, {where['cores']} cores, {where['memory']}, Python {where['python']}\n")
    sections: list[Section] = []
    for name in chosen:
        started = time.perf_counter()
        section = importlib.import_module(PARTS[name]).run(quick=args.quick)
        sections.append(section)
        for table in section.tables:
            print(table.render(), end="\n\n")
        print(f"  ({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)

    print("Targets")
    targets = [target for section in sections for target in section.targets]
    for target in targets:
        print(target.render())
    short = sum(not target.met for target in targets)
    print(f"  {len(targets) - short} of {len(targets)} met\n")

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": where,
        "sections": {
            name: section.as_json() for name, section in zip(chosen, sections, strict=True)
        },
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"figures as JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

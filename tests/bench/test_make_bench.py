"""``make bench`` still runs end to end: every part, one report, the JSON beside it.

A smoke run (``--quick``): its figures are never asserted (no timed asserts),
only that each part measured something and judged each target it owns.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from bench.__main__ import PARTS

ROOT = Path(__file__).resolve().parents[2]


def test_one_command_prints_every_part_and_writes_the_same_figures_as_json(
    tmp_path: Path,
) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    judged = done.stdout.split("\nTargets\n", 1)[1].splitlines()
    assert report["quick"] is True
    assert set(report["sections"]) == set(PARTS)
    for name, section in report["sections"].items():
        assert section["tables"], name
        for table in section["tables"]:
            assert table["rows"], (name, table["title"])
            assert table["title"] in done.stdout
            for row in table["rows"]:
                assert len(row) == len(table["columns"]), (name, table["title"], row)
        for target in section["targets"]:
            assert math.isfinite(target["value"]), (name, target)
            assert target["what"] in done.stdout
            # Printed as judged in the JSON: ✔ if met, ✘ short if not.
            (line,) = [line for line in judged if f" {target['what']}: " in line]
            assert line.split()[0] == ("✔" if target["met"] else "✘"), (line, target)
    owned = {name for name, section in report["sections"].items() if section["targets"]}
    # The scan's target is at 10,000 rows, which a quick run does not fill.
    assert {"throughput", "clicks"} <= owned

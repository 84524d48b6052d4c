"""What every part of ``make bench`` hands back: tables to print, targets to judge.

A part measures and returns a ``Section``: one or more ``Table`` of figures as
measured, and the ``Target`` figures the issue set, each holding the measured
value beside its limit. ``python -m bench`` prints the tables, then every
target with ✔ or ✘, and writes the same figures as JSON, so that a run can be
compared with the README's without reading a terminal.

Nothing here asserts: a missed target is printed, not raised.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    note: str = ""

    def render(self) -> str:
        shown = [self.columns, *(tuple(_shown(cell) for cell in row) for row in self.rows)]
        widths = [max(len(str(row[i])) for row in shown) for i in range(len(self.columns))]
        lines = [self.title]
        for n, row in enumerate(shown):
            first, *rest = (str(cell) for cell in row)
            figures = "  ".join(cell.rjust(w) for cell, w in zip(rest, widths[1:], strict=True))
            lines.append(f"  {first.ljust(widths[0])}  {figures}".rstrip())
            if n == 0:
                lines.append("  " + "-" * (sum(widths) + 2 * (len(widths) - 1)))
        if self.note:
            lines.append(f"  {self.note}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """``value`` against ``limit``: at most (``"<="``) or at least (``">="``)."""

    what: str
    value: float
    limit: float
    unit: str
    sense: Literal["<=", ">="] = "<="

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.sense == "<=" else self.value >= self.limit

    def render(self) -> str:
        mark = "✔" if self.met else "✘ short"
        sign = "≤" if self.sense == "<=" else "≥"
        figure = f"{_shown(self.value)} {self.unit}".strip()
        limit = f"{_shown(self.limit)} {self.unit}".strip()
        return f"  {mark:<8} {self.what}: {figure} (target {sign} {limit})"


@dataclass
class Section:
    name: str
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def render(self, spaced: bool = False) -> str:
        """The tables, then the targets; ``spaced``: a blank line after each table."""
        tables = [table.render() + ("\n" if spaced else "") for table in self.tables]
        return "\n".join([*tables, *(target.render() for target in self.targets)])

    def as_json(self) -> dict[str, object]:
        return {
            "tables": [asdict(table) for table in self.tables],
            "targets": [{**asdict(t), "met": t.met} for t in self.targets],
        }


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: a figure that was actually measured."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of ``samples``."""
    return statistics.median(samples), percentile(samples, 0.95), percentile(samples, 0.99)


def _shown(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell:.2f}" if abs(cell) < 10 else f"{cell:.0f}"
    return str(cell)

"""What the fault matrix saw, for the line it prints at the end of the run (README figures)."""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()
OUTCOMES = ("done", "not done", "in doubt", "lost")


def summary() -> str:
    outcomes = ", ".join(f"{TALLY[o]} {_said(o)}" for o in OUTCOMES)
    return (
        f"faults: {TALLY['cells']} injected ({TALLY['answers']} faulty answers served), {outcomes}"
    )


def _said(outcome: str) -> str:
    return {
        "done": "done",
        "not done": "reported not done",
        "in doubt": "reported in doubt",
        "lost": "lost",
    }[outcome]

"""Test-only GSRN makers.

Written left to right, unlike the production code (right to left), so the two
would have to be wrong in the same way for a test to miss a bug.
"""

from __future__ import annotations


def make_gsrn(prefix17: str) -> str:
    """A valid 18-digit GSRN: ``prefix17`` and its GS1 check digit."""
    assert len(prefix17) == 17 and prefix17.isascii() and prefix17.isdigit()
    # In a 17-digit body the leftmost digit (index 0) is the rightmost's
    # parity, so even indexes weigh 3.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(prefix17))
    return prefix17 + str(-total % 10)


def with_wrong_check(gsrn: str) -> str:
    """The same ID with a check digit that cannot be right."""
    return gsrn[:-1] + str((int(gsrn[-1]) + 1) % 10)


def swedish(n: int) -> str:
    """The n-th made-up Swedish installation ID (prefix 735999102)."""
    return make_gsrn(f"735999102{n:08d}")

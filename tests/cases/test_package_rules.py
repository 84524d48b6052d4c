"""`cases/` is the routine's rules: the standard library and Swedish holidays, nothing else.

The stores (``local_workbook``, ``graph``) and the Teams side (``bot``, ``cards``)
depend on it, never the other way round, so the rules can be read and tested alone.
"""

from __future__ import annotations

from pathlib import Path

import cases
from tests.imports import outside

PACKAGE = Path(cases.__file__).parent
ALLOWED_ROOTS = {"cases", "holidays"}


def test_cases_import_only_the_standard_library_and_holidays():
    assert outside(PACKAGE, ALLOWED_ROOTS) == []

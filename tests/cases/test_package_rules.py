"""`cases/` is the routine's rules: the standard library and Swedish holidays, nothing else.

The stores (``local_workbook``, ``graph``) and the Teams side (``bot``, ``cards``)
depend on it, never the other way round, so the rules can be read and tested alone.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import cases

PACKAGE = Path(cases.__file__).parent
ALLOWED_ROOTS = {"cases", "holidays"}


def test_cases_import_only_the_standard_library_and_holidays():
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                root = name.split(".")[0]
                assert root in ALLOWED_ROOTS or root in sys.stdlib_module_names, (path.name, name)

"""What a package's modules import, for the tests that keep each layer to its own."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path


def absolute_imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports by absolute name (relative ones stay inside its package)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield node.module or ""


def outside(package: Path, allowed: set[str]) -> list[tuple[str, str]]:
    """(file, module) for each import of ``package`` neither allowed nor the standard library."""
    return [
        (path.name, name)
        for path in sorted(package.glob("*.py"))
        for name in absolute_imports(path)
        if name.split(".")[0] not in allowed | sys.stdlib_module_names
    ]

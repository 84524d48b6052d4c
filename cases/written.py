"""What one write put in a case's row, kept as fingerprints, and which columns no longer hold it.

A person's edit in Excel for the web can reach the workbook seconds after the
bot's write to the same row, and win (docs/graph.md). To notice that later,
the bot remembers what it wrote: per column, a keyed hash of the cell's text,
never the text (a customer column's value is customer data; its header is
not). The key is random per write, so equal values in two writes do not
look alike.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping

from .columns import HEADER_BY_FIELD, HEADERS, case_to_cells
from .model import CUSTOMER_FIELDS, Case

CUSTOMER_HEADERS: tuple[str, ...] = tuple(HEADER_BY_FIELD[f] for f in CUSTOMER_FIELDS)


def written_headers(before: Case | None, after: Case) -> tuple[str, ...]:
    """The columns a write put in the row, in the workbook's order.

    A new row (``before`` None): all of them. An update: those whose text
    changed; a wipe writes every customer column, empty or not, as the
    Ledgers do ("radera samtliga kunduppgifter").
    """
    cells = case_to_cells(after)
    if before is None:
        return tuple(HEADERS)
    old = case_to_cells(before)
    wiped = set(CUSTOMER_HEADERS) if not after.has_customer_data else set()
    return tuple(h for h in HEADERS if cells[h] != old[h] or h in wiped)


def new_key() -> str:
    return secrets.token_hex(16)


def fingerprints(case: Case, headers: Iterable[str], key: str) -> dict[str, str]:
    """Header -> a keyed hash of the cell's text as ``case`` holds it."""
    cells = case_to_cells(case)
    return {h: _hash(key, h, cells[h]) for h in headers}


def changed_headers(case: Case, expected: Mapping[str, str], key: str) -> list[str]:
    """The columns of ``expected`` whose cell in ``case`` is no longer what was written."""
    now = fingerprints(case, expected, key)
    return [h for h in HEADERS if h in expected and now[h] != expected[h]]


def _hash(key: str, header: str, text: str) -> str:
    digest = hashlib.blake2b(key=bytes.fromhex(key), digest_size=16)
    digest.update(header.encode())
    digest.update(b"\x00")
    digest.update(text.encode())
    return digest.hexdigest()

"""What one write put in a case's row, kept without its text, and which columns no longer hold it.

A person's edit in Excel for the web can reach the workbook seconds after the
bot's write to the same row, and win (docs/graph.md). To notice that later,
the bot keeps a record of what it wrote, per column: whether the cell was
empty, and a keyed hash of its text, never the text.

A customer column's value is customer data (its header is not), and a hash
whose key lies beside it could be reversed by trying every customer number.
So those cells are hashed with a key that stays in the process's memory
(``Secret``): the record in bot state says only "empty or not" about them to
anyone else, including the next process after a restart, which then compares
emptiness only. The other columns (status, signatures, times, the Ärende-ID)
are hashed with a key kept in the record, so any process can compare them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from .columns import HEADER_BY_FIELD, HEADERS, case_to_cells
from .model import CUSTOMER_FIELDS, Case

CUSTOMER_HEADERS: tuple[str, ...] = tuple(HEADER_BY_FIELD[f] for f in CUSTOMER_FIELDS)

Record = dict[str, Any]


class Secret:
    """A key that never leaves this process: for the customer columns' hashes."""

    def __init__(self) -> None:
        self.key = secrets.token_bytes(32)
        self.id = secrets.token_hex(8)  # says which process's key a record used


def written_headers(before: Case | None, after: Case) -> tuple[str, ...]:
    """The columns a write put in the row, in the workbook's order.

    A new row (``before`` None): all of them. An update: those whose text
    changed; a wipe writes every customer column, empty or not, as the
    Ledgers do ("radera samtliga kunduppgifter").
    """
    if before is None:
        return tuple(HEADERS)
    cells, old = case_to_cells(after), case_to_cells(before)
    wiped = set(CUSTOMER_HEADERS) if not after.has_customer_data else set()
    return tuple(h for h in HEADERS if cells[h] != old[h] or h in wiped)


def record(case: Case, headers: Iterable[str], secret: Secret) -> Record:
    """What ``case``'s row holds in ``headers``, as bot state may keep it."""
    key = secrets.token_bytes(16)
    cells = case_to_cells(case)
    return {
        "key": key.hex(),
        "secret": secret.id,
        "cells": {
            h: [cells[h] == "", _hash(_key_for(h, key, secret), h, cells[h])] for h in headers
        },
    }


def changed_headers(case: Case, kept: Record, secret: Secret) -> list[str]:
    """The columns of ``kept`` whose cell in ``case`` is no longer what was written."""
    cells = case_to_cells(case)
    key = bytes.fromhex(kept["key"])
    ours = kept["secret"] == secret.id
    changed = []
    for header in HEADERS:
        if header not in kept["cells"]:
            continue
        empty, digest = kept["cells"][header]
        comparable = header not in CUSTOMER_HEADERS or ours
        now = _hash(_key_for(header, key, secret), header, cells[header])
        if (cells[header] == "") != empty or (comparable and digest != now):
            changed.append(header)
    return changed


def _key_for(header: str, key: bytes, secret: Secret) -> bytes:
    return secret.key if header in CUSTOMER_HEADERS else key


def _hash(key: bytes, header: str, text: str) -> str:
    digest = hashlib.blake2b(key=key, digest_size=16)
    digest.update(header.encode())
    digest.update(b"\x00")
    digest.update(text.encode())
    return digest.hexdigest()

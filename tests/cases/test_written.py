"""What a write put in a row, as bot state keeps it for the late-edit check (cases/written.py)."""

from __future__ import annotations

import json
from datetime import timedelta

from cases import lifecycle, written
from cases.model import Status
from cases.written import Secret, changed_headers, record, written_headers
from tests.cases.test_columns import a_case


def test_a_claim_wrote_status_handler_and_time_a_close_every_customer_column() -> None:
    case = a_case(status=Status.NY, handler="", handed_over_at=None)
    claimed = lifecycle.claim(case, actor="xbo", now=case.changed_at + timedelta(minutes=1))
    assert written_headers(case, claimed) == ("Status", "Hanteras av", "Senast ändrad")
    closed = lifecycle.close(claimed, actor="xbo", now=claimed.changed_at + timedelta(minutes=1))
    assert set(written.CUSTOMER_HEADERS) <= set(written_headers(claimed, closed))
    assert len(written_headers(None, case)) == 14  # a new row: every column


def test_the_record_holds_no_customer_text_nor_a_hash_its_own_key_can_redo() -> None:
    case = a_case()
    kept = record(case, written_headers(None, case), Secret())
    text = json.dumps(kept, ensure_ascii=False)
    assert case.customer_number not in text and case.description not in text
    # With the record's own key, a customer column's hash cannot be recomputed
    # (else every customer number could be tried against it): that key is the process's.
    key = bytes.fromhex(kept["key"])
    assert kept["cells"]["Kundnummer"][1] != written._hash(key, "Kundnummer", case.customer_number)
    assert kept["cells"]["Status"][1] == written._hash(key, "Status", "Påbörjad")


def test_another_process_sees_status_changes_and_emptiness_but_not_customer_text() -> None:
    case = a_case()
    kept = record(case, written_headers(None, case), Secret())
    here, elsewhere = Secret(), Secret()
    retyped = case.replace(customer_number="5099999", handler="xolle")  # same emptiness
    assert changed_headers(case, kept, elsewhere) == []
    # Only the process that wrote can tell one customer number from another...
    assert changed_headers(retyped, kept, elsewhere) == ["Hanteras av"]
    mine = record(case, written_headers(None, case), here)
    assert changed_headers(retyped, mine, here) == ["Kundnummer", "Hanteras av"]
    # ...but any process sees a wiped cell filled again.
    wiped = record(case.replace(description=""), ["Vad gäller ärendet"], here)
    assert changed_headers(case, wiped, elsewhere) == ["Vad gäller ärendet"]

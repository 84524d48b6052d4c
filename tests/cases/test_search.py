"""Finding an open case by Kundnummer or CAB number, as agents type them."""

from __future__ import annotations

from datetime import datetime

import pytest

from cases.clock import STOCKHOLM
from cases.model import Case, Status
from cases.search import BadQuery, Query, find, parse

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


def case(case_id: str, customer: str, cab: str, status: Status = Status.NY) -> Case:
    return Case(case_id, customer, cab, "Flytt", "xanna", status, "", "", NOW, NOW)


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("5012345", Query("5012345", cab_only=False)),
        (" 501 23\u00a045 ", Query("5012345", cab_only=False)),
        ("CAB-98765", Query("98765", cab_only=True)),
        ("cab 98 765", Query("98765", cab_only=True)),
        ("CAB98765", Query("98765", cab_only=True)),
        ("CAB: 98765", Query("98765", cab_only=True)),
    ],
)
def test_what_agents_type_is_read_as_the_forms_read_numbers(typed: str, query: Query) -> None:
    assert parse(typed) == query


@pytest.mark.parametrize("typed", ["", "   ", "abc", "123", "1234567890123", "CAB-", "50-12345"])
def test_anything_else_is_refused_without_quoting_it(typed: str) -> None:
    with pytest.raises(BadQuery) as refused:
        parse(typed)
    assert refused.value.field == "query"
    # One message whatever was typed: it never quotes it (it may be customer data).
    assert (refused.value.message, refused.value.message_en) == (
        BadQuery().message,
        BadQuery().message_en,
    )


def test_a_number_finds_either_column_and_a_cab_number_its_own_only() -> None:
    by_customer = case("SA-000001", "98765", "1111111")
    by_cab = case("SA-000002", "5012345", "98765")
    cases = [by_cab, by_customer]
    assert find(cases, parse("98765")) == [by_cab, by_customer]
    assert find(cases, parse("CAB-98765")) == [by_cab]
    assert find(cases, parse("9876")) == []  # exact numbers only


def test_a_closed_case_is_found_by_nothing() -> None:
    wiped = case("SA-000003", "", "", Status.HANTERAD)
    assert find([wiped], parse("5012345")) == []

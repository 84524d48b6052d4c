"""Issue 12: the registration's count and kinds, in the domain and as cells."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import lifecycle
from cases.columns import (
    ANTAL_ANDRINGAR,
    BOT_HEADERS,
    FIELD_BY_HEADER,
    KUNDTYP,
    TYP_AV_ANDRING,
    case_from_cells,
    case_to_cells,
)
from cases.errors import InvalidInput
from cases.model import CUSTOMER_FIELDS
from cases.triage import ChangeKind, CustomerKind
from tests.cases.test_columns import T0, a_case

NEW = (ANTAL_ANDRINGAR, TYP_AV_ANDRING, KUNDTYP)


def test_they_are_bot_columns_after_overlamnad_and_no_customer_data() -> None:
    assert BOT_HEADERS[-4:] == ("Överlämnad", *NEW)
    assert not {"change_count", "change_kind", "customer_kind"} & set(CUSTOMER_FIELDS)


def test_register_keeps_them_and_close_does_not_wipe_them() -> None:
    new = lifecycle.register(
        "5012345", "9876543", "16 flyttar", actor="XAnna", now=T0,
        change_count=16, change_kind="flytt", customer_kind="fastighetsägare",
    )  # fmt: skip
    case = new.with_id("SA-000001")
    assert (case.change_count, case.change_kind, case.customer_kind) == (
        16, ChangeKind.MOVE, CustomerKind.FASTIGHETSAGARE
    )  # fmt: skip
    later = T0 + timedelta(hours=1)
    case = lifecycle.claim(case, actor="xbo", now=later)
    done = lifecycle.close(case, actor="xbo", now=later)
    assert not done.has_customer_data
    assert (done.change_count, done.change_kind, done.customer_kind) == (
        16, ChangeKind.MOVE, CustomerKind.FASTIGHETSAGARE
    )  # fmt: skip


def test_register_refuses_a_count_out_of_range() -> None:
    with pytest.raises(InvalidInput) as bad:
        lifecycle.register("5012345", "9876543", "x", actor="xa", now=T0, change_count=0)
    assert bad.value.field == "change_count"


def test_a_row_from_before_reads_as_unknown() -> None:
    cells = case_to_cells(a_case())
    for header in NEW:
        del cells[header]
    case = case_from_cells(cells)
    assert (case.change_count, case.change_kind, case.customer_kind) == (None, None, None)


@pytest.mark.parametrize(
    ("typed", "count", "change", "customer"),
    [
        (("16", "flytt", "företag"), 16, ChangeKind.MOVE, CustomerKind.FORETAG),
        ((16, " Faktura ", "FÖRETAG"), 16, ChangeKind.INVOICE, CustomerKind.FORETAG),
        ((16.0, "annat", "foretag"), 16, ChangeKind.OTHER, CustomerKind.FORETAG),  # Graph's number
        (("", None, "  "), None, None, None),
        (("0016", "FLYTT", "Bostadsrattsforening"), 16, ChangeKind.MOVE,
         CustomerKind.BOSTADSRATTSFORENING),
    ],
)  # fmt: skip
def test_what_a_person_typed_in_excel_is_read(
    typed: tuple[object, object, object],
    count: int | None,
    change: ChangeKind | None,
    customer: CustomerKind | None,
) -> None:
    cells = {**case_to_cells(a_case()), **dict(zip(NEW, typed, strict=True))}
    case = case_from_cells(cells)
    assert (case.change_count, case.change_kind, case.customer_kind) == (count, change, customer)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (ANTAL_ANDRINGAR, "sexton"),
        (ANTAL_ANDRINGAR, 16.5),
        (ANTAL_ANDRINGAR, "-3"),
        (ANTAL_ANDRINGAR, "١٦"),  # Arabic-Indic digits: not what the bot writes
        (ANTAL_ANDRINGAR, "=10+6"),
        (TYP_AV_ANDRING, "byte"),
        (KUNDTYP, "kommun"),
    ],
)
def test_a_value_that_means_nothing_is_unknown_and_the_case_still_reads(
    header: str, value: object
) -> None:
    """These cells only inform the close: a person's "ca 20" must not hide an open case."""
    known_case = a_case(change_count=16, change_kind=ChangeKind.INVOICE,
                        customer_kind=CustomerKind.FORETAG)  # fmt: skip
    case = case_from_cells({**case_to_cells(known_case), header: value})
    known = {"change_count": case.change_count, "change_kind": case.change_kind,
             "customer_kind": case.customer_kind}  # fmt: skip
    assert known.pop(FIELD_BY_HEADER[header]) is None
    assert None not in known.values()
    assert case.case_id == "SA-000042" and case.customer_number


@given(
    st.one_of(st.none(), st.integers(1, 10_000)),
    st.one_of(st.none(), st.sampled_from(ChangeKind)),
    st.one_of(st.none(), st.sampled_from(CustomerKind)),
)
def test_any_count_and_kinds_survive_cells_and_back(
    count: int | None, change: ChangeKind | None, customer: CustomerKind | None
) -> None:
    case = a_case(change_count=count, change_kind=change, customer_kind=customer)
    assert case_from_cells(case_to_cells(case)) == case

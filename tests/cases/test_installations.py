"""Installation IDs: the GS1 check digit and the agent's pasted lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.errors import InvalidInput
from cases.installations import (
    InvalidId,
    gsrn_check_digit,
    is_valid_gsrn,
    parse_installation_ids,
)
from tests.cases.gsrn_helpers import make_gsrn, swedish, with_wrong_check

A, B, C, D = (swedish(n) for n in (1, 2, 3, 4))
bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)


class TestCheckDigit:
    # Published GS1 examples (GTIN-13, UPC-A, SSCC), left-padded with zeros to
    # 17 digits: leading zeros do not change a GS1 check digit.
    @pytest.mark.parametrize(
        ("body", "check"),
        [
            ("629104150021", 3),
            ("400638133393", 1),
            ("03600029145", 2),
            ("37610425002123456", 9),
            ("10614141123456789", 7),
        ],
    )
    def test_published_examples(self, body: str, check: int) -> None:
        assert gsrn_check_digit(body.zfill(17)) == check

    def test_all_zeros(self) -> None:
        assert gsrn_check_digit("0" * 17) == 0

    def test_the_rightmost_body_digit_weighs_three(self) -> None:
        assert gsrn_check_digit("0" * 16 + "1") == 7  # 10 - 3
        assert gsrn_check_digit("0" * 15 + "10") == 9  # 10 - 1

    @given(bodies)
    def test_agrees_with_the_independent_test_helper(self, body: str) -> None:
        assert make_gsrn(body)[-1] == str(gsrn_check_digit(body))

    @pytest.mark.parametrize("body", ["", "1" * 16, "1" * 18, "1" * 16 + "a", "١" * 17])
    def test_only_a_17_digit_body_has_a_check_digit(self, body: str) -> None:
        with pytest.raises(ValueError):
            gsrn_check_digit(body)


class TestIsValidGsrn:
    def test_made_ids_are_valid_with_or_without_the_swedish_prefix(self) -> None:
        assert is_valid_gsrn(A)
        assert A.startswith("735999")
        assert is_valid_gsrn(make_gsrn("12345678901234567"))

    @given(bodies)
    def test_every_other_check_digit_is_refused(self, body: str) -> None:
        right = make_gsrn(body)
        for digit in "0123456789":
            assert is_valid_gsrn(body + digit) == (body + digit == right)

    @given(bodies, st.integers(0, 16), st.integers(1, 9))
    def test_any_single_mistyped_digit_is_caught(self, body: str, at: int, delta: int) -> None:
        right = make_gsrn(body)
        wrong = right[:at] + str((int(right[at]) + delta) % 10) + right[at + 1 :]
        assert not is_valid_gsrn(wrong)

    @pytest.mark.parametrize(
        "text",
        ["", A[:-1], A + "0", f" {A}", f"{A}\n", A[:5] + "x" + A[6:], A.replace("7", "٧", 1)],
    )
    def test_anything_but_exactly_18_ascii_digits_is_refused(self, text: str) -> None:
        assert not is_valid_gsrn(text)


class TestParse:
    def test_any_mix_of_separators(self) -> None:
        parsed = parse_installation_ids(f" {A},{B} ;\t{C}\r\n\n{D};; ,")
        assert parsed.valid == (A, B, C, D)
        assert parsed.duplicates == () and parsed.invalid == ()

    def test_a_column_pasted_from_excel(self) -> None:
        assert parse_installation_ids(f"{A}\r\n{B}\r\n{C}\r\n").valid == (A, B, C)

    def test_non_breaking_spaces_separate_too(self) -> None:
        assert parse_installation_ids(f"{A}\u00a0{B}").valid == (A, B)

    def test_empty_text(self) -> None:
        parsed = parse_installation_ids(" \n, ;")
        assert (parsed.valid, parsed.duplicates, parsed.invalid) == ((), (), ())

    def test_duplicates_are_removed_keeping_first_seen_order(self) -> None:
        parsed = parse_installation_ids(f"{C} {A} {C} {B} {A} {C}")
        assert parsed.valid == (C, A, B)
        assert parsed.duplicates == (C, A)  # each repeated ID named once

    def test_invalid_entries_with_position_and_reason(self) -> None:
        text = f"{A}, 12345, {with_wrong_check(B)}, 735999-10200000001, {C}"
        parsed = parse_installation_ids(text)
        assert parsed.valid == (A, C)
        assert parsed.invalid == (
            InvalidId("12345", 2, "ska vara 18 siffror", "must be 18 digits"),
            InvalidId(
                with_wrong_check(B),
                3,
                "kontrollsiffran stämmer inte",
                "the check digit does not match",
            ),
            InvalidId(
                "735999-10200000001",
                4,
                "innehåller annat än siffror",
                "contains characters other than digits",
            ),
        )

    def test_positions_count_every_entry_including_repeats(self) -> None:
        parsed = parse_installation_ids(f"{A} {A} bad {A}1 bad")
        assert [(i.entry, i.position) for i in parsed.invalid] == [
            ("bad", 3),
            (A + "1", 4),
            ("bad", 5),
        ]

    def test_non_digits_are_named_before_length(self) -> None:
        (only,) = parse_installation_ids("7.35999E+17").invalid
        assert only.reason_sv == "innehåller annat än siffror"

    def test_reason_by_locale(self) -> None:
        (only,) = parse_installation_ids("123").invalid
        assert only.reason("en-US") == "must be 18 digits"
        assert only.reason("sv-SE") == only.reason(None) == "ska vara 18 siffror"


class TestFormError:
    def test_no_error_for_a_clean_list(self) -> None:
        assert parse_installation_ids(f"{A} {B} {A}").error("changed_ids") is None

    def test_lists_each_bad_entry_by_position_and_reason(self) -> None:
        parsed = parse_installation_ids(f"{A} 12345 {with_wrong_check(B)}")
        error = parsed.error("changed_ids")
        assert isinstance(error, InvalidInput)
        assert error.field == "changed_ids"
        assert error.message == (
            "Kontrollera anläggnings-ID: post 2: ska vara 18 siffror; "
            "post 3: kontrollsiffran stämmer inte."
        )
        assert "entry 3: the check digit does not match" in error.message_en

    def test_never_shows_the_digits(self) -> None:
        bad = with_wrong_check(B)
        error = parse_installation_ids(f"{A} {bad} 7359991").error("ids")
        assert error is not None
        for text in (error.message, error.message_en):
            assert bad not in text and "7359991" not in text and A not in text

    def test_a_long_list_of_mistakes_is_cut_short(self) -> None:
        error = parse_installation_ids(" ".join(["1"] * 25)).error("ids")
        assert error is not None
        assert "post 10:" in error.message and "post 11:" not in error.message
        assert error.message.endswith("(och 15 till).")
        assert "(and 15 more)" in error.message_en

    def test_an_empty_list_is_an_error_only_when_required(self) -> None:
        error = parse_installation_ids("  ").error("changed_ids")
        assert error is not None and error.field == "changed_ids"
        assert "minst ett" in error.message
        assert parse_installation_ids("").error("other_ids", required=False) is None


class TestListSize:
    def test_a_list_over_the_limit_is_refused_by_its_length(self) -> None:
        from cases.installations import LIST_MAX

        ids = "\n".join([A] * (LIST_MAX // 19 + 1))
        problem = parse_installation_ids(ids).error("changedIds")
        assert problem is not None and problem.field == "changedIds"
        assert problem.message == (
            "Listan är för lång för ett kort i Teams: högst 8 000 tecken, cirka 400 anläggnings-ID."
        )

    def test_four_hundred_ids_a_line_each_pass(self) -> None:
        ids = "\n".join(swedish(n) for n in range(400))
        parsed = parse_installation_ids(ids)
        assert parsed.error("changedIds") is None and len(parsed.valid) == 400

    def test_the_limit_counts_the_bytes_a_card_carries(self) -> None:
        from cases.installations import LIST_MAX

        ids = " ".join(swedish(n) for n in range(421)) + "  "  # 421 × 19 - 1 + 2 bytes
        assert len(ids) == LIST_MAX
        at_the_limit = parse_installation_ids(ids)
        assert at_the_limit.size == LIST_MAX and at_the_limit.error("changedIds") is None
        assert len(at_the_limit.valid) == 421
        assert parse_installation_ids(ids + " ").error("changedIds") is not None
        # Under 8,000 characters, over 8,000 bytes: a line break takes two in a card.
        breaks = parse_installation_ids("\n" * 4001)
        assert breaks.size == 8002 and breaks.error("changedIds", required=False) is not None
        assert parse_installation_ids("").size == 0

    def test_a_list_over_the_limit_is_not_read(self) -> None:
        parsed = parse_installation_ids(" ".join([A] * 5_000))
        assert (parsed.valid, parsed.duplicates, parsed.invalid) == ((), (), ())

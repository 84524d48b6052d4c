"""The form fields: what is accepted, how it is stored, and what the agent is told."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import validation
from cases.errors import InvalidInput, InvalidInputs


def refusal(call, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return caught.value


def assert_bilingual(error: InvalidInput) -> None:
    assert error.message and error.message_en
    assert error.message != error.message_en


class TestNumbers:
    @pytest.mark.parametrize("check", [validation.customer_number, validation.cab_number])
    @pytest.mark.parametrize(
        ("raw", "stored"),
        [
            ("1234", "1234"),
            ("123456789012", "123456789012"),
            ("  5551234 \n", "5551234"),
            ("555 12 34", "5551234"),
            ("555\u00a012\u00a034", "5551234"),  # non-breaking spaces, as pasted from web pages
            ("0012", "0012"),  # leading zeros are part of the number
        ],
    )
    def test_accepted_and_stored_without_spaces(self, check, raw: str, stored: str) -> None:
        assert check(raw) == stored

    @pytest.mark.parametrize(
        ("check", "field"),
        [(validation.customer_number, "customer_number"), (validation.cab_number, "cab_number")],
    )
    @pytest.mark.parametrize(
        "raw",
        ["", "   ", "123", "1234567890123", "12a45", "12-345", "1234.5", "١٢٣٤٥", "12³45", "+1234"],
    )
    def test_refused_with_the_field_named(self, check, field: str, raw: str) -> None:
        error = refusal(check, raw)
        assert error.field == field
        assert_bilingual(error)

    def test_the_message_says_what_is_wrong(self) -> None:
        assert "siffror" in refusal(validation.customer_number, "12a45").message
        assert "4–12" in refusal(validation.customer_number, "123").message
        assert refusal(validation.customer_number, "").message == "Fyll i kundnumret."
        assert refusal(validation.cab_number, "").message == "Fyll i ärendenumret i CAB."
        assert "digits only" in refusal(validation.cab_number, "12a45").message_en

    def test_too_short_and_too_long_say_how_many_digits_there_were(self) -> None:
        assert "inte 3" in refusal(validation.customer_number, "123").message
        assert "not 13" in refusal(validation.cab_number, "1" * 13).message_en

    @pytest.mark.parametrize("check", [validation.customer_number, validation.cab_number])
    @pytest.mark.parametrize("raw", ["98765x4321", "987654321987654", "98", "9876 5432a"])
    def test_the_value_is_never_echoed(self, check, raw: str) -> None:
        error = refusal(check, raw)
        for text in (error.message, error.message_en, str(error)):
            assert raw not in text
            assert raw.replace(" ", "") not in text

    @given(st.text(alphabet="0123456789 ", max_size=20))
    def test_a_stored_number_passes_again_unchanged(self, raw: str) -> None:
        try:
            stored = validation.customer_number(raw)
        except InvalidInput:
            return
        assert validation.customer_number(stored) == stored
        assert stored.isdigit() and 4 <= len(stored) <= 12


class TestSignature:
    @pytest.mark.parametrize(
        ("raw", "stored"),
        [
            ("xabc12", "xabc12"),
            ("XAbC12", "xabc12"),
            (" xbo ", "xbo"),
            ("x1", "x1"),
            ("x" + "a" * 11, "x" + "a" * 11),
        ],
    )
    def test_accepted_and_stored_lower_case(self, raw: str, stored: str) -> None:
        assert validation.signature(raw) == stored

    @pytest.mark.parametrize(
        ("raw", "hint"),
        [
            ("", "Fyll i"),
            ("  ", "Fyll i"),
            ("abc12", "börja på x"),
            ("x", "2–12"),
            ("x" + "a" * 12, "2–12"),
            ("x abc", "bokstäver"),
            ("x-abc", "bokstäver"),
            ("xåsa", "bokstäver"),
            ("x_1", "bokstäver"),
        ],
    )
    def test_refused_with_a_reason(self, raw: str, hint: str) -> None:
        error = refusal(validation.signature, raw)
        assert error.field == "signature"
        assert hint in error.message
        assert_bilingual(error)


class TestFreeText:
    def clean(self, raw: str, **kwargs) -> str:
        kwargs.setdefault("max_length", 1000)
        return validation.free_text(raw, "description", **kwargs)

    def test_line_ends_become_newlines(self) -> None:
        assert self.clean("a\r\nb\rc\nd") == "a\nb\nc\nd"

    def test_control_characters_are_removed_but_newlines_kept(self) -> None:
        assert self.clean("a\x00b\x07c\x1b[0m\nd\x7fe\x85f") == "abc[0m\ndef"

    def test_a_tab_between_words_becomes_a_space(self) -> None:
        assert self.clean("22 st\tfakturaadress") == "22 st fakturaadress"

    def test_no_control_character_survives(self) -> None:
        every_cc = "".join(chr(c) for c in range(0x20)) + "".join(chr(c) for c in range(0x7F, 0xA0))
        text = self.clean(f"a{every_cc}b")
        assert all(unicodedata.category(c) != "Cc" or c == "\n" for c in text)
        assert text.startswith("a") and text.endswith("b")

    def test_trailing_space_of_each_line_and_of_the_whole_is_removed(self) -> None:
        assert self.clean("  \n  first  \n  second\t \n\n ") == "first\n  second"

    def test_runs_of_blank_lines_become_one(self) -> None:
        assert self.clean("a\n\n\n\n\nb") == "a\n\nb"
        assert self.clean("a\n \n\t\n  \nb") == "a\n\nb"  # blank once trailing space is gone
        assert self.clean("a\n\nb") == "a\n\nb"  # a single blank line stays

    def test_letters_and_symbols_are_kept(self) -> None:
        text = "Åsa Öberg: 22 ändringar – “flytt” €5 = ok"
        assert self.clean(text) == text

    def test_required_text_must_not_be_empty_after_cleaning(self) -> None:
        error = refusal(validation.free_text, " \r\n\x00\t ", "note", max_length=10)
        assert error.field == "note"
        assert error.message == "Noteringen får inte vara tom."
        assert_bilingual(error)

    def test_optional_text_may_be_empty(self) -> None:
        assert validation.free_text(" \n ", "comment", max_length=10, required=False) == ""

    def test_the_limit_counts_the_cleaned_text(self) -> None:
        assert self.clean("  " + "a" * 10 + "  \r\n", max_length=10) == "a" * 10

    def test_too_long_names_the_limit(self) -> None:
        error = refusal(validation.free_text, "a" * 11, "description", max_length=10)
        assert error.field == "description"
        assert "högst 10 tecken" in error.message
        assert "at most 10 characters" in error.message_en

    def test_too_long_is_refused_even_when_optional(self) -> None:
        with pytest.raises(InvalidInput):
            validation.free_text("abc", "comment", max_length=2, required=False)

    def test_an_unknown_field_gets_a_generic_name(self) -> None:
        assert refusal(validation.free_text, "", "whatever", max_length=5).message.startswith(
            "Texten"
        )

    def test_the_text_is_never_echoed(self) -> None:
        secret = "Kund 5551234 vill flytta " * 30
        error = refusal(validation.free_text, secret, "description", max_length=100)
        assert "5551234" not in error.message and "5551234" not in error.message_en

    @given(st.text(max_size=200))
    def test_cleaning_is_idempotent(self, raw: str) -> None:
        once = validation.clean_text(raw)
        assert validation.clean_text(once) == once
        assert "\r" not in once and "\n\n\n" not in once
        assert once == once.strip()

    # Joined by hand: st.text() never draws lone surrogates.
    @given(
        st.lists(
            st.one_of(st.characters(), st.sampled_from("\ud800\udfff\ufffe\uffff")), max_size=200
        ).map("".join)
    )
    def test_what_validation_keeps_is_what_a_cell_stores(self, raw: str) -> None:
        """The workbook drops what XML cannot hold; validation must already have."""
        from cases.columns import clean_text as cell_text

        once = validation.clean_text(raw)
        assert cell_text(once) == once

    @pytest.mark.parametrize("raw", ["\ud800", "\udfff\ufffe", "\uffff \ud83d"])
    def test_text_of_nothing_a_cell_can_hold_is_empty(self, raw: str) -> None:
        assert (
            refusal(validation.free_text, raw, "description", max_length=500).field == "description"
        )

    def test_limits(self) -> None:
        assert (
            validation.DESCRIPTION_MAX,
            validation.COMMENT_MAX,
            validation.GREETING_MAX,
            validation.CHANGE_MAX,
        ) == (500, 1000, 100, 300)


class TestLooksLikeFormula:
    @pytest.mark.parametrize(
        "text", ["=SUM(A1:A3)", "+46701234567", "-5", "@SUM(A1)", "\t=1", "\r=1", "=", "-"]
    )
    def test_formula_leads(self, text: str) -> None:
        assert validation.looks_like_formula(text)

    @pytest.mark.parametrize(
        "text", ["", "22 fakturaadresser", " =1", "a=b", "5-3", "'=1", "\n=1", "xabc"]
    )
    def test_plain_text(self, text: str) -> None:
        assert not validation.looks_like_formula(text)


class TestChangeCount:
    @pytest.mark.parametrize(
        ("raw", "count"), [("1", 1), (" 16 ", 16), ("10000", 10000), ("007", 7), (20, 20)]
    )
    def test_accepted(self, raw, count: int) -> None:
        assert validation.change_count(raw) == count

    def test_leading_zeros_do_not_count(self) -> None:
        assert validation.change_count("0" * 5_000 + "16") == 16

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "  ",
            "0",
            "10001",
            "-3",
            "+3",
            "2.5",
            "2,0",
            "1e3",
            "tjugo",
            "1 000",
            "1_000",
            "١٢",
            True,
            0,
            10001,
            None,
            "1" * 5_000,
            "735999102000000001" * 5_000,
        ],
    )
    def test_refused(self, raw) -> None:
        error = refusal(validation.change_count, raw)
        assert error.field == "change_count"
        assert_bilingual(error)

    def test_out_of_range_names_the_range(self) -> None:
        assert "1 till 10 000" in refusal(validation.change_count, "0").message


class TestValidateRegistration:
    def test_valid_fields_come_back_cleaned(self) -> None:
        assert validation.validate_registration(" 555 1234 ", "98765", "  22 st\r\n") == (
            "5551234",
            "98765",
            "22 st",
        )

    def test_every_bad_field_is_reported_at_once(self) -> None:
        with pytest.raises(InvalidInputs) as caught:
            validation.validate_registration("12a", "1", "")
        errors = caught.value.by_field()
        assert list(errors) == ["customer_number", "cab_number", "description"]
        assert "siffror" in errors["customer_number"].message
        assert "inte 1" in errors["cab_number"].message
        assert "tom" in errors["description"].message

    def test_only_the_bad_fields_are_reported(self) -> None:
        with pytest.raises(InvalidInputs) as caught:
            validation.validate_registration("5551234", "98765", "x" * 501)
        assert list(caught.value.by_field()) == ["description"]
        assert "500" in caught.value.errors[0].message

    def test_the_combined_message_names_each_problem_in_both_languages(self) -> None:
        with pytest.raises(InvalidInputs) as caught:
            validation.validate_registration("", "", "")
        assert "kundnumret" in caught.value.message
        assert "CAB" in caught.value.message
        assert "customer number" in caught.value.message_en

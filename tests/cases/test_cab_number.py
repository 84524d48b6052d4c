"""The CAB number as agents paste it: "CAB-98765", "cab 98765", "CAB: 98 765"; stored as digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import validation
from cases.errors import InvalidInput

ASCII_DIGITS = "0123456789"
# What a paste puts around and inside the number: spaces of every kind, and
# zero-width characters nobody sees.
BLANKS = [" ", "\u00a0", "\u202f", "\u2009", "\t", "\n", "\u200b", "\ufeff"]
PREFIXES = ["", "CAB", "cab", "Cab", "CAB-", "CAB:", "CAB #", "cab.", "CAB \u2013 ", "CAB-nr "]

digits = st.text(alphabet=ASCII_DIGITS, min_size=4, max_size=12)
blanks = st.lists(st.sampled_from(BLANKS), max_size=3).map("".join)


@st.composite
def pasted(draw: st.DrawFn) -> tuple[str, str]:
    """A valid CAB number, and the way an agent might paste it."""
    number = draw(digits)
    cuts = sorted(draw(st.lists(st.integers(0, len(number)), max_size=3)))
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(number[start:cut])
        start = cut
    pieces.append(number[start:])
    inside = "".join(piece + draw(blanks) for piece in pieces)
    prefix = draw(st.sampled_from(PREFIXES))
    return number, draw(blanks) + prefix + draw(blanks) + inside + draw(blanks)


@given(pasted())
def test_a_pasted_cab_number_is_stored_as_its_digits(case: tuple[str, str]) -> None:
    number, typed = case
    assert validation.cab_number(typed) == number


@given(st.text(max_size=30))
def test_any_text_is_refused_or_stored_as_exactly_its_digits(typed: str) -> None:
    """Never a digit made up, dropped or moved; nothing but 4–12 ASCII digits stored."""
    try:
        stored = validation.cab_number(typed)
    except InvalidInput as error:
        refused: InvalidInput | None = error
    else:
        refused = None
    if refused is not None:
        assert refused.field == "cab_number"
        assert refused.message and refused.message_en
        return
    assert stored == "".join(c for c in typed if c in ASCII_DIGITS)
    assert 4 <= len(stored) <= 12
    assert validation.cab_number(stored) == stored


# Neither a digit nor something a paste carries (a blank, a zero-width character):
# garbage wherever it stands.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
garbage = st.characters(exclude_characters=ASCII_DIGITS + INVISIBLE).filter(
    lambda c: not c.isspace()
)


@given(digits, garbage, st.data())
def test_a_stray_character_inside_the_number_is_refused(
    number: str, stray: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(1, len(number)))
    with pytest.raises(InvalidInput):
        validation.cab_number("CAB-" + number[:at] + stray + number[at:])


@pytest.mark.parametrize(
    "typed", ["CAB", "CAB-", "CAB-CAB-98765", "CABx98765", "98765-CAB", "12-345", "+98765"]
)
def test_garbage_is_refused_with_the_digits_message(typed: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validation.cab_number(typed)
    refused = raised.value
    assert refused.message == "Ärendenumret i CAB ska bara innehålla siffror (4–12 st)."


def test_the_customer_number_takes_no_cab_prefix() -> None:
    with pytest.raises(InvalidInput):
        validation.customer_number("CAB-98765")


def test_a_minus_sign_after_cab_and_a_hidden_space_in_a_customer_number_are_pastes_too() -> None:
    assert validation.cab_number("CAB\u221298765") == "98765"  # U+2212, as a sheet writes it
    assert validation.customer_number("501\u200b2345") == "5012345"  # as search reads it

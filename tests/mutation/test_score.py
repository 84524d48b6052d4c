"""What ``make mutation`` counts as message text, and what as code."""

from __future__ import annotations

import pytest

from tests.mutation.score import _tokens, is_message_text

ORIGINAL = """def f(case, n):
    if n >= 1:
        raise InvalidInput("count", "Antal ändringar ska vara minst 1.", "At least 1.")
    return "|".join([case.status == "Ny", f"{case.case_id} är redan hanterat."])
"""


def differs_only_in_text(mutant: str) -> bool:
    return is_message_text(_tokens(ORIGINAL, "f"), _tokens(mutant, "f"))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('"Antal ändringar ska vara minst 1."', '"XXAntal ändringar ska vara minst 1.XX"'),
        ('"Antal ändringar ska vara minst 1."', '"ANTAL ÄNDRINGAR SKA VARA MINST 1."'),
        ('"Antal ändringar ska vara minst 1."', "None"),
        ('"Antal ändringar ska vara minst 1.", ', ""),
        ('f"{case.case_id} är redan hanterat."', 'f"XX{case.case_id} är redan hanterat.XX"'),
    ],
)
def test_a_sentence_respelt_or_left_out_is_text(before: str, after: str) -> None:
    assert differs_only_in_text(ORIGINAL.replace(before, after, 1))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (">=", ">"),
        ('"count"', '"XXcountXX"'),  # a field name: one word
        ('"Ny"', '"XXNyXX"'),  # a status
        ('"|"', '"XX|XX"'),  # a separator
        ('"At least 1.")', '"At least 1.", None)'),  # an argument added
    ],
)
def test_any_other_change_is_code(before: str, after: str) -> None:
    assert not differs_only_in_text(ORIGINAL.replace(before, after, 1))


def test_the_same_function_is_no_mutant() -> None:
    assert not differs_only_in_text(ORIGINAL)

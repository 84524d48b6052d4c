"""From domain field names to the cards' input ids, so each error lands under its input."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cases.errors import InvalidInput, InvalidInputs

T = TypeVar("T")

INPUT_OF = {
    "customer_number": "customerNumber",
    "cab_number": "cabNumber",
    "change_count": "changeCount",
    "customer_kind": "customerKind",
    "change_kind": "changeKind",
    "change": "emailValue",
    "offer": "emailOffer",
}


def input_id(field: str) -> str:
    return INPUT_OF.get(field, field)


def errors_by_input(bad: InvalidInput | InvalidInputs, locale: str) -> dict[str, str]:
    errors = bad.errors if isinstance(bad, InvalidInputs) else [bad]
    return {input_id(e.field): e.text(locale) for e in errors}


def collect(errors: list[InvalidInput], produce: Callable[[], T]) -> T | None:
    """Collect rather than raise, so a form can show every problem at once."""
    try:
        return produce()
    except InvalidInput as bad:
        errors.append(bad)
        return None

"""From domain field names to the cards' input ids, so each error lands under its input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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


def typed_text(value: Any) -> str:
    """What an input sent, as text: Teams sends every input as a string.

    A number from some other client reads as its digits. An object, a list,
    true/false or null is nothing a person typed: it reads as empty, so it is
    neither stored (as its Python spelling) nor shown back in a form.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


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

"""From domain field names to the cards' input ids, so each error lands under its input."""

from __future__ import annotations

import json
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


# How much of a click the signature form keeps, as JSON: the form itself is
# small, and with this it stays within Teams' 28 KB. A valid click's data is
# far smaller (the close form's two ID lists at most some 16 kB).
PENDING_MAX = 20_000


def carried(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` to keep in the signature form: all of it, or without its largest
    values until it fits ``PENDING_MAX``. What is left out was too long to be
    valid anyway; resuming the click then says what is missing."""
    sizes = {key: _json_size({key: value}) for key, value in data.items()}
    kept = dict(data)
    total = _json_size(kept)
    for key in sorted(sizes, key=sizes.__getitem__, reverse=True):
        if total <= PENDING_MAX:
            break
        del kept[key]
        total = _json_size(kept)
    return kept


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


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

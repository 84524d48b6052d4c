"""Reading the e-mail inputs shared by the close form and the ``mejl`` form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cases import email, installations, validation
from cases.email import Change
from cases.errors import InvalidInput, InvalidInputs

from .inputs import collect, typed_text

EMAIL_FIELDS = ("changedIds", "otherIds", "greeting", "emailChange", "emailValue", "emailOffer")

_PRESETS: dict[str, Callable[[str], Change]] = {
    "fakturaadress": Change.invoice_address,
    "faktureringsintervall": Change.billing_interval,
    "utskickssatt": Change.invoice_delivery,
}


def draft_from_form(data: Mapping[str, Any]) -> str:
    """The confirmation e-mail from the form; every bad input reported at once, by input id."""
    text = lambda name: typed_text(data.get(name))  # noqa: E731
    errors: list[InvalidInput] = []
    changed = installations.parse_installation_ids(text("changedIds"))
    others = installations.parse_installation_ids(text("otherIds"))
    for problem in (changed.error("changedIds"), others.error("otherIds", required=False)):
        if problem:
            errors.append(problem)
    change = collect(
        errors, lambda: _change(text("emailChange"), text("emailValue"), text("emailOffer"))
    )
    greeting = collect(
        errors,
        lambda: validation.free_text(
            text("greeting"), "greeting", max_length=validation.GREETING_MAX
        ),
    )
    if errors:
        raise InvalidInputs(errors)
    assert greeting is not None and change is not None  # collect() said no error
    return email.confirmation_email(greeting, change, changed.valid, others.valid)


def _change(kind: str, value: str, offer: str) -> Change:
    if kind in _PRESETS:
        return _PRESETS[kind](value)
    if kind == "annat":
        return Change.custom(value, offer)
    raise InvalidInput("emailChange", "Välj vad som har ändrats.", "Choose what was changed.")

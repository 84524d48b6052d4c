"""What the forms say so that nothing typed is lost: hints, and the way back to the form.

Merged into ``cards.texts.TEXTS``.
"""

from __future__ import annotations

FORM_TEXTS: dict[str, tuple[str, str]] = {
    # The CAB field's placeholder: digits, though "CAB-98765" as pasted is cleaned too.
    "cab_hint": ("Siffror, t.ex. 98765", "Digits, e.g. 98765"),
    "btn_back": ("Tillbaka", "Back"),
    # Under the routine shown instead of a registration (15 changes or fewer, or
    # a property owner's moves): a mistyped count is one click from the form.
    "triage_not_registered": (
        (
            "Inget har registrerats. Skrev du fel antal? Tryck Tillbaka så får du formuläret "
            "igen med allt du skrev."
        ),
        (
            "Nothing was registered. Typed the wrong number? Press Back to get the form again "
            "with everything you typed."
        ),
    ),
}

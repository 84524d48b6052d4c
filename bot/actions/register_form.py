"""The registration form shown again, with what the agent typed kept.

Its nonce (``FORM`` in the Registrera button's data) names the form: every
submit of one form is one registration (``redelivered``). Shown again with an
error it keeps its nonce; a new nonce only when the old one can no longer
register anything (``LOST`` in ``bot.redelivery``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cards

if TYPE_CHECKING:
    from .routing import Turn

Json = dict[str, Any]

FORM = "form"  # the register form's nonce in its Action.Execute data
REGISTER_FIELDS = (
    "customerNumber", "cabNumber", "description", "changeCount", "changeKind", "customerKind",
)  # fmt: skip


def register_form_again(
    turn: Turn,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    *,
    new_nonce: bool = False,
) -> Json:
    nonce = None if new_nonce else turn.field(FORM) or None
    return cards.to_json(
        cards.register_form(turn.locale, turn.values(*REGISTER_FIELDS), errors or {}, notice, nonce)
    )

"""The registration form shown again, with what the agent typed kept.

Its nonce (``FORM`` in the Registrera button's data) names the form: every
submit of one form is one registration (``redelivered``). Shown again with an
error it keeps its nonce; a new nonce only when the old one can no longer
register anything (``LOST`` in ``bot.redelivery``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cards
from cards.refill import shown_back
from cards.register import NUMBER_INPUT_MAX
from cases.validation import DESCRIPTION_MAX

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
    nonce = None if new_nonce else _nonce(turn) or None
    return cards.to_json(
        cards.register_form(turn.locale, turn.values(*REGISTER_FIELDS), errors or {}, notice, nonce)
    )


# What each input shows again at most: a card that brings the form back holds no
# more of a paste than the form itself would show.
_SHOWN_MAX = {
    "customerNumber": NUMBER_INPUT_MAX,
    "cabNumber": NUMBER_INPUT_MAX,
    "description": DESCRIPTION_MAX,
}
_CHOICE_MAX = 40  # the count and the kinds: checked by then, so short anyway


def kept(turn: Turn) -> dict[str, str]:
    """The form's values and nonce, for a card shown in its place to bring it back
    with (``register.back``): the same form, so still one registration at most.

    Customer data: for a per-user invoke answer only, never a channel post or a log.
    """
    values = turn.values(*REGISTER_FIELDS)
    cut = {
        name: shown_back(value, _SHOWN_MAX.get(name, _CHOICE_MAX)) for name, value in values.items()
    }
    return {FORM: _nonce(turn), **cut}


# The bot's nonces are 32 hex digits. One far longer came from no card of
# ours, and kept it would make every card that carries it too big for Teams.
_NONCE_MAX = 64


def _nonce(turn: Turn) -> str:
    nonce = turn.field(FORM)
    return nonce if len(nonce) <= _NONCE_MAX else ""

"""Checks of a case form's typed input, run before the case is read and before
the signature question (``routing.verb(check=...)``).

The verb's rule checks the same again when it applies it; this only says it
earlier, with the form as the agent left it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import cards
from cases.errors import InvalidInput, InvalidInputs
from cases.model import CaseRef

from .inputs import errors_by_input
from .routing import Check, Turn

Json = dict[str, Any]

# ``Case.version``: a short hex token.
_VERSION = re.compile("[0-9a-f]{1,32}")


def form_check(
    form: Callable[..., Any], fields: tuple[str, ...], read: Callable[[Turn], object]
) -> Check:
    """``read``'s refusal of the click's input as ``form`` again, typed values kept.

    The form is drawn from the click alone (its Ärende-ID and version): the
    case is not read for it, so its buttons carry the version the agent saw.
    """

    def check(turn: Turn) -> Json | None:
        if not turn.case_id or not _VERSION.fullmatch(turn.field("version")):
            # No case to draw the form for, or a version no card of ours had
            # (which may be any text, of any length): the verb says so.
            return None
        try:
            read(turn)
        except (InvalidInput, InvalidInputs) as bad:
            drawn = CaseRef(turn.case_id, turn.field("version"))
            errors = errors_by_input(bad, turn.locale)
            return cards.to_json(form(drawn, turn.locale, turn.values(*fields), errors))
        return None

    return check

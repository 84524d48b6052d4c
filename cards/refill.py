"""What a form shows again of what was typed, when it comes back with an error."""

from __future__ import annotations

import re

from cases.validation import cut_to_card_size

# Category Cc but the tab and the line breaks, and the lone surrogates (Cs):
# no input can show them.
_UNSHOWABLE = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff]")


def shown_back(typed: str, max_length: int | None, max_bytes: int | None = None) -> str:
    """``typed`` without what no input can show, cut to what the input takes.

    A refused 100 kB paste then makes no card over Teams' 28 KB; the error
    under the input says how long it may be. ``max_bytes``: for an input with
    no ``max_length`` (which a client would enforce without a word), as
    ``cases.validation.card_size`` counts.
    """
    text = _UNSHOWABLE.sub("", typed)
    if max_length is not None:
        text = text[:max_length]
    if max_bytes is not None:
        text = cut_to_card_size(text, max_bytes)
    return text

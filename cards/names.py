"""Agents as people read them: "Anna Agent (xab1234)".

The workbook holds signatures only; the names come from Teams (the display
name of each signature's owner, kept by the bot's signature book) and are
passed to the builders as ``{signature: name}``. A signature whose owner's
name is unknown is shown alone. Names are no customer data: they may go in
the channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from .parts import escape_markdown

NO_NAMES: Mapping[str, str] = MappingProxyType({})
# Display names are short; a longer one is cut, so that a list of 100 cases
# fits in Teams' 28 KB whatever the directory holds (cards/queue.py).
NAME_MAX = 32
# escape_markdown escapes every hyphen, and Teams mobile shows the backslash
# of "\-" (cards/parts.py). A hyphen between two letters or digits is no
# Markdown anywhere on a line ("Anna-Karin"), so it is left as it is.
_INNER_HYPHEN = re.compile(r"(?<=\w)\\-(?=\w)")


def name_of(signature: str, names: Mapping[str, str]) -> str:
    """The owner's name on one line, without control characters, cut to ``NAME_MAX``."""
    words = (
        "".join(c for c in word if c.isprintable()) for word in (names.get(signature) or "").split()
    )
    name = " ".join(word for word in words if word)
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1].rstrip() + "…"


def who(signature: str, names: Mapping[str, str] = NO_NAMES) -> str:
    """ "Anna Agent (xab1234)", or "xab1234" without a name: plain text, for ``literal``."""
    name = name_of(signature, names)
    return f"{name} ({signature})" if name and signature else signature


def who_markdown(signature: str, names: Mapping[str, str] = NO_NAMES) -> str:
    """``who`` for a TextBlock or a Fact value, which are Markdown.

    The brackets are the bot's own, so they stay unescaped: with every "[" and
    "]" of the name escaped, they can make no link.
    """
    name = _INNER_HYPHEN.sub("-", escape_markdown(name_of(signature, names)))
    signature = escape_markdown(signature)
    return f"{name} ({signature})" if name and signature else signature

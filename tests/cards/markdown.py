"""Reading a card's texts the way a Markdown renderer does.

TextBlock texts and Fact titles and values are Markdown in every Teams client;
TextRuns are not (but Teams for iOS parses each run on its own, see
``cards.parts``). A CommonMark parser with GFM's strikethrough and tables
stands in for Teams' own.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from tests.fakes.cardwalk import shown, walk

_MD = MarkdownIt("commonmark").enable(["strikethrough", "table"])
_PLAIN_BLOCKS = {"paragraph_open", "paragraph_close", "inline"}
_PLAIN_INLINES = {"text", "softbreak"}
# What the Markdown parser of Teams mobile acts on: links, emphasis, list markers,
# ordered-list dots, escapes, line breaks; and the brackets of HTML and mentions.
MOBILE_MARKDOWN = frozenset("[]()*_-+.\\\r\n<>")
# Text a person might type that is Markdown in a TextBlock or a Fact (or a Teams
# mention, or a bare link).
HOSTILE = (
    "[Logga in igen här](https://evil.example/login)",
    "**viktigt** och _kursiv_",
    "# Rubrik",
    "- punkt",
    "1. punkt",
    "<at>Greta</at>",
    "https://evil.example/login",
    "`kod` ~~struken~~ > citat | tabell |",
    "![bild](https://evil.example/x.png) &amp; \\*",
)
# Several lines, for the fields that keep their line breaks.
HOSTILE_LINES = "\n".join(HOSTILE)
# CommonMark: a backslash before ASCII punctuation stands for that character.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markup(text: str) -> list[str]:
    """The Markdown constructs ``text`` renders as: [] for plain text."""
    found = []
    for token in _MD.parse(text):
        if token.type not in _PLAIN_BLOCKS:
            found.append(token.type)
        found += [c.type for c in token.children or () if c.type not in _PLAIN_INLINES]
    return found


def rendered_text(text: str) -> str:
    """What a reader sees of the Markdown string ``text`` (plain text only)."""
    return " ".join(
        "".join(c.content if c.type == "text" else " " for c in token.children or ())
        for token in _MD.parse(text)
        if token.type == "inline"
    )


def commonmark_unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def one_line(text: str) -> str:
    """``text`` as one Markdown line shows it: whitespace runs are one space."""
    return " ".join(text.split())


def is_safe_run(run: str) -> bool:
    """No Markdown character next to anything but itself: nothing for a parser to apply."""
    if MOBILE_MARKDOWN.isdisjoint(run):
        return True
    return len(set(run)) == 1


def markdown_texts(card: dict[str, Any]) -> list[str]:
    """Every string on the card that a client renders as Markdown."""
    found = []
    for node in walk(card):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        for fact in node.get("facts", ()):
            found += [fact["title"], fact["value"]]
    return found


def visible(card: dict[str, Any]) -> str:
    """Every text a reader sees on the card, one per line: Markdown rendered, runs joined."""
    seen = [rendered_text(text) for text in markdown_texts(card)]
    seen += [shown(node) for node in walk(card) if node.get("type") == "RichTextBlock"]
    return "\n".join(seen)


def assert_shown_as_text(card: dict[str, Any], *typed: str) -> None:
    """No text on the card renders as Markdown, and each ``typed`` line reads as typed."""
    for text in markdown_texts(card):
        assert markup(text) == [], (text, markup(text))
    for node in walk(card):
        if node.get("type") == "RichTextBlock":
            runs = [run if isinstance(run, str) else run["text"] for run in node["inlines"]]
            assert all(is_safe_run(run) for run in runs), runs
    seen = visible(card)
    for text in typed:
        for line in text.split("\n"):
            assert one_line(line) in seen, (line, seen)

"""The two ways cards show text people wrote: ``literal`` runs and ``escape_markdown``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from microsoft_teams.cards import RichTextBlock

from cards.parts import escape_markdown, lines, literal

from .markdown import HOSTILE, commonmark_unescape, is_safe_run, markup, one_line, rendered_text


def texts_of(block: RichTextBlock) -> list[str]:
    return [run if isinstance(run, str) else run.text for run in block.inlines]


def test_styled_runs_carry_their_style_each():
    block = literal("Fel: [x]", color="Attention")
    assert [run.color for run in block.inlines] == ["Attention"] * len(block.inlines)
    assert "".join(texts_of(block)) == "Fel: [x]"


# Any text but NUL, which CommonMark replaces, and lone surrogates, which JSON cannot carry.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))


@pytest.mark.parametrize("typed", HOSTILE)
def test_escaped_text_renders_as_plain_text(typed):
    assert markup(typed) != [] or typed == "https://evil.example/login"
    assert markup(escape_markdown(typed)) == []
    assert rendered_text(escape_markdown(typed)) == typed


@given(TEXT)
def test_escaping_round_trips_through_commonmark(typed):
    escaped = escape_markdown(typed)
    assert commonmark_unescape(escaped) == one_line(typed)
    assert markup(escaped) == []
    assert rendered_text(escaped) == one_line(typed)


def test_valid_signatures_and_numbers_are_left_as_they_are():
    for value in ("xbo", "xabc12", "90817263", "5546372819"):
        assert escape_markdown(value) == value


@given(TEXT)
def test_literal_keeps_the_text_and_gives_each_markdown_character_its_own_run(typed):
    runs = texts_of(literal(typed))
    assert "".join(runs) == typed
    assert all(is_safe_run(run) for run in runs)


def test_literal_splits_a_link_and_a_list_marker_apart():
    runs = texts_of(literal("- [Logga in](https://evil.example)"))
    assert runs[:4] == ["-", " ", "[", "Logga in"]


@given(TEXT)
def test_lines_keep_every_line_that_has_text(typed):
    shown = ["".join(texts_of(block)) for block in lines(typed).items]
    assert shown == ([line for line in typed.split("\n") if line.strip()] or [" "])

"""The signature cards: the directory's refusal, and the admins' list of bindings."""

from __future__ import annotations

from dataclasses import dataclass

import cards
from tests.fakes.cardwalk import buttons, inputs, texts

from .conftest import render


@dataclass(frozen=True)
class Row:
    signature: str
    name: str
    active: bool


def test_the_directory_refusal_asks_nothing_and_keeps_the_click(locale: str) -> None:
    pending = {"verb": "claim", "data": {"caseId": "SA-000042", "version": "abc"}}
    card = render(cards.directory_signature_card(locale, pending))
    assert not inputs(card)
    again = buttons(card)["signature"]
    assert again["data"] == {"pending": pending}
    assert ("administratör" if locale.startswith("sv") else "admin") in texts(card)


def test_the_directory_refusal_shows_why_the_retry_failed() -> None:
    card = render(cards.directory_signature_card("en-US", {}, "The directory is not answering."))
    assert "The directory is not answering." in texts(card)


def test_the_list_shows_every_signature_with_its_owner_and_whether_in_use() -> None:
    rows = [
        Row("xanna", "Anna Andersson", True),
        Row("xanna2", "Anna Andersson", False),
        Row("xbo", "", True),
    ]
    shown = texts(render(cards.signature_list_card(rows, "sv-SE")))
    assert "xanna\nAnna Andersson · används" in shown
    assert "xanna2\nAnna Andersson · vilande" in shown
    assert "xbo\nnamn okänt · används" in shown
    assert "släpp xanna" in shown
    english = texts(render(cards.signature_list_card(rows, "en-GB")))
    assert "Anna Andersson · in use" in english and "release xanna" in english


def test_an_empty_list_says_so(locale: str) -> None:
    card = render(cards.signature_list_card([], locale))
    assert cards.texts.t("signatures_empty", locale) in texts(card)

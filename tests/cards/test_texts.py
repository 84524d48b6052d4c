"""The texts: both languages for every key, and the lookup."""

from __future__ import annotations

import re
import string

import pytest

from cards.texts import TEXTS, t

# Emoji and pictographs: none in the cards, as the team asked.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_with_the_same_placeholders(key):
    sv, en = TEXTS[key]
    assert sv.strip() and en.strip()
    assert fields(sv) == fields(en)
    assert not EMOJI.search(sv) and not EMOJI.search(en)


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "EN", "en"])
def test_english_for_en_locales(locale):
    assert t("cancel", locale) == "Cancel"


@pytest.mark.parametrize("locale", ["sv-SE", "sv", None, "", "fi-FI", "de-DE"])
def test_swedish_otherwise(locale):
    assert t("cancel", locale) == "Avbryt"


def test_parameters_are_filled_in():
    assert t("signature_saved", "sv-SE", signature="xbo") == "Din signatur xbo är sparad."
    assert t("signature_saved", "en-US", signature="xbo") == "Your signature xbo is saved."


def test_braces_in_a_parameter_are_left_alone():
    assert t("handover_title", "sv-SE", case_id="{x}") == "Lämna över {x}"


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        t("no-such-text", "sv-SE")


def test_texts_the_bot_uses_exist():
    for key in (
        "stale",
        "card_not_posted",
        "signature_saved",
        "unknown_action",
        "no_identity",
        "internal_error",
        "queue_title",
        "mine_title",
        "queue_empty",
        "mine_empty",
    ):
        assert key in TEXTS
    # The bot names the agent in the "mina" title; a parameter the text does not use is fine.
    assert t("mine_title", "sv-SE", signature="xbo") == "Mina ärenden"

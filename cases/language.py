"""The two languages the bot speaks: Swedish by default, English for an English Teams."""

from __future__ import annotations

from typing import NamedTuple


def is_english(locale: str | None) -> bool:
    return (locale or "").lower().startswith("en")


class Bilingual(NamedTuple):
    """A text an agent reads, in both languages."""

    sv: str
    en: str

    def text(self, locale: str | None) -> str:
        return self.en if is_english(locale) else self.sv

"""Installation IDs (anläggnings-ID, "konfig"): 18-digit GS1 GSRNs.

Swedish metering points start with 735999, but the prefix is not required:
the check digit is what catches a mistyped or truncated ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidInput
from .language import is_english
from .validation import card_size

GSRN_LENGTH = 18

_DIGITS = re.compile(r"[0-9]+")
# Agents paste from Excel columns, e-mails and CAB: any mix of these separates IDs.
_SEPARATORS = re.compile(r"[\s,;]+")

# Long pastes can hold many bad entries; a form message listing them all
# would be unreadable, so it names the first few and counts the rest.
_MAX_LISTED = 10

# The most a pasted list may hold, as a card carries it: digits and spaces one
# byte, a line break two (``validation.card_size``); about 400 IDs. The close
# form shows two such lists again when something is wrong, and the e-mail
# draft lists them all; either card must stay within Teams' 28 KB.
LIST_MAX = 8_000
# The most IDs, both lists together, a close can confirm: the confirmation
# card's two buttons each carry both lists (an ID and a line break, 20 bytes),
# and that card must stay within 28 KB too (tests/cards/test_close_confirm.py).
CONFIRM_MAX = 500


def gsrn_check_digit(first17: str) -> int:
    """The GS1 mod-10 check digit for the first 17 digits of a GSRN."""
    if len(first17) != GSRN_LENGTH - 1 or not _DIGITS.fullmatch(first17):
        raise ValueError("a GSRN body is exactly 17 digits")
    # Weights alternate 3, 1, 3, ... starting from the rightmost digit.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first17)))
    return (10 - total % 10) % 10


def is_valid_gsrn(s: str) -> bool:
    """18 ASCII digits whose last one is the right check digit."""
    if len(s) != GSRN_LENGTH or not _DIGITS.fullmatch(s):
        return False
    return gsrn_check_digit(s[:-1]) == int(s[-1])


@dataclass(frozen=True, slots=True)
class InvalidId:
    """One pasted entry that is not an installation ID, and why."""

    entry: str
    position: int  # 1-based, counting every entry in the pasted list
    reason_sv: str
    reason_en: str

    def reason(self, locale: str | None) -> str:
        return self.reason_en if is_english(locale) else self.reason_sv


@dataclass(frozen=True, slots=True)
class ParsedIds:
    """A pasted list of installation IDs, sorted into valid, repeated and invalid."""

    valid: tuple[str, ...]  # first-seen order, each once
    duplicates: tuple[str, ...]  # valid IDs pasted more than once, each named once
    invalid: tuple[InvalidId, ...]
    size: int = 0  # of the pasted text as a card carries it (``validation.card_size``)

    def error(self, field: str, *, required: bool = True) -> InvalidInput | None:
        """The form error for these IDs, or None when they can be used as they are.

        The message names entries by position, never by their digits: it may be logged.
        """
        if self.size > LIST_MAX:
            ids = LIST_MAX // (GSRN_LENGTH + 2) // 10 * 10
            return InvalidInput(
                field,
                f"Listan är för lång för ett kort i Teams: högst {LIST_MAX:_} tecken, "
                f"cirka {ids} anläggnings-ID.".replace("_", " "),
                f"The list is too long for a card in Teams: at most {LIST_MAX:,} characters, "
                f"about {ids} installation IDs.",
            )
        if self.invalid:
            return _invalid_error(field, self.invalid)
        if required and not self.valid:
            return InvalidInput(
                field,
                "Klistra in minst ett anläggnings-ID.",
                "Paste at least one installation ID.",
            )
        return None


def parse_installation_ids(text: str) -> ParsedIds:
    """Split a pasted list and check every entry; a list over ``LIST_MAX`` is not read."""
    size = card_size(text or "") if len(text or "") <= LIST_MAX else LIST_MAX + 1
    if size > LIST_MAX:
        # Refused for its length anyway; 100 kB of pasted words are 50,000 entries.
        return ParsedIds((), (), (), size)
    valid: dict[str, None] = {}  # an ordered set
    duplicates: dict[str, None] = {}
    invalid: list[InvalidId] = []
    entries = [e for e in _SEPARATORS.split(text or "") if e]
    for position, entry in enumerate(entries, start=1):
        problem = _problem(entry)
        if problem:
            invalid.append(InvalidId(entry, position, *problem))
        elif entry in valid:
            duplicates[entry] = None
        else:
            valid[entry] = None
    return ParsedIds(tuple(valid), tuple(duplicates), tuple(invalid), size)


def _problem(entry: str) -> tuple[str, str] | None:
    if not _DIGITS.fullmatch(entry):
        return ("innehåller annat än siffror", "contains characters other than digits")
    if len(entry) != GSRN_LENGTH:
        return ("ska vara 18 siffror", "must be 18 digits")
    if not is_valid_gsrn(entry):
        return ("kontrollsiffran stämmer inte", "the check digit does not match")
    return None


def _invalid_error(field: str, invalid: tuple[InvalidId, ...]) -> InvalidInput:
    listed = invalid[:_MAX_LISTED]
    rest = len(invalid) - len(listed)
    sv = "; ".join(f"post {i.position}: {i.reason_sv}" for i in listed)
    en = "; ".join(f"entry {i.position}: {i.reason_en}" for i in listed)
    if rest:
        sv += f" (och {rest} till)"
        en += f" (and {rest} more)"
    return InvalidInput(
        field,
        f"Kontrollera anläggnings-ID: {sv}.",
        f"Check the installation IDs: {en}.",
    )

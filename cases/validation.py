"""What an agent may type into the forms, and the one spelling it is stored in.

Every error names the field and says what is wrong, in Swedish and English.
No message ever repeats the value: it may be customer data, and messages
end up in logs.
"""

from __future__ import annotations

import json
import re

from .errors import InvalidInput, InvalidInputs

DESCRIPTION_MAX = 500
COMMENT_MAX = 1000
GREETING_MAX = 100
CHANGE_MAX = 300

CHANGE_COUNT_MAX = 10_000

# ASCII only: str.isdigit() would also accept "²" or Arabic-Indic digits,
# which CAB and the customer systems do not.
_DIGITS = re.compile(r"[0-9]+")
_SIGNATURE = re.compile(r"x[a-z0-9]{1,11}")
_BLANK_RUN = re.compile(r"\n{3,}")

# Characters Excel treats as the start of a formula or a DDE command.
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

# How the known free-text fields are named in messages; others get a generic name.
_TEXT_LABELS: dict[str, tuple[str, str]] = {
    "description": ("Beskrivningen", "The description"),
    "note": ("Noteringen", "The note"),
    "comment": ("Kommentaren", "The comment"),
    "greeting": ("Hälsningen", "The greeting"),
    "change": ("Ändringen", "The change"),
}


def customer_number(raw: str) -> str:
    """Kundnummer: 4–12 digits; spaces anywhere are dropped."""
    # A paste can carry zero-width characters nobody sees, as a CAB number's can.
    return _number(
        _INVISIBLE.sub("", raw or ""), "customer_number", "Kundnumret", "The customer number"
    )


def cab_number(raw: str) -> str:
    """Ärendenummer CAB: 4–12 digits; spaces anywhere are dropped, and so is a
    leading "CAB" with its separator, as agents paste it ("CAB-98765", "cab 98765",
    "CAB: 98 765")."""
    return _number(
        _without_cab_prefix(raw), "cab_number", "Ärendenumret i CAB", "The CAB case number"
    )


# "CAB", maybe "nr", and the dashes, colons, hashes or dots agents and mail
# clients put after them (an en dash where Outlook turned " - " into one, a minus
# sign from a spreadsheet). Only
# at the start: a letter or sign anywhere else is still refused.
_CAB_SEPARATORS = "[-:#.\u2010-\u2014\u2212]*"
_CAB_PREFIX = re.compile(f"cab(?:{_CAB_SEPARATORS}nr)?{_CAB_SEPARATORS}", re.IGNORECASE | re.ASCII)
# Zero-width characters a paste from a web page or a mail can carry: nobody sees them.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")


def split_cab_prefix(raw: str) -> tuple[bool, str]:
    """Whether ``raw`` starts with "CAB" as agents paste it, and the rest, blanks dropped."""
    compact = "".join(_INVISIBLE.sub("", raw or "").split())
    if found := _CAB_PREFIX.match(compact):
        return True, compact[len(found.group()) :]
    return False, compact


def _without_cab_prefix(raw: str) -> str:
    compact = "".join(_INVISIBLE.sub("", raw or "").split())
    _, rest = split_cab_prefix(compact)
    # "CAB" and nothing after it: refused as not digits, rather than as left empty.
    return rest or compact


def _number(raw: str, field: str, name_sv: str, name_en: str) -> str:
    # Numbers are often copied with grouping spaces ("123 456"), also
    # non-breaking ones; split() without argument drops every kind.
    value = "".join((raw or "").split())
    if not value:
        raise InvalidInput(
            field, f"Fyll i {_lower_first(name_sv)}.", f"Enter {_lower_first(name_en)}."
        )
    if not _DIGITS.fullmatch(value):
        raise InvalidInput(
            field,
            f"{name_sv} ska bara innehålla siffror (4–12 st).",
            f"{name_en} may contain digits only (4–12).",
        )
    if not 4 <= len(value) <= 12:
        raise InvalidInput(
            field,
            f"{name_sv} ska ha 4–12 siffror, inte {len(value)}.",
            f"{name_en} must have 4–12 digits, not {len(value)}.",
        )
    return value


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def signature(raw: str) -> str:
    """Elin-signatur: "x" and then letters or digits, 2–12 in all; stored lower-case."""
    value = (raw or "").strip().lower()
    if not value:
        raise InvalidInput("signature", "Fyll i din Elin-signatur.", "Enter your Elin signature.")
    if _SIGNATURE.fullmatch(value):
        return value
    if not value.startswith("x"):
        raise InvalidInput(
            "signature",
            "Elin-signaturen ska börja på x.",
            "The Elin signature must start with x.",
        )
    if not 2 <= len(value) <= 12:
        raise InvalidInput(
            "signature",
            "Elin-signaturen ska vara 2–12 tecken lång.",
            "The Elin signature must be 2–12 characters long.",
        )
    raise InvalidInput(
        "signature",
        "Elin-signaturen får bara innehålla bokstäver a–z och siffror.",
        "The Elin signature may contain only letters a–z and digits.",
    )


def free_text(raw: str, field: str, *, max_length: int, required: bool = True) -> str:
    """Tidy text typed or pasted into a form, then check it is there and not too long."""
    text = clean_text(raw)
    label_sv, label_en = _TEXT_LABELS.get(field, ("Texten", "The text"))
    if not text and required:
        raise InvalidInput(
            field, f"{label_sv} får inte vara tom.", f"{label_en} must not be empty."
        )
    if len(text) > max_length:
        raise InvalidInput(
            field,
            f"{label_sv} får vara högst {max_length} tecken (nu {len(text)}).",
            f"{label_en} may be at most {max_length} characters (now {len(text)}).",
        )
    return text


def clean_text(raw: str) -> str:
    """One spelling for pasted text: \\n line ends, no control characters, no loose space."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    # A tab between words (pasted Excel cells) would glue them together if
    # simply dropped, so it becomes a space; other control characters go, and
    # so does what XML (so a workbook cell) cannot hold: lone surrogates,
    # U+FFFE and U+FFFF. Left in, the workbook dropped them on writing, and
    # a description of only those was stored empty.
    text = _UNSTORABLE.sub("", text.replace("\t", " "))
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return _BLANK_RUN.sub("\n\n", text)


# The control characters (Unicode category Cc) but the line feed, the lone
# surrogates (Cs), U+FFFE and U+FFFF; one pattern, so a 100 kB paste is one
# pass in C rather than 100,000 calls in Python.
_UNSTORABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def card_size(text: str) -> int:
    """Bytes ``text`` takes inside a card's JSON (UTF-8): what counts against Teams' 28 KB.

    A quote, a backslash or a line break takes two, a control character six.
    """
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogatepass")) - 2


def cut_to_card_size(text: str, budget: int) -> str:
    """The longest start of ``text`` whose ``card_size`` is at most ``budget``."""
    if card_size(text[: budget + 1]) <= budget:  # a character takes a byte at least: all of it fits
        return text
    low, high = (
        0,
        min(len(text), budget),
    )  # card_size(text[:low]) <= budget < card_size(text[:high + 1])
    while low < high:
        middle = (low + high + 1) // 2
        if card_size(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def looks_like_formula(text: str) -> bool:
    """Would Excel read this as a formula or command? Then it must be written as text."""
    return text.startswith(_FORMULA_LEADS)


def change_count(raw: str | int | None) -> int:
    """Antal ändringar: a whole number 1–10 000."""
    # Card inputs arrive as strings, but a number from code is fine too.
    value = "" if raw is None else str(raw).strip()
    if not value:
        raise InvalidInput(
            "change_count", "Fyll i antal ändringar.", "Enter the number of changes."
        )
    if (
        isinstance(raw, bool)
        or not _DIGITS.fullmatch(value)
        # int() refuses more than 4,300 digits (leading zeros too) with a
        # ValueError: never give it more than the largest count has.
        or len(value.lstrip("0")) > len(str(CHANGE_COUNT_MAX))
        or not 1 <= int(value.lstrip("0") or "0") <= CHANGE_COUNT_MAX
    ):
        raise InvalidInput(
            "change_count",
            "Antal ändringar ska vara ett heltal från 1 till 10 000.",
            "The number of changes must be a whole number from 1 to 10,000.",
        )
    return int(value.lstrip("0"))


def validate_registration(
    customer_number_raw: str, cab_number_raw: str, description_raw: str
) -> tuple[str, str, str]:
    """The registration form's three fields; every error at once, so each shows by its field."""
    errors: list[InvalidInput] = []
    results: list[str] = []
    checks = (
        lambda: customer_number(customer_number_raw),
        lambda: cab_number(cab_number_raw),
        lambda: free_text(description_raw, "description", max_length=DESCRIPTION_MAX),
    )
    for check in checks:
        try:
            results.append(check())
        except InvalidInput as error:
            errors.append(error)
    if errors:
        raise InvalidInputs(errors)
    customer, cab, description = results
    return customer, cab, description

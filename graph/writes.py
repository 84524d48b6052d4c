"""Writing the bot's cells of one row, and checking Graph's answer shows them.

Graph answers a ``PATCH range`` and a ``rows/add`` with the cells as they now
are: that answer is the read-back, at no extra request. A cell that does not
show the text sent is written once more the other way Excel knows to keep
text (see ``encode_text``): a workbook whose formats differ from what the
last read showed still ends up right. Anything else raises, naming the case
and the column only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cases.columns import HEADER_BY_FIELD, looks_like_formula
from cases.model import CUSTOMER_FIELDS

from .errors import WipeNotVerified, WriteNotVerified
from .excel import TEXT_FORMAT, Layout, encode_text, read_back

CUSTOMER_HEADERS: frozenset[str] = frozenset(HEADER_BY_FIELD[f] for f in CUSTOMER_FIELDS)


@dataclass
class RowWrite:
    """The cells to write in one row: a contiguous span, ``None`` for cells left alone."""

    layout: Layout
    row: int
    texts: Mapping[str, str]  # known header -> text to store
    formats: Sequence[Any]  # number format of every table column in that row

    @property
    def first(self) -> int:
        return self.layout.span(list(self.texts))[0]

    @property
    def last(self) -> int:
        return self.layout.span(list(self.texts))[1]

    @property
    def address(self) -> str:
        return self.layout.row_address(self.row, self.first, self.last).cells

    def values(self) -> list[Any]:
        out: list[Any] = [None] * (self.last - self.first + 1)
        for header, text in self.texts.items():
            offset = self.layout.columns[header]
            out[offset - self.first] = encode_text(text, _format(self.formats, offset))
        return out

    def whole_row(self) -> list[Any]:
        """The table's full width, for ``rows/add``."""
        out: list[Any] = [None] * self.layout.width
        for header, text in self.texts.items():
            offset = self.layout.columns[header]
            out[offset] = encode_text(text, _format(self.formats, offset))
        return out

    def shown(self, answer: Sequence[Any], answer_first: int) -> dict[str, str]:
        """Each written cell as Graph's answer shows it (the answer starts at ``answer_first``)."""
        shown = {}
        for header in self.texts:
            index = self.layout.columns[header] - answer_first
            shown[header] = read_back(answer[index]) if 0 <= index < len(answer) else ""
        return shown

    def repair(
        self, shown: Mapping[str, str], case_id: str, formats_now: Sequence[Any] | None = None
    ) -> RowWrite | None:
        """The second try for cells that came back wrong, or ``None`` when all are right.

        ``formats_now``: the number formats in Graph's answer (the table's full
        width), when the answer has them. A cell that came back with the
        apostrophe as a character is formatted as Text: it gets the text as it
        is, but formula-like text only when Graph's answer says the cell *is*
        Text, so a wrong guess can never make a formula. A cell that came back
        as something else while sent as it is gets the apostrophe. A wiped
        cell that is not empty raises at once.
        """
        wrong = {h: t for h, t in self.texts.items() if shown.get(h) != t}
        if not wrong:
            return None
        for header, text in wrong.items():
            if not text:
                raise (WipeNotVerified if header in CUSTOMER_HEADERS else WriteNotVerified)(
                    case_id, header
                )
        formats = list(self.formats) + [None] * (self.layout.width - len(self.formats))
        for header, text in wrong.items():
            offset = self.layout.columns[header]
            if shown.get(header) != "'" + text:
                formats[offset] = "General"  # the apostrophe way
                continue
            known_text = formats_now is not None and _format(formats_now, offset) == TEXT_FORMAT
            if looks_like_formula(text) and not known_text:
                raise WriteNotVerified(case_id, header)
            formats[offset] = TEXT_FORMAT
        return RowWrite(self.layout, self.row, wrong, formats)

    def formats_of(
        self, answer_formats: Sequence[Any] | None, answer_first: int
    ) -> list[Any] | None:
        """An answer's number formats, placed over the table's full width."""
        if not answer_formats:
            return None
        out: list[Any] = [None] * self.layout.width
        for index, number_format in enumerate(answer_formats):
            if 0 <= answer_first + index < self.layout.width:
                out[answer_first + index] = number_format
        return out

    def verify(self, shown: Mapping[str, str], case_id: str) -> None:
        for header, text in self.texts.items():
            if shown.get(header) != text:
                wipe = not text and header in CUSTOMER_HEADERS
                raise (WipeNotVerified if wipe else WriteNotVerified)(case_id, header)


def _format(formats: Sequence[Any], offset: int) -> Any:
    return formats[offset] if offset < len(formats) else None

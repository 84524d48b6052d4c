"""Finding an open case by what the agent has at hand: a Kundnummer or a CAB number.

What is typed is read as the forms read these numbers: spaces of any kind
dropped, digits only, 4–12 of them. Agents write CAB numbers as CAB shows
them ("CAB-98765", "CAB 98765"); with that prefix only the CAB column is
searched. Without it, both columns are: the two kinds of number look alike.

Only exact numbers match: a search is a look-up, not a browse through
customer data. A closed case has had its customer cells wiped, so no search
finds it, by design.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import validation
from .errors import InvalidInput
from .model import Case

QUERY_MAX = 40  # far more than any valid query; what is longer is not shown back


@dataclass(frozen=True)
class Query:
    digits: str
    cab_only: bool


class BadQuery(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "query",
            "Skriv ett Kundnummer eller ett CAB-nummer (4–12 siffror), t.ex. 5012345 eller CAB-98765.",
            "Enter a customer number or a CAB number (4–12 digits), e.g. 5012345 or CAB-98765.",
        )


def parse(raw: str) -> Query:
    """The number asked for. Raises ``BadQuery`` (never quoting what was typed)."""
    cab_only, rest = validation.split_cab_prefix(raw)
    try:
        digits = validation.customer_number(rest)  # the same 4–12 digits as both columns
    except InvalidInput:
        raise BadQuery() from None
    return Query(digits, cab_only)


def matches(case: Case, query: Query) -> bool:
    if case.cab_number == query.digits:
        return True
    return not query.cab_only and case.customer_number == query.digits


def find(cases: Iterable[Case], query: Query) -> list[Case]:
    """The cases ``query`` names, oldest first."""
    return sorted((c for c in cases if matches(c, query)), key=lambda c: c.registered_at)

"""Cases in every state the cards draw, with customer data that is easy to spot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

import cards
from cases.clock import STOCKHOLM
from cases.model import Case, Status

from .schema import assert_teams_card

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=STOCKHOLM)
LOCALES = ("sv-SE", "en-US")

REGISTRANT = "xreg1"
HANDLER = "xbo"
OTHER = "xcia"

# Values that appear nowhere in the cards' own texts, so finding one is a leak.
CUSTOMER = {
    "customer_number": "90817263",
    "cab_number": "5546372819",
    "description": "Flytt av 42 anläggningar, Brf Tallkotten, system Elin och Facit",
    "comment": "Klar med rad 1-17, kontakt Greta Tallkott",
}
CUSTOMER_VALUES = tuple(CUSTOMER.values())


def make_case(state: str = "ny", **changes: Any) -> Case:
    """A case as the Ledger returns it: "ny", "paborjad", "overlamnad" or "hanterad"."""
    registered = NOW - timedelta(days=2, hours=1)
    base = Case(
        case_id="SA-000042",
        registered_by=REGISTRANT,
        status=Status.NY,
        handler="",
        registered_at=registered,
        changed_at=registered,
        **{**CUSTOMER, "comment": ""},
    )
    if state == "paborjad":
        base = base.replace(
            status=Status.PABORJAD, handler=HANDLER, changed_at=NOW - timedelta(hours=3)
        )
    elif state == "overlamnad":
        base = base.replace(
            status=Status.PABORJAD,
            handler=HANDLER,
            comment=CUSTOMER["comment"],
            changed_at=NOW - timedelta(minutes=20),
            handed_over_at=NOW - timedelta(minutes=20),
        )
    elif state == "hanterad":
        wiped = {name: "" for name in CUSTOMER}
        base = base.replace(
            status=Status.HANTERAD, handler=HANDLER, changed_at=NOW - timedelta(minutes=5), **wiped
        )
    elif state != "ny":
        raise ValueError(state)
    return base.replace(**changes)


STATES = ("ny", "paborjad", "overlamnad", "hanterad")


def render(card: Any) -> dict[str, Any]:
    """The JSON the bot would send, checked against the 1.5 schema and the bot's rules."""
    card_json = cards.to_json(card)
    assert_teams_card(card_json)
    return card_json


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return request.param

"""A form shown again after a 100 kB paste still fits in Teams (28 KB).

Each refilled input shows at most what it takes (``maxLength``; the ID lists,
which have none, ``installations.LIST_MAX`` as a card counts it), without the
characters no input can show. A typed value within the limits comes back whole.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cards
from cards.queue import CARD_BUDGET
from cases import validation
from cases.installations import LIST_MAX
from tests.fakes.cardwalk import texts

from .conftest import NOW, make_case, render
from .forms import input_and_next
from .queue_rows import queue_rows

LIMIT = 28 * 1024
URL = (  # a SharePoint file's webUrl, as long as they come
    "https://contoso.sharepoint.com/sites/Backoffice/_layouts/15/Doc.aspx"
    "?sourcedoc=%7B0A1B2C3D-0000-4000-8000-00000000B0FF%7D&file=Stora%20%C3%A4renden.xlsx"
    "&action=default&mobileredirect=true"
)
PASTES = ["a", "å", "\U0001f600", '"', "\\", "\n", "\x00", "\ud800", "*"]


def size(card_json: dict) -> int:
    return len(
        json.dumps(card_json, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
    )


def pasted(unit: str, ids: tuple[str, ...]) -> dict[str, str]:
    return {input_id: unit * 100_000 for input_id in ids}


@pytest.mark.parametrize("unit", PASTES)
def test_every_form_refilled_with_100_kb_fits(unit: str) -> None:
    email = ("changedIds", "otherIds", "greeting", "emailValue", "emailOffer")
    registration = ("customerNumber", "cabNumber", "description")
    errors = {key: "fel" for key in (*email, *registration, "note", "signature")}
    case = make_case("paborjad")
    drawn = {
        "register": cards.register_form("sv-SE", pasted(unit, registration), errors),
        "correct": cards.correct_form(make_case(), "sv-SE", pasted(unit, registration), errors),
        "email": cards.email_form("sv-SE", {**pasted(unit, email), "emailChange": "annat"}, errors),
        "close": cards.close_form(
            case, "sv-SE", {**pasted(unit, email), "emailChange": "annat"}, errors
        ),
        "handover": cards.handover_form(case, "sv-SE", pasted(unit, ("note",)), errors),
        "signature": cards.signature_form("sv-SE", {}, pasted(unit, ("signature",)), errors),
    }
    for name, card in drawn.items():
        assert size(render(card)) <= LIMIT, name


def test_a_refill_is_cut_to_what_the_input_takes() -> None:
    card = render(
        cards.register_form("sv-SE", {"description": "x\x00y" * 1_000, "cabNumber": "12 34"})
    )
    description, _ = input_and_next(card, "description")
    assert (
        description["value"] == "xy" * 250
        and description["maxLength"] == validation.DESCRIPTION_MAX
    )
    assert input_and_next(card, "cabNumber")[0]["value"] == "12 34"


def test_an_id_list_within_the_limit_comes_back_whole() -> None:
    ids = "\n".join(f"7359991020{n:08d}" for n in range(LIST_MAX // 20))
    card = render(cards.email_form("sv-SE", {"changedIds": ids}))
    assert input_and_next(card, "changedIds")[0]["value"] == ids


@given(st.text())
def test_card_size_is_what_json_takes(text: str) -> None:
    expected = len(json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogatepass")) - 2
    assert validation.card_size(text) == expected
    cut = validation.cut_to_card_size(text, 10)
    assert text.startswith(cut) and validation.card_size(cut) <= 10
    assert cut == text or validation.card_size(text[: len(cut) + 1]) > 10


# -- the queue: 100 open cases, names as long and as odd as Teams may give -------------


def hundred_open_cases() -> list:
    """100 open cases, each with its own handler: new, started, handed over in turn."""
    made = []
    for n in range(100):
        state = ("ny", "paborjad", "overlamnad")[n % 3]
        made.append(
            make_case(
                state,
                case_id=f"SA-{n + 1:06d}",
                handler="" if state == "ny" else f"x{n:06d}",
                registered_at=NOW - timedelta(days=200 - n),
            )
        )
    return made


@pytest.mark.parametrize(
    "name", ["Anna-Karin Andersson", "Å" * 100, "\U0001f600" * 100, "\\" * 100, "_[]" * 40]
)
def test_a_queue_of_100_open_cases_fits_in_teams_with_buttons_on_the_oldest(name):
    open_cases = hundred_open_cases()
    names = {case.handler: name for case in open_cases if case.handler}
    card = render(
        cards.queue_card(
            open_cases, now=NOW, locale="sv-SE", title="Kö – öppna ärenden", viewer="xbo",
            names=names, workbook_url=URL, refresh_user_ids=["29:" + "1" * 120],
            query="CAB-98765", notice="Inget öppet ärende har det Kundnumret eller CAB-numret.",
        )
    )  # fmt: skip
    assert size(card) <= CARD_BUDGET < LIMIT
    rows = queue_rows(card)
    by_status = sorted(open_cases, key=lambda c: (c.status != "Ny", c.registered_at))
    assert [row.case_id for row in rows] == [c.case_id for c in by_status]  # oldest first
    with_buttons = [row for row in rows if row.buttons]
    assert len(with_buttons) >= 20
    assert rows[: len(with_buttons)] == with_buttons  # the oldest have them
    assert f"Knappar finns på de {len(with_buttons)} första." in texts(card)

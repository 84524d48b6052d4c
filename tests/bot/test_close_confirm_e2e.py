"""Issue 12, safe close, over HTTP on the local workbook: the registration stores its count
and kinds; the close compares the installation IDs with the count, and wipes nothing
before the agent confirms on a card that names the case, the IDs and what is deleted.

``sixteen_closed_with_five`` is also run on the Graph store (tests/graph).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

import cards
from cases import lifecycle
from cases.installations import CONFIRM_MAX
from tests.bot.conftest import ANNA, BO, Office
from tests.bot.test_lifecycle_e2e import card_of, case_post, workbook_rows
from tests.cards.forms import error_under
from tests.cases.gsrn_helpers import swedish
from tests.fakes.cardwalk import buttons, inputs, texts, verbs

SIXTEEN = {
    "customerNumber": "5012345",
    "cabNumber": "9876543",
    "description": "16 fakturaadresser, Elin",
    "changeCount": "16",
    "changeKind": "faktura",
    "customerKind": "företag",
}
FIVE = "\n".join(swedish(n) for n in range(5))
TYPED = {
    "changedIds": FIVE,
    "otherIds": swedish(99),
    "greeting": "Fastighets AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123, 111 11 Staden",
}
MISMATCH = "Du har angett 5 anläggnings-ID men ärendet registrerades med 16 ändringar."
REGISTERED = ("16", "faktura", "företag")
NEW_COLUMNS = ("Antal ändringar", "Typ av ändring", "Kundtyp")

Rows = Callable[[], list[dict[str, Any]]]


def cells(row: dict[str, Any], *headers: str) -> tuple[str, ...]:
    """As text: the fake Graph may hold a number where openpyxl holds the text."""
    return tuple("" if row.get(h) is None else str(row[h]) for h in headers)


def typed_in(form: dict[str, Any]) -> dict[str, Any]:
    """What Teams sends for a form as it is shown: each input's current value."""
    return {name: field["value"] for name, field in inputs(form).items() if "value" in field}


async def registered_and_claimed(office: Office) -> tuple[Any, dict[str, Any]]:
    """Anna registers 16 changes, Bo claims: the case card post and Bo's close form."""
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(BO, "xbo")
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", SIXTEEN))
    post = office.connector.top_level_posts()[-1]
    claimed = card_of(await office.click(BO, post, "claim"))
    return post, card_of(await office.click(BO, post, "close.form", card=claimed))


async def sixteen_closed_with_five(office: Office, rows: Rows) -> None:
    post, form = await registered_and_claimed(office)
    (row,) = rows()
    assert cells(row, *NEW_COLUMNS) == REGISTERED  # the registration's answers, stored

    # -- Fortsätt: the difference said plainly, and nothing wiped -------------
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    shown = texts(confirmation)
    assert MISMATCH in shown
    assert "Stänga SA-000001?" in shown and "5 anläggnings-ID" in shown
    assert "kunduppgifterna raderas" in shown and "går inte att få tillbaka" in shown
    assert verbs(confirmation) == {"close", "close.form"}
    (row,) = rows()
    assert cells(row, "Status", "Kundnummer") == ("Påbörjad", "5012345")
    assert "Påbörjad" in texts(post.card)  # the channel still shows it open

    # -- Tillbaka: the form again, every value kept ---------------------------
    again = card_of(await office.click(BO, post, "close.form", card=confirmation))
    assert typed_in(again) == TYPED
    (row,) = rows()
    assert cells(row, "Status", "Kundnummer") == ("Påbörjad", "5012345")

    # -- Fortsätt and Ja: closed, wiped, the draft; the count and kinds stay ---
    confirmation = card_of(
        await office.click(BO, post, "close.review", typed_in(again), card=again)
    )
    draft = card_of(await office.click(BO, post, "close", card=confirmation))
    assert f"{swedish(0)}, {swedish(1)}, {swedish(2)}, {swedish(3)} samt {swedish(4)}" in texts(
        draft
    )
    (row,) = rows()
    assert cells(row, "Status", "Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet") == (
        "Hanterad", "", "", ""
    )  # fmt: skip
    assert cells(row, *NEW_COLUMNS) == REGISTERED
    assert verbs(post.card) == set() and "Hanterad" in texts(post.card)

    # -- Ja clicked twice: the draft again, nothing else ----------------------
    twice = card_of(await office.click(BO, post, "close", card=confirmation))
    assert "SA-000001 är stängt, av dig" in texts(twice) and swedish(4) in texts(twice)
    assert rows() == [row]


async def test_sixteen_changes_closed_with_five_ids(office: Office) -> None:
    await sixteen_closed_with_five(office, lambda: workbook_rows(office))


async def test_a_change_by_someone_else_meanwhile_gives_the_stale_answer(office: Office) -> None:
    post, form = await registered_and_claimed(office)
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    # Cia takes the case over while Bo reads the confirmation.
    case = await office.ledger.get("SA-000001")
    later = office.clock() + timedelta(minutes=5)
    await office.ledger.update(case, lifecycle.take_over(case, actor="xcia", now=later))
    answer = card_of(await office.click(BO, post, "close", card=confirmation))
    assert "SA-000001 har just ändrats av xcia" in texts(answer)
    assert "changedIds" not in inputs(answer) and "emailDraft" not in str(answer)
    (row,) = workbook_rows(office)
    assert (row["Status"], row["Hanteras av"], row["Kundnummer"]) == ("Påbörjad", "xcia", "5012345")


async def test_a_case_from_before_the_count_says_it_is_unknown(office: Office) -> None:
    post, form = await registered_and_claimed(office)
    book = load_workbook(office.workbook)  # as a row from before these columns holds them
    sheet = book["Stora ärenden"]
    header = [c.value for c in sheet[1]]
    for name in NEW_COLUMNS:
        sheet.cell(2, header.index(name) + 1).value = None
    book.save(office.workbook)
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    assert "Antalet ändringar är okänt" in texts(confirmation)
    assert "Du har angett" not in texts(confirmation)
    card_of(await office.click(BO, post, "close", card=confirmation))
    (row,) = workbook_rows(office)
    assert (row["Status"], row["Kundnummer"]) == ("Hanterad", None)


async def test_bad_input_brings_the_form_back_and_no_confirmation(office: Office) -> None:
    post, form = await registered_and_claimed(office)
    bad = {**TYPED, "changedIds": f"{swedish(0)}\n735999102000000000", "greeting": ""}
    answer = card_of(await office.click(BO, post, "close.review", bad, card=form))
    assert verbs(answer) == {"close.review", "refresh"}
    assert inputs(answer)["changedIds"]["value"] == bad["changedIds"]
    assert inputs(answer)["emailValue"]["value"] == TYPED["emailValue"]
    assert "post 2" in error_under(answer, "changedIds") and error_under(answer, "greeting")
    (row,) = workbook_rows(office)
    assert row["Status"] == "Påbörjad"


async def test_more_ids_than_a_confirmation_carries_are_refused_with_the_limit(
    office: Office,
) -> None:
    post, form = await registered_and_claimed(office)
    ids = [swedish(n) for n in range(CONFIRM_MAX + 1)]  # each list within its own limit
    many = {**TYPED, "changedIds": " ".join(ids[:300]), "otherIds": " ".join(ids[300:])}
    answer = card_of(await office.click(BO, post, "close.review", many, card=form))
    assert f"Högst {CONFIRM_MAX} anläggnings-ID" in error_under(answer, "changedIds")
    (row,) = workbook_rows(office)
    assert row["Status"] == "Påbörjad"


async def test_a_close_form_from_before_the_confirmation_gets_it_first(office: Office) -> None:
    """A close form drawn before this step (its button's verb was "close") wipes nothing."""
    post, form = await registered_and_claimed(office)
    old_button = {**buttons(form)["close.review"], "verb": "close"}
    answer = card_of(await office.invoke(BO, post, "close", {**old_button["data"], **TYPED}))
    assert MISMATCH in texts(answer) and verbs(answer) == {"close", "close.form"}
    (row,) = workbook_rows(office)
    assert (row["Status"], row["Kundnummer"]) == ("Påbörjad", "5012345")
    assert case_post(office) is post
    assert cards.CLOSE_CONFIRMED not in str(form)


async def test_a_count_typed_by_hand_in_excel_is_unknown_and_hides_nothing(
    office: Office,
) -> None:
    """ "ca 20" typed over the count: the case stays in kö and closes, asked as unknown,
    and the person's text stays in the workbook until the close."""
    post, form = await registered_and_claimed(office)
    book = load_workbook(office.workbook)
    sheet = book["Stora ärenden"]
    column = [cell.value for cell in sheet[1]].index("Antal ändringar") + 1
    sheet.cell(row=2, column=column, value="ca 20")
    book.save(office.workbook)

    queue = await office.say(BO, "kö")
    assert "SA-000001" in texts(queue.card)
    confirmation = card_of(await office.click(BO, post, "close.review", TYPED, card=form))
    assert "Okänt" in texts(confirmation) and "close" in verbs(confirmation)
    (row,) = workbook_rows(office)
    assert row["Antal ändringar"] == "ca 20"  # read as unknown, never written over

"""Refusals reach each agent in their Teams' language, over real HTTP.

Cia's Teams runs in English, Bo's in Swedish. The whole texts are in
tests/cases/test_refusal_texts.py; here they travel through the bot: under the
form's fields, and on the card of a case someone else changed first.
"""

from __future__ import annotations

import openpyxl

from tests.bot.conftest import BO, CIA, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of, case_post, register_case
from tests.cards.forms import error_under
from tests.fakes.cardwalk import inputs, texts, verbs


async def test_an_english_agent_reads_the_forms_refusals_in_english(office: Office) -> None:
    await office.sign_up(CIA, "xcia")
    form = await office.say(CIA, "register")
    typed = {**REGISTRATION, "customerNumber": "55512a4", "cabNumber": "123", "description": " "}
    answer = card_of(await office.click(CIA, form, "register", typed))
    assert error_under(answer, "customerNumber") == (
        "The customer number may contain digits only (4–12)."
    )
    assert error_under(answer, "cabNumber") == "The CAB case number must have 4–12 digits, not 3."
    assert error_under(answer, "description") == "The description must not be empty."
    assert inputs(answer)["customerNumber"]["value"] == "55512a4"  # what was typed is kept


async def test_a_case_changed_first_is_told_in_each_agents_language(office: Office) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    await office.sign_up(CIA, "xcia")
    post = case_post(office)
    before_the_claim = post.card
    claimed = card_of(await office.click(BO, post, "claim"))

    late = card_of(await office.click(CIA, post, "claim", card=before_the_claim))
    assert "SA-000001 was just changed by xbo. See where it stands now." in texts(late)
    assert verbs(late) == {"takeover"}
    asked = card_of(await office.click(CIA, post, "takeover", card=late))  # Bo is on it: asked
    card_of(await office.click(CIA, post, "takeover.confirm", card=asked))

    stale = card_of(await office.click(BO, post, "handover.form", card=claimed))
    assert "SA-000001 har just ändrats av xcia. Se det aktuella läget." in texts(stale)


async def test_a_change_typed_in_excel_without_a_signature_is_someone_else(
    office: Office,
) -> None:
    await register_case(office)
    await office.sign_up(CIA, "xcia")
    post = case_post(office)
    # Someone starts the case by hand in Excel and clears Registrerat av.
    book = openpyxl.load_workbook(office.workbook)
    sheet = book["Stora ärenden"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(2, headers.index("Status") + 1).value = "Påbörjad"
    sheet.cell(2, headers.index("Registrerat av") + 1).value = None
    book.save(office.workbook)

    late = card_of(await office.click(CIA, post, "claim"))
    assert "SA-000001 was just changed by someone else. See where it stands now." in texts(late)
    assert "någon annan" not in texts(late)

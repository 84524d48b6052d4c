"""Forms that keep what was typed, over real HTTP (issue 12, items 3 and 4).

A new agent hears about a bad field before being asked for a signature; a
count of 15 or fewer shows the routine with Tillbaka, which brings the form
back as it was, nonce included; the CAB number is taken as agents paste it.
"""

from __future__ import annotations

import json
from typing import Any

from tests.bot.conftest import ANNA, BO, Office
from tests.bot.test_lifecycle_e2e import (
    REGISTRATION,
    card_of,
    case_post,
    register_case,
    workbook_rows,
)
from tests.cards.forms import assert_refilled, error_under
from tests.fakes.cardwalk import buttons, inputs, texts, verbs


def nonce(card: dict[str, Any]) -> str:
    return buttons(card)["register"]["data"]["form"]


def asked_for_signature(card: dict[str, Any]) -> bool:
    return "signature" in verbs(card) or "signature" in inputs(card)


async def test_a_new_agent_hears_of_bad_fields_before_the_signature_question(
    office: Office,
) -> None:
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "cabNumber": "98-765x", "changeCount": "0"}
    refused = card_of(await office.click(ANNA, form, "register", typed))
    assert not asked_for_signature(refused)
    assert error_under(refused, "cabNumber") and error_under(refused, "changeCount")
    assert error_under(refused, "customerNumber") is None
    assert_refilled(refused, {k: v for k, v in typed.items() if k != "changeCount"})
    assert nonce(refused) == nonce(form.card)
    assert await office.ledger.list() == []

    # Fixed: now the signature, once, and the registration goes through.
    fixed = {**REGISTRATION, "cabNumber": "CAB-98765"}
    asked = card_of(await office.click(ANNA, form, "register", fixed, card=refused))
    assert asked_for_signature(asked)
    registered = card_of(
        await office.click(ANNA, form, "signature", {"signature": "xanna"}, card=asked)
    )
    assert "SA-000001" in texts(registered)
    (row,) = workbook_rows(office)
    assert row["Ärendenummer CAB"] == "98765"


async def test_three_instead_of_thirty_loses_nothing_and_registers_once(office: Office) -> None:
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "cabNumber": "cab 98 765", "changeCount": "3"}
    routine = card_of(await office.click(ANNA, form, "register", typed))
    assert not asked_for_signature(routine)  # nothing is registered: no signature needed
    assert verbs(routine) == {"register.back"}
    assert "Inget har registrerats" in texts(routine)
    assert "Kundservice gör ändringen" in texts(routine)

    back = card_of(await office.click(ANNA, form, "register.back", card=routine))
    assert_refilled(back, typed)
    assert nonce(back) == nonce(form.card)  # the same form: still one registration at most
    assert await office.ledger.list() == []

    thirty = {**typed, "changeCount": "30"}
    asked = card_of(await office.click(ANNA, form, "register", thirty, card=back))
    registered = card_of(
        await office.click(ANNA, form, "signature", {"signature": "xanna"}, card=asked)
    )
    assert "SA-000001" in texts(registered)
    # Registrera pressed again on the same form: the same case, no second row.
    again = card_of(await office.click(ANNA, form, "register", thirty, card=back))
    assert "SA-000001" in texts(again) and "SA-000002" not in texts(again)
    (row,) = workbook_rows(office)
    assert (row["Kundnummer"], row["Ärendenummer CAB"]) == ("5012345", "98765")
    assert len(office.connector.top_level_posts()) == 1


async def test_a_property_owners_moves_show_their_routine_with_the_way_back(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "customerKind": "fastighetsägare", "changeKind": "flytt"}
    routine = card_of(await office.click(ANNA, form, "register", typed))
    assert "kundavtal" in texts(routine).lower()
    back = card_of(await office.click(ANNA, form, "register.back", card=routine))
    assert_refilled(back, typed)
    assert await office.ledger.list() == []
    # The Tillbaka card never went to the channel: only this agent saw it.
    assert REGISTRATION["customerNumber"] not in office.connector.all_text()


async def test_the_cab_field_says_it_takes_digits(office: Office) -> None:
    form = await office.say(ANNA, "registrera")
    assert "98765" in inputs(form.card)["cabNumber"]["placeholder"]


async def test_a_correction_takes_the_cab_number_as_pasted(office: Office) -> None:
    await register_case(office)
    post = case_post(office)
    mine = card_of(await office.refresh(ANNA, post))
    form = card_of(await office.click(ANNA, post, "correct.form", card=mine))
    assert "98765" in inputs(form)["cabNumber"]["placeholder"]
    fields = {
        "customerNumber": "5012345",
        "cabNumber": "CAB: 12\u00a0345 ",
        "description": REGISTRATION["description"],
    }
    card_of(await office.click(ANNA, post, "correct", fields, card=form))
    (row,) = workbook_rows(office)
    assert row["Ärendenummer CAB"] == "12345"


async def test_a_case_form_is_checked_before_the_signature_question(office: Office) -> None:
    """Bo, without a signature, sends a hand-over with no note: the form again
    with the error, not the signature question followed by the error."""
    await register_case(office)
    post = case_post(office)
    case = buttons(post.card)["claim"]["data"]
    answer = card_of(await office.invoke(BO, post, "handover", {**case, "note": "  "}))
    assert not asked_for_signature(answer)
    assert error_under(answer, "note")
    assert buttons(answer)["handover"]["data"] == case  # the version Bo's card showed
    (row,) = workbook_rows(office)
    assert row["Eventuell kommentar"] in (None, "")


async def test_a_huge_paste_comes_back_as_much_as_the_form_shows(office: Office) -> None:
    """The routine answers before the description is checked: its Tillbaka still
    carries no more than the form shows, and every card fits Teams' 28 KB."""
    form = await office.say(ANNA, "registrera")
    huge = {**REGISTRATION, "description": "Tjugotvå adresser " * 6_000, "changeCount": "3"}
    routine = card_of(await office.click(ANNA, form, "register", huge))
    carried = buttons(routine)["register.back"]["data"]
    assert huge["description"].startswith(carried["description"])
    assert len(carried["description"]) == 500
    back = card_of(await office.click(ANNA, form, "register.back", card=routine))
    assert len(inputs(back)["description"]["value"]) == 500
    for card in (routine, back):
        assert len(json.dumps(card, ensure_ascii=False).encode()) <= 28 * 1024
    # A Tillbaka no card of ours drew: a nonce of 100 kB is not kept.
    forged = card_of(await office.invoke(ANNA, form, "register.back", {"form": "f" * 100_000}))
    assert len(nonce(forged)) == 32

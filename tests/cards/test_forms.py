"""The forms: their inputs, re-filled values, errors next to their inputs, and buttons."""

from __future__ import annotations

import json

import pytest

import cards
from tests.fakes.cardwalk import buttons, inputs, shown, texts, verbs

from .conftest import CUSTOMER, CUSTOMER_VALUES, make_case, render
from .forms import assert_errors_in_place, assert_refilled, error_under, input_and_next

REGISTER_IDS = [
    "customerNumber",
    "cabNumber",
    "description",
    "changeCount",
    "changeKind",
    "customerKind",
]
EMAIL_IDS = ["changedIds", "otherIds", "greeting", "emailChange", "emailValue", "emailOffer"]

REGISTER_VALUES = {
    "customerNumber": "123 456",
    "cabNumber": "77abc",
    "description": "Fakturaadress på 40 anläggningar\nsystem Elin",
    "changeCount": "40",
    "changeKind": "faktura",
    "customerKind": "bostadsrättsförening",
}
EMAIL_VALUES = {
    "changedIds": "735999102000000001\n735999102000000002",
    "otherIds": "735999102000000003",
    "greeting": "Brf Tallkotten",
    "emailChange": "annat",
    "emailValue": "er kontaktperson till Greta",
    "emailOffer": "kontaktpersonen",
}


def case_forms(case, locale, values=None, errors=None, notice=None):
    """Every form that belongs to a case, by the verb that submits it."""
    values, errors = values or {}, errors or {}
    return {
        "handover": render(cards.handover_form(case, locale, values, errors, notice)),
        "close.review": render(cards.close_form(case, locale, values, errors, notice)),
        "correct": render(cards.correct_form(case, locale, values, errors, notice)),
    }


# -- every form, every locale: valid, with and without typed values and errors --


FORMS = {
    "register": (lambda loc, v, e, n: cards.register_form(loc, v, e, n), REGISTER_IDS, "register"),
    "triage": (
        lambda loc, v, e, n: cards.triage_form(loc, v, e, n),
        ["changeCount", "customerKind", "changeKind"],
        "triage",
    ),
    "email": (lambda loc, v, e, n: cards.email_form(loc, v, e, n), EMAIL_IDS, "email"),
    "signature": (
        lambda loc, v, e, n: cards.signature_form(
            loc, {"verb": "claim", "data": {"caseId": "SA-1"}}, v, e, n
        ),
        ["signature"],
        "signature",
    ),
    "handover": (
        lambda loc, v, e, n: cards.handover_form(make_case("paborjad"), loc, v, e, n),
        ["note"],
        "handover",
    ),
    "close": (
        lambda loc, v, e, n: cards.close_form(make_case("paborjad"), loc, v, e, n),
        EMAIL_IDS,
        "close.review",  # nothing is closed before the confirmation step
    ),
    "correct": (
        lambda loc, v, e, n: cards.correct_form(make_case("ny"), loc, v, e, n),
        ["customerNumber", "cabNumber", "description"],
        "correct",
    ),
}


def typed_for(ids):
    sample = {**REGISTER_VALUES, **EMAIL_VALUES, "note": "Klar med rad 1–10", "signature": "xAB1"}
    return {i: sample[i] for i in ids}


@pytest.mark.parametrize("name", FORMS)
def test_form_is_valid_with_its_inputs(name, locale):
    build, ids, verb = FORMS[name]
    card = render(build(locale, {}, {}, None))
    assert set(inputs(card)) == set(ids)
    assert verb in verbs(card)


@pytest.mark.parametrize("name", FORMS)
def test_form_refills_what_was_typed_and_shows_each_error_under_its_input(name, locale):
    build, ids, _ = FORMS[name]
    typed = typed_for(ids)
    errors = {input_id: f"Fel i {input_id}." for input_id in ids}
    card = render(build(locale, typed, errors, "Arbetsboken svarar inte."))
    assert_refilled(card, typed)
    assert_errors_in_place(card, errors)
    assert "Arbetsboken svarar inte." in texts(card)


@pytest.mark.parametrize("name", FORMS)
def test_inputs_without_errors_have_nothing_under_them(name):
    build, ids, _ = FORMS[name]
    card = render(build("sv-SE", typed_for(ids), {ids[0]: "Fel."}, None))
    assert error_under(card, ids[0]) == "Fel."
    for input_id in ids[1:]:
        assert error_under(card, input_id) is None


@pytest.mark.parametrize("name", FORMS)
def test_notice_comes_first(name):
    build, _, _ = FORMS[name]
    card = render(build("sv-SE", {}, {}, "Arbetsboken svarar inte."))
    assert card["body"][0]["type"] == "Container"
    assert shown(card["body"][0]["items"][0]) == "Arbetsboken svarar inte."


@pytest.mark.parametrize("name", FORMS)
def test_an_error_for_an_input_the_form_lacks_is_still_shown(name):
    build, _, _ = FORMS[name]
    card = render(build("sv-SE", {}, {"somethingElse": "Något gick fel."}, None))
    assert "Något gick fel." in texts(card)


@pytest.mark.parametrize("name", FORMS)
def test_labels_follow_the_locale(name):
    build, ids, _ = FORMS[name]
    sv = render(build("sv-SE", {}, {}, None))
    en = render(build("en-US", {}, {}, None))
    assert sv["lang"] == "sv" and en["lang"] == "en"
    for input_id in ids:
        assert inputs(sv)[input_id]["label"] != inputs(en)[input_id]["label"], input_id


def test_required_inputs_are_marked_for_the_client():
    card = render(cards.register_form("sv-SE"))
    for input_id in REGISTER_IDS:
        assert inputs(card)[input_id]["isRequired"] is True
        assert inputs(card)[input_id]["errorMessage"]
    close = render(cards.close_form(make_case("paborjad"), "sv-SE"))
    assert not inputs(close)["otherIds"].get("isRequired")
    assert not inputs(close)["emailOffer"].get("isRequired")


# -- register -------------------------------------------------------------------


def test_register_form_in_swedish():
    card = render(cards.register_form("sv-SE"))
    fields = inputs(card)
    assert [fields[i]["label"] for i in REGISTER_IDS] == [
        "Kundnummer",
        "Ärendenummer CAB",
        "Vad gäller ärendet",
        "Antal ändringar",
        "Typ av ändring",
        "Kundtyp",
    ]
    assert fields["description"]["isMultiline"] is True
    assert "hur många ändringar" in fields["description"]["placeholder"]
    assert "vilka system" in fields["description"]["placeholder"]
    assert fields["changeCount"]["type"] == "Input.Number" and fields["changeCount"]["min"] == 1
    assert [a["title"] for a in card["actions"]] == ["Registrera"]


def test_register_form_in_english():
    card = render(cards.register_form("en-US"))
    assert inputs(card)["customerNumber"]["label"] == "Customer number"
    assert [a["title"] for a in card["actions"]] == ["Register"]


def test_register_choices_are_the_domain_values():
    from cases.triage import ChangeKind, CustomerKind

    fields = inputs(render(cards.register_form("sv-SE")))
    assert [c["value"] for c in fields["changeKind"]["choices"]] == [k.value for k in ChangeKind]
    assert [c["value"] for c in fields["customerKind"]["choices"]] == [
        k.value for k in CustomerKind
    ]
    english = inputs(render(cards.register_form("en-US")))
    assert english["customerKind"]["choices"][0]["title"] == "Private customer"


def test_unknown_choice_is_not_selected():
    fields = inputs(
        render(cards.register_form("sv-SE", {"changeKind": "hemligt", "changeCount": "tolv"}))
    )
    assert "value" not in fields["changeKind"]
    assert "value" not in fields["changeCount"]


def test_register_button_sends_only_the_forms_nonce_and_no_typed_field():
    button = buttons(render(cards.register_form("sv-SE", REGISTER_VALUES)))["register"]
    assert set(button["data"]) == {"form"}
    assert set(button["data"]).isdisjoint(REGISTER_IDS)  # Teams merges the inputs into data
    again = buttons(render(cards.register_form("sv-SE", nonce=button["data"]["form"])))["register"]
    fresh = buttons(render(cards.register_form("sv-SE")))["register"]
    assert again["data"] == button["data"] != fresh["data"]


# -- hand-over ------------------------------------------------------------------


def test_handover_form_is_prefilled_with_the_earlier_note():
    case = make_case("overlamnad")
    card = render(cards.handover_form(case, "sv-SE"))
    note = inputs(card)["note"]
    assert note["value"] == CUSTOMER["comment"]
    assert note["isMultiline"] is True and note["isRequired"] is True
    assert "SA-000042" in texts(card)


def test_handover_form_after_submit_shows_what_was_typed_not_the_old_note():
    case = make_case("overlamnad")
    card = render(cards.handover_form(case, "sv-SE", {}, {"note": "Skriv en notering."}))
    assert "value" not in inputs(card)["note"]
    assert error_under(card, "note") == "Skriv en notering."


@pytest.mark.parametrize("state", ["paborjad", "overlamnad"])
def test_case_forms_submit_with_case_data_and_cancel_back_to_the_card(state, locale):
    case = make_case(state)
    for verb, card in case_forms(case, locale).items():
        found = buttons(card)
        assert set(found) == {verb, "refresh"}
        assert found[verb]["data"] == {"caseId": case.case_id, "version": case.version}
        cancel = found["refresh"]
        assert cancel["data"] == {"caseId": case.case_id, "version": case.version}
        assert cancel["associatedInputs"] == "none"  # no validation, nothing typed sent
        assert cancel["title"] == {"sv-SE": "Avbryt", "en-US": "Cancel"}[locale]


def test_case_form_buttons_never_carry_what_was_typed():
    case = make_case("overlamnad")
    typed = {**EMAIL_VALUES, **REGISTER_VALUES, "note": "hemlig notering"}
    for card in case_forms(case, "sv-SE", typed).values():
        for action in buttons(card).values():
            assert set(action["data"]) == {"caseId", "version"}


def test_handover_button_titles(locale):
    card = render(cards.handover_form(make_case("paborjad"), locale))
    expected = {"sv-SE": ["Lämna över", "Avbryt"], "en-US": ["Hand over", "Cancel"]}[locale]
    assert [a["title"] for a in card["actions"]] == expected


# -- close ------------------------------------------------------------------------


def test_close_form_in_swedish():
    card = render(cards.close_form(make_case("paborjad"), "sv-SE"))
    fields = inputs(card)
    assert fields["changedIds"]["label"] == "Ändrade anläggningar"
    assert fields["changedIds"]["isMultiline"] is True
    assert "maxLength" not in fields["changedIds"]  # thousands of IDs must fit
    assert "valfritt" in fields["otherIds"]["label"]
    assert fields["greeting"]["label"].startswith("Hälsning")
    assert [c["value"] for c in fields["emailChange"]["choices"]] == list(cards.EMAIL_CHANGES)
    assert [c["title"] for c in fields["emailChange"]["choices"]][-1] == "Annat"
    assert "Annat" in fields["emailValue"]["label"]
    assert fields["emailOffer"]["label"].startswith("Bara vid Annat")
    assert [a["title"] for a in card["actions"]] == ["Fortsätt", "Avbryt"]


def test_close_form_in_english():
    card = render(cards.close_form(make_case("paborjad"), "en-US"))
    assert inputs(card)["emailOffer"]["label"].startswith("Only for Other")
    assert [a["title"] for a in card["actions"]] == ["Continue", "Cancel"]


def test_email_changes_are_the_values_the_bot_knows():
    assert cards.EMAIL_CHANGES == (
        "fakturaadress",
        "faktureringsintervall",
        "utskickssatt",
        "annat",
    )


def test_email_form_has_the_close_forms_inputs_and_its_own_button(locale):
    card = render(cards.email_form(locale))
    close = render(cards.close_form(make_case("paborjad"), locale))
    assert inputs(card) == inputs(close)
    assert verbs(card) == {"email"}
    assert card["actions"][0]["title"] == {"sv-SE": "Skapa mejl", "en-US": "Create e-mail"}[locale]


# -- correct ----------------------------------------------------------------------


def test_correct_form_is_prefilled_from_the_case():
    card = render(cards.correct_form(make_case("ny"), "sv-SE"))
    fields = inputs(card)
    assert fields["customerNumber"]["value"] == CUSTOMER["customer_number"]
    assert fields["cabNumber"]["value"] == CUSTOMER["cab_number"]
    assert fields["description"]["value"] == CUSTOMER["description"]
    assert [a["title"] for a in card["actions"]] == ["Spara", "Avbryt"]


def test_correct_form_after_submit_shows_what_was_typed():
    typed = {"customerNumber": "12", "description": "Ny text"}
    errors = {
        "customerNumber": "Kundnumret ska ha 4–12 siffror, inte 2.",
        "cabNumber": "Fyll i ärendenumret i CAB.",
    }
    card = render(cards.correct_form(make_case("ny"), "sv-SE", typed, errors))
    fields = inputs(card)
    assert fields["customerNumber"]["value"] == "12"
    assert "value" not in fields["cabNumber"]  # cleared by the agent: not the old number back
    assert fields["description"]["value"] == "Ny text"
    assert_errors_in_place(card, errors)


# -- signature ----------------------------------------------------------------------


def test_signature_form_carries_the_pending_click():
    pending = {"verb": "claim", "data": {"caseId": "SA-000042", "version": "abc"}}
    card = render(cards.signature_form("sv-SE", pending))
    save = buttons(card)["signature"]
    assert save["data"] == {"pending": pending}
    assert save["title"] == "Spara"
    shown = texts(card)
    assert "börjar på x" in shown and "Teams-konto" in shown


def test_signature_form_in_english():
    card = render(cards.signature_form("en-US", {}))
    assert "starts with x" in texts(card) and "Teams account" in texts(card)
    assert buttons(card)["signature"]["data"] == {"pending": {}}


# -- triage form --------------------------------------------------------------------


def test_triage_form():
    card = render(cards.triage_form("sv-SE", {"changeCount": "12"}))
    assert inputs(card)["changeCount"]["value"] == 12
    assert [a["title"] for a in card["actions"]] == ["Visa rutinen"]


def test_forms_hold_no_customer_data_unless_they_belong_to_the_case():
    for card in (render(cards.register_form("sv-SE")), render(cards.email_form("sv-SE"))):
        everything = json.dumps(card, ensure_ascii=False)
        assert not any(value in everything for value in CUSTOMER_VALUES)
    handover = render(cards.handover_form(make_case("paborjad"), "sv-SE"))
    assert not any(value in json.dumps(handover, ensure_ascii=False) for value in CUSTOMER_VALUES)


def test_input_and_next_finds_inputs():
    card = render(cards.register_form("sv-SE"))
    element, following = input_and_next(card, "customerNumber")
    assert element["type"] == "Input.Text" and following["id"] == "cabNumber"

"""Every refusal of the routine, as an agent reads it: in Swedish, and in English.

The English texts reach each agent whose Teams runs in English, but few tests
ever read them. The table below is each refusal whole, in both languages, so
that a change to any of them is seen; the tests after it say what every
refusal must do whatever its words: name the field and the limit in both
languages alike, and never repeat what the agent typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from cases import columns, email, installations, lifecycle, triage, validation
from cases.clock import STOCKHOLM
from cases.errors import CaseNotFound, DomainError, InvalidInput, InvalidInputs
from cases.ledger import Conflict, LedgerUnavailable
from cases.model import Case

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
REGISTERED = lifecycle.register("1234567", "7654321", "x", actor="xanna", now=T0).with_id(
    "SA-000001"
)
STARTED = lifecycle.claim(REGISTERED, actor="xbo", now=T0)
CLOSED = lifecycle.close(STARTED, actor="xbo", now=T0)
UNSIGNED = STARTED.replace(handler="", registered_by="")  # a row typed by hand


def refused(call: Callable[..., Any], *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def id_error(pasted: str) -> InvalidInput:
    error = installations.parse_installation_ids(pasted).error("changedIds")
    assert error is not None
    return error


def _correct(case: Case, actor: str) -> DomainError:
    return refused(
        lifecycle.correct,
        case,
        actor=actor,
        customer_number="1234",
        cab_number="1234",
        description="x",
        now=T0,
    )


# (how the refusal comes about, field, Swedish, English)
REFUSALS: list[tuple[str, Callable[[], DomainError], str | None, str, str]] = [
    # -- the registration form ------------------------------------------------
    ("customer number empty", lambda: refused(validation.customer_number, " "), "customer_number",
     "Fyll i kundnumret.", "Enter the customer number."),
    ("customer number not digits", lambda: refused(validation.customer_number, "12a45"),
     "customer_number",
     "Kundnumret ska bara innehålla siffror (4–12 st).",
     "The customer number may contain digits only (4–12)."),
    ("customer number short", lambda: refused(validation.customer_number, "123"),
     "customer_number",
     "Kundnumret ska ha 4–12 siffror, inte 3.",
     "The customer number must have 4–12 digits, not 3."),
    ("CAB number empty", lambda: refused(validation.cab_number, ""), "cab_number",
     "Fyll i ärendenumret i CAB.", "Enter the CAB case number."),
    ("CAB number not digits", lambda: refused(validation.cab_number, "98a765"), "cab_number",
     "Ärendenumret i CAB ska bara innehålla siffror (4–12 st).",
     "The CAB case number may contain digits only (4–12)."),
    ("CAB number long", lambda: refused(validation.cab_number, "1" * 13), "cab_number",
     "Ärendenumret i CAB ska ha 4–12 siffror, inte 13.",
     "The CAB case number must have 4–12 digits, not 13."),
    ("description empty",
     lambda: refused(validation.free_text, " \n", "description", max_length=500), "description",
     "Beskrivningen får inte vara tom.", "The description must not be empty."),
    ("description long",
     lambda: refused(validation.free_text, "a" * 501, "description", max_length=500),
     "description",
     "Beskrivningen får vara högst 500 tecken (nu 501).",
     "The description may be at most 500 characters (now 501)."),
    ("count empty", lambda: refused(validation.change_count, " "), "change_count",
     "Fyll i antal ändringar.", "Enter the number of changes."),
    ("count missing", lambda: refused(validation.change_count, None), "change_count",
     "Fyll i antal ändringar.", "Enter the number of changes."),
    ("count out of range", lambda: refused(validation.change_count, "10001"), "change_count",
     "Antal ändringar ska vara ett heltal från 1 till 10 000.",
     "The number of changes must be a whole number from 1 to 10,000."),
    ("count below one", lambda: refused(triage.triage, 0, "privat", "flytt"), "change_count",
     "Antal ändringar ska vara minst 1.", "The number of changes must be at least 1."),
    ("customer kind", lambda: refused(triage.triage, 20, "kommun", "flytt"), "customer_kind",
     "Välj ett av alternativen.", "Choose one of the options."),
    ("change kind", lambda: refused(triage.triage, 20, "privat", "byte"), "change_kind",
     "Välj ett av alternativen.", "Choose one of the options."),
    ("stage", lambda: refused(triage.triage, 20, "privat", "flytt", stage="chef"), "stage",
     "Välj ett av alternativen.", "Choose one of the options."),
    # -- the signature ----------------------------------------------------------
    ("signature empty", lambda: refused(validation.signature, ""), "signature",
     "Fyll i din Elin-signatur.", "Enter your Elin signature."),
    ("signature without x", lambda: refused(validation.signature, "anna"), "signature",
     "Elin-signaturen ska börja på x.", "The Elin signature must start with x."),
    ("signature length", lambda: refused(validation.signature, "x" + "a" * 12), "signature",
     "Elin-signaturen ska vara 2–12 tecken lång.",
     "The Elin signature must be 2–12 characters long."),
    ("signature characters", lambda: refused(validation.signature, "xå"), "signature",
     "Elin-signaturen får bara innehålla bokstäver a–z och siffror.",
     "The Elin signature may contain only letters a–z and digits."),
    ("signature of 12, one wrong", lambda: refused(validation.signature, "xabcdefghij-"),
     "signature",
     "Elin-signaturen får bara innehålla bokstäver a–z och siffror.",
     "The Elin signature may contain only letters a–z and digits."),
    # -- hand-over and close forms -----------------------------------------------
    ("note empty",
     lambda: refused(lifecycle.hand_over, STARTED, actor="xbo", note="\t", now=T0), "note",
     "Noteringen får inte vara tom.", "The note must not be empty."),
    ("note long",
     lambda: refused(lifecycle.hand_over, STARTED, actor="xbo", note="n" * 1001, now=T0), "note",
     "Noteringen får vara högst 1000 tecken (nu 1001).",
     "The note may be at most 1000 characters (now 1001)."),
    ("comment long",
     lambda: refused(validation.free_text, "abc", "comment", max_length=2, required=False),
     "comment",
     "Kommentaren får vara högst 2 tecken (nu 3).",
     "The comment may be at most 2 characters (now 3)."),
    ("greeting empty",
     lambda: refused(email.confirmation_email, " ", email.Change.invoice_address("A"), ["1"]),
     "greeting",
     "Hälsningen får inte vara tom.", "The greeting must not be empty."),
    ("change long", lambda: refused(email.Change.invoice_address, "g" * 301), "change",
     "Ändringen får vara högst 300 tecken (nu 301).",
     "The change may be at most 300 characters (now 301)."),
    ("other text", lambda: refused(validation.free_text, "", "extra", max_length=5), "extra",
     "Texten får inte vara tom.", "The text must not be empty."),
    ("no changed installation",
     lambda: refused(email.confirmation_email, "AB", email.Change.invoice_address("A"), []),
     "changed_ids",
     "Ange minst en anläggning som har ändrats.",
     "Give at least one installation that was changed."),
    ("no IDs pasted", lambda: id_error(" \n"), "changedIds",
     "Klistra in minst ett anläggnings-ID.", "Paste at least one installation ID."),
    ("IDs wrong", lambda: id_error("12a 123 735999100000000000"), "changedIds",
     ("Kontrollera anläggnings-ID: post 1: innehåller annat än siffror; "
      "post 2: ska vara 18 siffror; post 3: kontrollsiffran stämmer inte."),
     ("Check the installation IDs: entry 1: contains characters other than digits; "
      "entry 2: must be 18 digits; entry 3: the check digit does not match.")),
    ("IDs wrong, many", lambda: id_error(" ".join(["1"] * 12)), "changedIds",
     "Kontrollera anläggnings-ID: "
     + "; ".join(f"post {i}: ska vara 18 siffror" for i in range(1, 11)) + " (och 2 till).",
     "Check the installation IDs: "
     + "; ".join(f"entry {i}: must be 18 digits" for i in range(1, 11)) + " (and 2 more)."),
    ("IDs too many", lambda: id_error("1" * 8001), "changedIds",
     "Listan är för lång för ett kort i Teams: högst 8 000 tecken, cirka 400 anläggnings-ID.",
     ("The list is too long for a card in Teams: at most 8,000 characters, "
      "about 400 installation IDs.")),
    # -- the lifecycle -------------------------------------------------------------
    ("claim a started case", lambda: refused(lifecycle.claim, STARTED, actor="xcia", now=T0),
     None, "SA-000001 är redan påbörjat av xbo.", "SA-000001 was already started by xbo."),
    ("anything on a closed case",
     lambda: refused(lifecycle.take_over, CLOSED, actor="xcia", now=T0), None,
     "SA-000001 är redan hanterat.", "SA-000001 is already handled."),
    ("correct another's case", lambda: _correct(REGISTERED, "xbo"), None,
     "Bara xanna, som registrerade SA-000001, kan rätta det.",
     "Only xanna, who registered SA-000001, can correct it."),
    ("correct a started case", lambda: _correct(STARTED, "xanna"), None,
     "SA-000001 är redan påbörjat och kan inte rättas längre.",
     "SA-000001 has been started and can no longer be corrected."),
    ("hand over a new case",
     lambda: refused(lifecycle.hand_over, REGISTERED, actor="xanna", note="n", now=T0), None,
     "SA-000001 är inte påbörjat än. Påbörja det först.",
     "SA-000001 has not been started yet. Start it first."),
    ("take over from oneself",
     lambda: refused(lifecycle.take_over, STARTED, actor="XBO", now=T0), None,
     "Du hanterar redan SA-000001.", "You are already handling SA-000001."),
    ("close another's case", lambda: refused(lifecycle.close, STARTED, actor="xcia", now=T0),
     None,
     "SA-000001 hanteras av xbo. Ta över det först.",
     "SA-000001 is being handled by xbo. Take it over first."),
    # -- the workbook ----------------------------------------------------------------
    ("case not found", lambda: CaseNotFound("SA-000009"), None,
     "Ärendet SA-000009 finns inte i Stora ärenden.", "Case SA-000009 is not in Stora ärenden."),
    ("changed by the handler", lambda: Conflict(STARTED), None,
     "SA-000001 har just ändrats av xbo. Se det aktuella läget.",
     "SA-000001 was just changed by xbo. See where it stands now."),
    ("changed by the registrant", lambda: Conflict(REGISTERED), None,
     "SA-000001 har just ändrats av xanna. Se det aktuella läget.",
     "SA-000001 was just changed by xanna. See where it stands now."),
    ("changed, nobody signed", lambda: Conflict(UNSIGNED), None,
     "SA-000001 har just ändrats av någon annan. Se det aktuella läget.",
     "SA-000001 was just changed by someone else. See where it stands now."),
    ("workbook not answering", lambda: LedgerUnavailable("timeout after 2.5 s"), None,
     "Arbetsboken Stora ärenden svarar inte just nu. Inget sparades – försök igen.",
     "The Stora ärenden workbook is not answering right now. Nothing was saved – try again."),
    ("a column twice",
     lambda: refused(columns.map_headers, [*columns.REQUIRED_HEADERS, " STATUS "]), None,
     "Arbetsboken Stora ärenden går inte att använda: kolumnen Status finns två gånger.",
     "The Stora ärenden workbook cannot be used: the column Status appears twice."),
    ("columns missing",
     lambda: refused(columns.map_headers, columns.REQUIRED_HEADERS[:5]), None,
     ("Arbetsboken Stora ärenden går inte att använda: "
      "kolumner saknas: Hanteras av, Eventuell kommentar."),
     ("The Stora ärenden workbook cannot be used: "
      "columns are missing: Hanteras av, Eventuell kommentar.")),
    ("a value nobody can read",
     lambda: refused(
         columns.case_from_cells, {**columns.case_to_cells(STARTED), "Registrerad": "igår"}
     ),
     None,
     "SA-000001 i Stora ärenden har ett värde i kolumnen Registrerad som boten inte kan läsa.",
     "SA-000001 in Stora ärenden has a value in the column Registrerad the bot cannot read."),
    ("a row without its ID",
     lambda: refused(
         columns.case_from_cells, {**columns.case_to_cells(STARTED), "Ärende-ID": " "}
     ),
     None,
     ("(utan Ärende-ID) i Stora ärenden har ett värde i kolumnen Ärende-ID som boten inte "
      "kan läsa."),
     ("(utan Ärende-ID) in Stora ärenden has a value in the column Ärende-ID the bot "
      "cannot read.")),
]  # fmt: skip
CASES = [pytest.param(make, field, sv, en, id=name) for name, make, field, sv, en in REFUSALS]

# How each field is named, in Swedish and in English, in its refusals.
FIELD_NAMES = {
    "customer_number": ("kundnumret", "customer number"),
    "cab_number": ("ärendenumret i cab", "cab case number"),
    "description": ("beskrivningen", "description"),
    "change_count": ("antal ändringar", "number of changes"),
    "signature": ("elin-signatur", "elin signature"),
    "note": ("noteringen", "note"),
    "comment": ("kommentaren", "comment"),
    "greeting": ("hälsningen", "greeting"),
    "change": ("ändringen", "change"),
    "extra": ("texten", "text"),
    "changed_ids": ("anläggning", "installation"),
    "changedIds": ("anläggnings-id", "installation id"),
}
# A number, with its thousands written either way ("10 000", "10,000").
_NUMBER = re.compile(r"\d+(?:[ ,]\d{3})*")


@pytest.mark.parametrize(("make", "field", "sv", "en"), CASES)
def test_the_refusal_in_each_language(make, field: str | None, sv: str, en: str) -> None:
    error = make()
    assert (error.text("sv-SE"), error.text("en-US")) == (sv, en)
    assert error.text(None) == error.text("") == str(error) == sv  # no locale: Swedish
    assert error.text("EN-gb") == en
    if field is not None:
        assert isinstance(error, InvalidInput) and error.field == field


@pytest.mark.parametrize(("make", "field", "sv", "en"), CASES)
def test_both_languages_name_the_same_limits(make, field: str | None, sv: str, en: str) -> None:
    def numbers(text: str) -> list[int]:
        return [int(re.sub("[ ,]", "", n)) for n in _NUMBER.findall(text)]

    assert numbers(sv) == numbers(en)


@pytest.mark.parametrize(
    ("make", "field", "sv", "en"), [c for c in CASES if c.values[1] in FIELD_NAMES]
)
def test_a_field_refusal_names_its_field_in_both_languages(
    make, field: str, sv: str, en: str
) -> None:
    name_sv, name_en = FIELD_NAMES[field]
    assert name_sv in sv.casefold() and name_en in en.casefold()


@pytest.mark.parametrize(
    ("make", "typed"),
    [
        (lambda t: validation.customer_number(t), "55512a4"),
        (lambda t: validation.cab_number(t), "9876543210123"),
        (lambda t: validation.signature(t), "anna.agent"),
        (lambda t: validation.free_text(t, "note", max_length=10), "Kund 5551234 flyttar"),
        (lambda t: validation.change_count(t), "tjugo"),
    ],
)
def test_no_refusal_repeats_what_was_typed(make, typed: str) -> None:
    try:
        make(typed)
    except InvalidInput as error:
        caught = error
    else:
        pytest.fail("not refused")
    for locale in ("sv-SE", "en-US"):
        assert typed not in caught.text(locale)


def test_the_id_list_refusal_does_not_repeat_the_ids() -> None:
    pasted = "735999100000000000 12a"
    error = id_error(pasted)
    for locale in ("sv-SE", "en-US"):
        assert all(entry not in error.text(locale) for entry in pasted.split())


def test_several_refusals_at_once_are_read_one_after_the_other() -> None:
    with pytest.raises(InvalidInputs) as caught:
        validation.validate_registration("", "12a", "x")
    assert caught.value.text("sv") == (
        "Fyll i kundnumret. Ärendenumret i CAB ska bara innehålla siffror (4–12 st)."
    )
    assert caught.value.text("en") == (
        "Enter the customer number. The CAB case number may contain digits only (4–12)."
    )


def test_a_refusal_without_english_says_its_swedish_in_english_too() -> None:
    error = DomainError("Bara på svenska.")
    assert error.text("en-US") == error.message_en == "Bara på svenska."


def test_refusals_carry_what_the_bot_needs_besides_the_text() -> None:
    assert CaseNotFound("SA-000009").case_id == "SA-000009"
    conflict = Conflict(STARTED)
    assert conflict.current is STARTED and conflict.who == "xbo"
    assert Conflict(UNSIGNED).who == "någon annan"
    assert LedgerUnavailable("timeout after 2.5 s").detail == "timeout after 2.5 s"
    assert LedgerUnavailable().detail == ""

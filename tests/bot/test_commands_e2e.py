"""Text commands in a channel and in a 1:1 chat, Swedish and English, over real HTTP."""

from __future__ import annotations

import pytest

from tests.bot.conftest import ANNA, BO, CIA, Office
from tests.bot.test_lifecycle_e2e import (
    REGISTRATION,
    card_of,
    case_post,
    register_case,
)
from tests.cards.schema import assert_valid_card
from tests.fakes.cardwalk import inputs, texts, verbs


@pytest.mark.parametrize(
    ("typed", "expected_verb"),
    [
        ("registrera", "register"),
        ("register", "register"),
        ("triage", "triage"),
        ("mejl", "email"),
        ("email", "email"),
    ],
)
async def test_each_command_answers_with_its_form(
    office: Office, typed: str, expected_verb: str
) -> None:
    answer = await office.say(ANNA, typed)
    assert_valid_card(answer.card)
    assert verbs(answer.card) == {expected_verb}


@pytest.mark.parametrize("typed", ["hjälp", "help", "vad kan du?", ""])
async def test_help_and_unknown_text_get_the_help_card(office: Office, typed: str) -> None:
    answer = await office.say(ANNA, typed)
    assert_valid_card(answer.card)
    shown = texts(answer.card)
    for command in ("registrera", "kö", "mina", "triage", "mejl", "hjälp"):
        assert command in shown


async def test_the_bot_answers_in_english_to_an_english_teams(office: Office) -> None:
    answer = await office.say(CIA, "help")
    assert "what I can do" in texts(answer.card)
    form = await office.say(CIA, "register")
    assert "Customer number" in texts(form.card)


async def test_commands_work_in_a_personal_chat_too(office: Office) -> None:
    answer = await office.say(ANNA, "registrera", personal=True)
    assert answer.conversation_id.startswith("a:")
    assert verbs(answer.card) == {"register"}


async def test_queue_groups_open_cases_with_handler_and_age_but_no_customer_data(
    office: Office,
) -> None:
    await register_case(office)
    second = await office.say(ANNA, "registrera")
    card_of(
        await office.click(ANNA, second, "register", {**REGISTRATION, "customerNumber": "5099999"})
    )
    await office.sign_up(BO, "xbo")
    first_post = office.connector.top_level_posts()[0]
    card_of(await office.click(BO, first_post, "claim"))
    office.clock.advance(hours=3)

    queue = await office.say(CIA, "kö")
    assert_valid_card(queue.card)
    shown = texts(queue.card)
    assert "SA-000001" in shown and "SA-000002" in shown and "xbo" in shown
    assert "3 h" in shown
    assert "5012345" not in shown and "5099999" not in shown

    mine = await office.say(BO, "mina")
    assert "SA-000001" in texts(mine.card) and "SA-000002" not in texts(mine.card)


async def test_mine_asks_for_a_signature_first(office: Office) -> None:
    answer = await office.say(CIA, "mina")
    assert "signature" in inputs(answer.card)


async def test_fifteen_changes_or_fewer_are_not_registered_but_get_the_routine(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    answer = card_of(
        await office.click(ANNA, form, "register", {**REGISTRATION, "changeCount": "15"})
    )
    shown = texts(answer)
    assert "mejl" in shown.lower()
    assert await office.ledger.list() == []
    assert office.connector.top_level_posts() == []


async def test_a_bad_registration_is_refused_next_to_each_field_with_values_kept(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "customerNumber": "50-12x", "cabNumber": ""}
    answer = card_of(await office.click(ANNA, form, "register", typed))
    fields = inputs(answer)
    assert fields["customerNumber"]["value"] == "50-12x"
    assert fields["description"]["value"] == REGISTRATION["description"]
    from tests.cards.forms import error_under

    assert error_under(answer, "customerNumber") and error_under(answer, "cabNumber")
    assert await office.ledger.list() == []


async def test_triage_gives_the_cab_fields_for_a_handover(office: Office) -> None:
    form = await office.say(ANNA, "triage")
    answer = card_of(
        await office.click(
            ANNA,
            form,
            "triage",
            {"changeCount": "8", "customerKind": "företag", "changeKind": "flytt"},
        )
    )
    shown = texts(answer)
    assert "Backoffice" in shown


async def test_email_command_drafts_the_confirmation_mail(office: Office) -> None:
    from tests.cases.gsrn_helpers import make_gsrn

    ids = [make_gsrn(f"7359991020000{i:04d}") for i in range(2)]
    form = await office.say(ANNA, "mejl")
    answer = card_of(
        await office.click(
            ANNA,
            form,
            "email",
            {
                "changedIds": " ".join(ids),
                "greeting": "BRF Eken",
                "emailChange": "faktureringsintervall",
                "emailValue": "kvartal",
            },
        )
    )
    shown = texts(answer)
    assert "Hej BRF Eken" in shown
    assert (
        "Vi har nu ändrat ert faktureringsintervall till kvartal på följande anläggningar" in shown
    )
    assert f"{ids[0]} samt {ids[1]}" in shown


async def test_correct_lets_the_registrant_fix_a_typo(office: Office) -> None:
    case_id = await register_case(office)
    post = case_post(office)
    assert ANNA.mri in post.card["refresh"]["userIds"]
    refreshed = card_of(await office.refresh(ANNA, post))
    assert verbs(refreshed) == {"claim", "correct.form"}
    form = card_of(await office.click(ANNA, post, "correct.form", card=refreshed))
    assert inputs(form)["customerNumber"]["value"] == "5012345"
    fixed = card_of(
        await office.click(
            ANNA,
            post,
            "correct",
            {"customerNumber": "5012346", "cabNumber": "9876543", "description": "22 adresser"},
            card=form,
        )
    )
    assert "5012346" in texts(fixed)
    assert (await office.ledger.get(case_id)).customer_number == "5012346"
    assert "5012346" not in texts(post.card)  # the channel's message never holds it
    assert "5012346" in texts(card_of(await office.click(BO, post, "details")))


async def test_a_property_owners_many_moves_go_to_kundavtal_not_the_workbook(
    office: Office,
) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    typed = {**REGISTRATION, "changeKind": "flytt", "customerKind": "fastighetsägare"}
    answer = card_of(await office.click(ANNA, form, "register", typed))
    assert "kundavtal" in texts(answer).lower()
    assert await office.ledger.list() == []


async def test_triage_shows_every_missing_choice_under_its_input(office: Office) -> None:
    from tests.cards.forms import error_under

    form = await office.say(ANNA, "triage")
    answer = card_of(
        await office.click(ANNA, form, "triage", {"changeCount": "0", "customerKind": "?"})
    )
    assert error_under(answer, "changeCount") and error_under(answer, "customerKind")


async def test_a_command_whose_workbook_is_unreachable_gets_a_plain_answer(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cases.ledger import LedgerUnavailable

    async def unreachable(*_args: object) -> list:
        raise LedgerUnavailable("test: workbook unreachable")

    monkeypatch.setattr(office.ledger, "list", unreachable)
    answer = await office.say(ANNA, "kö")
    assert "svarar inte just nu" in answer.text

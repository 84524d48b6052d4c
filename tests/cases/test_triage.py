"""The routine's table: who handles how many changes, and the steps they take."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from cases.errors import InvalidInput
from cases.triage import CabFields, ChangeKind, CustomerKind, Route, Stage, triage

ALL = list(itertools.product(CustomerKind, ChangeKind))
EXCEPTION = (CustomerKind.FASTIGHETSAGARE, ChangeKind.MOVE)
ORDINARY = [combo for combo in ALL if combo != EXCEPTION]

BACKOFFICE_ROUTES = {
    5: Route.DIRECT,
    6: Route.BACKOFFICE,
    15: Route.BACKOFFICE,
    16: Route.STORA_ARENDEN,
}
INTAKE_ROUTES = {
    5: Route.DIRECT,
    6: Route.CAB_HANDOVER,
    15: Route.CAB_HANDOVER,
    16: Route.CAB_HANDOVER,
}
EXCEPTION_ROUTES = {5: Route.DIRECT, 6: Route.KUNDAVTAL, 15: Route.KUNDAVTAL, 16: Route.KUNDAVTAL}


class TestBoundaries:
    @pytest.mark.parametrize(("customer", "change"), ORDINARY)
    @pytest.mark.parametrize("count", [5, 6, 15, 16])
    def test_backoffice_view(self, customer, change, count: int) -> None:
        assert triage(count, customer, change).route is BACKOFFICE_ROUTES[count]

    @pytest.mark.parametrize(("customer", "change"), ORDINARY)
    @pytest.mark.parametrize("count", [5, 6, 15, 16])
    def test_customer_service_view(self, customer, change, count: int) -> None:
        result = triage(count, customer, change, stage=Stage.CUSTOMER_SERVICE)
        assert result.route is INTAKE_ROUTES[count]

    @pytest.mark.parametrize("stage", list(Stage))
    @pytest.mark.parametrize("count", [5, 6, 15, 16])
    def test_property_owner_moves_go_to_kundavtal_above_five(self, stage, count: int) -> None:
        result = triage(count, *EXCEPTION, stage=stage)
        assert result.route is EXCEPTION_ROUTES[count]

    @pytest.mark.parametrize("change", [ChangeKind.INVOICE, ChangeKind.OTHER])
    def test_a_property_owner_with_other_changes_is_no_exception(self, change) -> None:
        assert triage(16, CustomerKind.FASTIGHETSAGARE, change).route is Route.STORA_ARENDEN
        assert triage(6, CustomerKind.FASTIGHETSAGARE, change).route is Route.BACKOFFICE
        result = triage(6, CustomerKind.FASTIGHETSAGARE, change, stage=Stage.CUSTOMER_SERVICE)
        assert result.route is Route.CAB_HANDOVER

    @pytest.mark.parametrize(
        "customer", [c for c in CustomerKind if c is not CustomerKind.FASTIGHETSAGARE]
    )
    def test_other_customers_moving_are_no_exception(self, customer) -> None:
        assert triage(6, customer, ChangeKind.MOVE).route is Route.BACKOFFICE

    def test_one_change_and_very_many(self) -> None:
        assert triage(1, CustomerKind.PRIVAT, ChangeKind.OTHER).route is Route.DIRECT
        assert triage(10_000, CustomerKind.FORETAG, ChangeKind.MOVE).route is Route.STORA_ARENDEN

    @pytest.mark.parametrize("count", [0, -1])
    def test_fewer_than_one_change_is_refused(self, count: int) -> None:
        with pytest.raises(InvalidInput) as caught:
            triage(count, CustomerKind.FORETAG, ChangeKind.INVOICE)
        assert caught.value.field == "change_count"
        assert caught.value.message != caught.value.message_en


class TestCabFields:
    @pytest.mark.parametrize(
        ("change", "code"),
        [(ChangeKind.INVOICE, "INVOICE"), (ChangeKind.MOVE, "MOVEINFO"), (ChangeKind.OTHER, None)],
    )
    def test_code_follows_the_change(self, change, code) -> None:
        assert triage(20, CustomerKind.FORETAG, change).cab == CabFields(
            title="20 konfigs", code=code, group="KS Företag", status="Upprättat"
        )

    @pytest.mark.parametrize(
        ("customer", "group"),
        [
            (CustomerKind.PRIVAT, "KS Privat"),
            (CustomerKind.FORETAG, "KS Företag"),
            (CustomerKind.FASTIGHETSAGARE, "KS Företag"),
            (CustomerKind.BOSTADSRATTSFORENING, "KS Företag"),
            (CustomerKind.FORVALTARE, "KS Företag"),
        ],
    )
    def test_group_follows_the_customer(self, customer, group: str) -> None:
        cab = triage(7, customer, ChangeKind.INVOICE).cab
        assert cab is not None and cab.group == group and cab.title == "7 konfigs"

    @pytest.mark.parametrize("stage", list(Stage))
    @pytest.mark.parametrize(("customer", "change"), ALL)
    @pytest.mark.parametrize("count", [1, 5, 6, 15, 16, 40])
    def test_present_above_five_unless_kundavtal(self, stage, customer, change, count) -> None:
        result = triage(count, customer, change, stage=stage)
        expected = count > 5 and result.route is not Route.KUNDAVTAL
        assert (result.cab is not None) == expected
        if result.cab:
            assert result.cab.title == f"{count} konfigs"


class TestConfirmationEmail:
    @pytest.mark.parametrize("stage", list(Stage))
    @pytest.mark.parametrize(("customer", "change"), ALL)
    @pytest.mark.parametrize("count", [5, 6, 15, 16])
    def test_sent_when_backoffice_handles_it(self, stage, customer, change, count) -> None:
        result = triage(count, customer, change, stage=stage)
        handled_by_backoffice = result.route in (Route.BACKOFFICE, Route.STORA_ARENDEN)
        assert result.sends_confirmation_email == handled_by_backoffice
        assert any("MAICCDIS" in s for s in result.steps_sv) == handled_by_backoffice


class TestSteps:
    def test_handover_steps_in_the_routines_words(self) -> None:
        steps = triage(
            20, CustomerKind.FORETAG, ChangeKind.INVOICE, stage=Stage.CUSTOMER_SERVICE
        ).steps_sv
        assert steps == (
            'Upprätta ett ärende med titel "20 konfigs".',
            "Använd ärendehanteringskoden INVOICE.",
            (
                'Klicka på "Lägg till ny kommentar" och skriv en utförlig beskrivning över vad '
                "kunden vill ha ändrat."
            ),
            'Bocka i rutan "Ärendehanteringsgrupp" och välj sedan KS Företag i rullisten.',
            'Ärendet ska ha status "Upprättat".',
            "OBS! Gäller även mail, kom ihåg att besvara kunden att vi tagit ärendet vidare!",
        )

    def test_handover_of_a_private_move(self) -> None:
        steps = triage(8, "privat", "flytt", stage="kundservice").steps_sv
        assert "Använd ärendehanteringskoden MOVEINFO." in steps
        assert any("välj sedan KS Privat" in s for s in steps)

    def test_other_changes_ask_the_agent_to_pick_a_code(self) -> None:
        steps = triage(8, CustomerKind.FORETAG, ChangeKind.OTHER, stage=Stage.CUSTOMER_SERVICE)
        assert "Välj den ärendehanteringskod som passar ändringen." in steps.steps_sv
        assert not any("INVOICE" in s or "MOVEINFO" in s for s in steps.steps_sv)

    def test_stora_arenden_steps(self) -> None:
        steps = triage(16, CustomerKind.BOSTADSRATTSFORENING, ChangeKind.INVOICE).steps_sv
        assert steps[0].startswith("Registrera ärendet i Stora ärenden")
        assert steps[1] == (
            "Lägg även till följande kommentar i ärendet i CAB: "
            "Ärendet registrerat i Stora ärenden, [datum]"
        )
        assert steps[2] == 'Ändra statusen till "I arbete" utan datum.'
        closing = next(s for s in steps if s.startswith("När ärendet är klart"))
        assert '"Hanterad"' in closing and "kunduppgifter raderas" in closing
        assert "avsluta ärendet i CAB" in closing
        assert steps[-1] == (
            "OBS! Kom ihåg att logga mejlet på kundbilden med ärendehanteringskod MAICCDIS. "
            "Ärendet ska ha status avslutat."
        )

    def test_stora_arenden_comment_carries_the_stockholm_date_when_known(self) -> None:
        when = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
        steps = triage(16, CustomerKind.FORETAG, ChangeKind.INVOICE, when=when).steps_sv
        assert steps[1].endswith("Ärendet registrerat i Stora ärenden, 2026-11-29")

    def test_backoffice_steps_confirm_and_mention_other_installations(self) -> None:
        steps = triage(10, CustomerKind.FORVALTARE, ChangeKind.INVOICE).steps_sv
        assert steps[0] == "Backoffice hanterar ändringarna som vanligt."
        assert any("bekräftar att vi genomfört ändringarna" in s for s in steps)
        assert any("fler anläggningar som de inte begärt ändring på" in s for s in steps)
        assert not any("Stora ärenden" in s for s in steps)

    def test_kundavtal_steps_name_the_routine(self) -> None:
        steps = triage(30, CustomerKind.FASTIGHETSAGARE, ChangeKind.MOVE).steps_sv
        assert 'Följ rutinen "Fastighetsägare vill göra flytt".' in steps
        intake = triage(
            30, CustomerKind.FASTIGHETSAGARE, ChangeKind.MOVE, stage=Stage.CUSTOMER_SERVICE
        ).steps_sv
        assert intake[-1].startswith("OBS! Gäller även mail")

    def test_customer_service_gets_the_kundavtal_steps_and_the_mail_reminder(self) -> None:
        # Customer service takes the mail: besides passing the move on to
        # kundavtal, they must answer the customer. Backoffice gets no reminder.
        backoffice = triage(30, *EXCEPTION)
        intake = triage(30, *EXCEPTION, stage=Stage.CUSTOMER_SERVICE)
        reminder_sv = (
            "OBS! Gäller även mail, kom ihåg att besvara kunden att vi tagit ärendet vidare!"
        )
        reminder_en = (
            "Note: this applies to e-mail too. Remember to tell the customer that we have "
            "passed the case on!"
        )
        assert intake.steps_sv == (*backoffice.steps_sv, reminder_sv)
        assert intake.steps_en == (*backoffice.steps_en, reminder_en)
        assert reminder_sv not in backoffice.steps_sv and len(backoffice.steps_sv) == 2
        assert (intake.route, intake.cab, intake.sends_confirmation_email) == (
            Route.KUNDAVTAL,
            None,
            False,
        )

    def test_direct_needs_no_case(self) -> None:
        (step,) = triage(5, CustomerKind.FORETAG, ChangeKind.INVOICE).steps_sv
        assert "under samtalets/mejlets gång" in step

    @pytest.mark.parametrize("stage", list(Stage))
    @pytest.mark.parametrize(("customer", "change"), ALL)
    @pytest.mark.parametrize("count", [3, 6, 16])
    def test_every_step_in_both_languages(self, stage, customer, change, count) -> None:
        result = triage(count, customer, change, stage=stage)
        assert result.steps_sv and len(result.steps_sv) == len(result.steps_en)
        assert all(sv != en for sv, en in zip(result.steps_sv, result.steps_en, strict=True))
        assert result.steps("en-GB") == result.steps_en
        assert result.steps("sv") == result.steps(None) == result.steps_sv


class TestKinds:
    def test_values_are_swedish_lower_case(self) -> None:
        assert [c.value for c in CustomerKind] == [
            "privat",
            "företag",
            "fastighetsägare",
            "bostadsrättsförening",
            "förvaltare",
        ]
        assert [c.value for c in ChangeKind] == ["faktura", "flytt", "annat"]

    def test_labels_by_locale(self) -> None:
        assert CustomerKind.BOSTADSRATTSFORENING.label("sv-SE") == "Bostadsrättsförening"
        assert CustomerKind.BOSTADSRATTSFORENING.label("en-US") == "Housing cooperative"
        assert ChangeKind.MOVE.label("en") == "Move"
        assert Route.KUNDAVTAL.label(None) == "Hanteras av kundavtal"

    def test_every_kind_has_two_labels(self) -> None:
        for kind in [*CustomerKind, *ChangeKind, *Route]:
            assert kind.label("sv") and kind.label("en") and kind.label("sv") != kind.label("en")

    def test_card_values_are_accepted_as_strings(self) -> None:
        assert triage(7, "fastighetsägare", "flytt").route is Route.KUNDAVTAL

    @pytest.mark.parametrize(
        ("customer", "change", "field"),
        [("kommun", "faktura", "customer_kind"), ("företag", "el", "change_kind")],
    )
    def test_unknown_kinds_are_refused(self, customer, change, field) -> None:
        with pytest.raises(InvalidInput) as caught:
            triage(7, customer, change)
        assert caught.value.field == field

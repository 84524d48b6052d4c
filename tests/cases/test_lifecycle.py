"""The lifecycle's permissions and effects (docs/routine.md), one rule at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cases import lifecycle
from cases.clock import STOCKHOLM
from cases.errors import InvalidInput, InvalidInputs, NotAllowed
from cases.lifecycle import Action, allowed_actions
from cases.model import Case, Status

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
LATER = T0 + timedelta(hours=2)


def registered(by: str = "xanna") -> Case:
    new = lifecycle.register("1234567", "7654321", "22 fakturaadresser", actor=by, now=T0)
    return new.with_id("SA-000001")


def started(by: str = "xbo") -> Case:
    return lifecycle.claim(registered(), actor=by, now=T0)


class TestRegister:
    def test_new_case_is_ny_with_nobody_handling(self) -> None:
        case = registered()
        assert case.status is Status.NY
        assert case.handler == ""
        assert case.registered_by == "xanna"
        assert case.registered_at == case.changed_at == T0

    def test_signature_is_stored_lower_case(self) -> None:
        assert registered(by="XAnna").registered_by == "xanna"

    def test_every_bad_field_is_reported_at_once(self) -> None:
        with pytest.raises(InvalidInputs) as caught:
            lifecycle.register("12a", "", "  ", actor="xanna", now=T0)
        assert set(caught.value.by_field()) == {"customer_number", "cab_number", "description"}

    def test_an_actor_without_a_valid_signature_cannot_register(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            lifecycle.register("1234567", "7654321", "text", actor="anna", now=T0)
        assert caught.value.field == "signature"

    def test_timestamps_are_kept_in_stockholm_time(self) -> None:
        utc_noon = datetime.fromisoformat("2026-07-01T10:00:00+00:00")
        new = lifecycle.register("1234567", "7654321", "x", actor="xanna", now=utc_noon)
        assert new.registered_at.utcoffset() == timedelta(hours=2)


class TestClaim:
    def test_claim_starts_the_case_for_the_actor(self) -> None:
        case = lifecycle.claim(registered(), actor="xbo", now=LATER)
        assert (case.status, case.handler, case.changed_at) == (Status.PABORJAD, "xbo", LATER)
        assert case.registered_at == T0

    def test_the_registrant_may_claim_their_own_case(self) -> None:
        assert lifecycle.claim(registered(), actor="xanna", now=LATER).handler == "xanna"

    def test_a_started_case_cannot_be_claimed_again(self) -> None:
        with pytest.raises(NotAllowed, match="redan påbörjat av xbo"):
            lifecycle.claim(started("xbo"), actor="xcia", now=LATER)


class TestHandOver:
    def test_the_note_goes_into_the_comment_and_the_case_is_free_to_take(self) -> None:
        case = lifecycle.hand_over(started(), actor="xbo", note=" Klar med 10 av 22 ", now=LATER)
        assert case.comment == "Klar med 10 av 22"
        assert case.is_handed_over and case.handed_over_at == LATER
        assert (case.status, case.handler) == (Status.PABORJAD, "xbo")

    def test_a_note_is_required(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            lifecycle.hand_over(started(), actor="xbo", note="  \n ", now=LATER)
        assert caught.value.field == "note"

    def test_only_the_handler_hands_over(self) -> None:
        with pytest.raises(NotAllowed, match="hanteras av xbo"):
            lifecycle.hand_over(started("xbo"), actor="xcia", note="x", now=LATER)

    def test_a_new_case_cannot_be_handed_over(self) -> None:
        with pytest.raises(NotAllowed, match="inte påbörjat"):
            lifecycle.hand_over(registered(), actor="xanna", note="x", now=LATER)


class TestTakeOver:
    def test_take_over_replaces_the_handler_and_keeps_the_note(self) -> None:
        handed = lifecycle.hand_over(started("xbo"), actor="xbo", note="Halvvägs", now=T0)
        case = lifecycle.take_over(handed, actor="xcia", now=LATER)
        assert (case.handler, case.comment, case.changed_at) == ("xcia", "Halvvägs", LATER)
        assert not case.is_handed_over

    def test_a_case_may_be_taken_over_without_a_hand_over(self) -> None:
        assert lifecycle.take_over(started("xbo"), actor="xcia", now=LATER).handler == "xcia"

    def test_the_handler_cannot_take_over_from_themselves(self) -> None:
        with pytest.raises(NotAllowed, match="Du hanterar redan"):
            lifecycle.take_over(started("xbo"), actor="XBO", now=LATER)

    def test_a_new_case_is_claimed_not_taken_over(self) -> None:
        with pytest.raises(NotAllowed):
            lifecycle.take_over(registered(), actor="xcia", now=LATER)


class TestClose:
    def test_close_marks_handled_and_wipes_every_customer_cell(self) -> None:
        handed = lifecycle.hand_over(started("xbo"), actor="xbo", note="Kund 1234567", now=T0)
        taken = lifecycle.take_over(handed, actor="xcia", now=T0)
        case = lifecycle.close(taken, actor="xcia", now=LATER)
        assert case.status is Status.HANTERAD
        assert (case.customer_number, case.cab_number, case.description, case.comment) == (
            "",
            "",
            "",
            "",
        )
        assert not case.has_customer_data
        # The signatures and the bot's own columns carry no customer data and stay.
        assert (case.registered_by, case.handler, case.case_id) == ("xanna", "xcia", "SA-000001")
        assert case.changed_at == LATER and case.handed_over_at is None

    def test_closing_a_handed_over_case_clears_the_hand_over_mark(self) -> None:
        # The handler may close a case they handed over (nobody took it): a
        # Hanterad row still marked as handed over would show as free to take.
        handed = lifecycle.hand_over(started("xbo"), actor="xbo", note="Nästan klar", now=T0)
        assert handed.is_handed_over
        case = lifecycle.close(handed, actor="xbo", now=LATER)
        assert case.handed_over_at is None and not case.is_handed_over
        assert (case.status, case.handler, case.changed_at) == (Status.HANTERAD, "xbo", LATER)

    def test_only_the_handler_closes(self) -> None:
        with pytest.raises(NotAllowed, match="Ta över det först"):
            lifecycle.close(started("xbo"), actor="xcia", now=LATER)

    def test_a_closed_case_allows_nothing(self) -> None:
        closed = lifecycle.close(started("xbo"), actor="xbo", now=LATER)
        assert allowed_actions(closed, "xbo") == frozenset()
        with pytest.raises(NotAllowed, match="redan hanterat"):
            lifecycle.close(closed, actor="xbo", now=LATER)


class TestCorrect:
    def test_the_registrant_corrects_a_new_case(self) -> None:
        case = lifecycle.correct(
            registered(),
            actor="xanna",
            customer_number="1111111",
            cab_number="2222222",
            description="Rättad",
            now=LATER,
        )
        assert (case.customer_number, case.cab_number, case.description) == (
            "1111111",
            "2222222",
            "Rättad",
        )
        assert case.status is Status.NY and case.changed_at == LATER

    def test_nobody_else_corrects(self) -> None:
        with pytest.raises(NotAllowed, match="Bara xanna"):
            lifecycle.correct(
                registered(),
                actor="xbo",
                customer_number="1111111",
                cab_number="2222222",
                description="x",
                now=LATER,
            )

    def test_a_started_case_is_not_corrected(self) -> None:
        with pytest.raises(NotAllowed, match="kan inte rättas"):
            lifecycle.correct(
                started("xanna"),
                actor="xanna",
                customer_number="1111111",
                cab_number="2222222",
                description="x",
                now=LATER,
            )


@pytest.mark.parametrize(
    ("case", "actor", "expected"),
    [
        (registered("xanna"), "xanna", {Action.CLAIM, Action.CORRECT}),
        (registered("xanna"), "xbo", {Action.CLAIM}),
        (started("xbo"), "xbo", {Action.HAND_OVER, Action.CLOSE}),
        (started("xbo"), "XBO", {Action.HAND_OVER, Action.CLOSE}),
        (started("xbo"), "xcia", {Action.TAKE_OVER}),
    ],
)
def test_buttons_depend_on_state_and_viewer(case: Case, actor: str, expected: set[Action]) -> None:
    assert allowed_actions(case, actor) == expected


def test_refusals_carry_english_too() -> None:
    with pytest.raises(NotAllowed) as caught:
        lifecycle.close(started("xbo"), actor="xcia", now=LATER)
    assert caught.value.text("en-US").startswith("SA-000001 is being handled by xbo")
    assert caught.value.text("sv-SE").startswith("SA-000001 hanteras av xbo")

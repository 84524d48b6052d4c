"""Random days at the office: several agents doing random things to random cases.

Whatever the order, the workbook must only ever hold valid rows, a closed case
must hold no customer data, and only the transitions of docs/routine.md may happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cases import lifecycle, validation
from cases.clock import STOCKHOLM
from cases.errors import DomainError, NotAllowed
from cases.lifecycle import Action, allowed_actions
from cases.model import CUSTOMER_FIELDS, Case, Status

AGENTS = ("xanna", "xbo", "xcia", "XDAN")
PERMITTED = {
    Action.CLAIM: {(Status.NY, Status.PABORJAD)},
    Action.HAND_OVER: {(Status.PABORJAD, Status.PABORJAD)},
    Action.TAKE_OVER: {(Status.PABORJAD, Status.PABORJAD)},
    Action.CLOSE: {(Status.PABORJAD, Status.HANTERAD)},
    Action.CORRECT: {(Status.NY, Status.NY)},
}

agents = st.sampled_from(AGENTS)
digits = st.text(alphabet="0123456789", min_size=1, max_size=14)
# Anything an agent might paste: the validators must turn it into a valid row or refuse it.
typed = st.one_of(digits, st.text(max_size=40), st.sampled_from(["=SUM(A1)", "+46", "\t1234"]))


class OfficeDay(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.cases: dict[str, Case] = {}
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=STOCKHOLM)

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now

    @rule(actor=agents, customer=typed, cab=typed, text=typed)
    def register(self, actor: str, customer: str, cab: str, text: str) -> None:
        try:
            new = lifecycle.register(customer, cab, text, actor=actor, now=self._tick())
        except DomainError:
            return
        case_id = f"SA-{len(self.cases) + 1:06d}"
        self.cases[case_id] = new.with_id(case_id)

    @precondition(lambda self: self.cases)
    @rule(
        data=st.data(),
        action=st.sampled_from(list(Action)),
        actor=agents,
        text=typed,
    )
    def act(self, data: st.DataObject, action: Action, actor: str, text: str) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.cases)))
        before = self.cases[case_id]
        permitted = action in allowed_actions(before, actor)
        now = self._tick()
        try:
            after = _apply(action, before, actor, text, now)
        except NotAllowed:
            assert not permitted, f"{action} refused although allowed"
            return
        except DomainError:
            return  # bad input for a permitted action: nothing changes
        assert permitted, f"{action} by {actor} on {before.status} went through"
        assert (before.status, after.status) in PERMITTED[action]
        assert after.case_id == before.case_id and after.registered_at == before.registered_at
        assert after.changed_at == now
        self.cases[case_id] = after

    @invariant()
    def every_row_is_valid(self) -> None:
        for case in getattr(self, "cases", {}).values():
            assert validation.signature(case.registered_by) == case.registered_by
            if case.status is Status.NY:
                assert case.handler == "" and case.comment == ""
            else:
                assert validation.signature(case.handler) == case.handler
            if case.status is not Status.HANTERAD:
                assert validation.customer_number(case.customer_number) == case.customer_number
                assert validation.cab_number(case.cab_number) == case.cab_number
                assert case.description and len(case.description) <= validation.DESCRIPTION_MAX
            assert case.handed_over_at is None or case.status is Status.PABORJAD
            assert case.registered_at <= case.changed_at

    @invariant()
    def a_closed_case_holds_no_customer_data(self) -> None:
        for case in getattr(self, "cases", {}).values():
            if case.status is Status.HANTERAD:
                assert all(getattr(case, name) == "" for name in CUSTOMER_FIELDS)


def _apply(action: Action, case: Case, actor: str, text: str, now: datetime) -> Case:
    match action:
        case Action.CLAIM:
            return lifecycle.claim(case, actor=actor, now=now)
        case Action.HAND_OVER:
            return lifecycle.hand_over(case, actor=actor, note=text, now=now)
        case Action.TAKE_OVER:
            return lifecycle.take_over(case, actor=actor, now=now)
        case Action.CLOSE:
            return lifecycle.close(case, actor=actor, now=now)
        case Action.CORRECT:
            return lifecycle.correct(
                case,
                actor=actor,
                customer_number=text,
                cab_number="987654",
                description="Rättad beskrivning",
                now=now,
            )


OfficeDay.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestOfficeDay = OfficeDay.TestCase

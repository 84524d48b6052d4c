"""One hostile click per example: who clicks, on which case, with what data; then every check.

A share of the examples is "happy": the right agent for the verb, a case in a
state that allows it, the card's current version and valid values (formula-like
and right-to-left text included, within the limits). They write rows, so the
row checks see real writes. The rest mixes valid values with wrong types,
missing and extra fields, 100 kB strings and stale or made-up case ids.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bot.actions.inputs import PENDING_MAX
from bot.app import SERVICES
from cards import NOTICE_VIEW
from cards.case import BUTTONS
from cases.lifecycle import Action, allowed_actions
from cases.model import Case, Status
from tests.bot.conftest import ANNA, BO, CIA
from tests.fakes import teams
from tests.fakes.cardwalk import buttons
from tests.fakes.teams import Agent

from . import checks, workbook_rows
from .fields import VerbFields, all_verbs, fields_by_verb
from .harness import TOO_LARGE, Harness
from .payloads import MISSING, extra_key, field_value, junk, made_up_ids, stale_versions

Draw = Callable[[st.SearchStrategy[Any]], Any]

SIGNED = {ANNA: "xanna", BO: "xbo", CIA: "xcia"}
# The lifecycle action behind a verb: the submit verbs are named after it,
# the card's form buttons open it.
ACTION_OF: dict[str, Action] = {
    **{action.value: action for action in Action},
    **{verb: action for action, verb, _ in BUTTONS},
}
# About one example in ten is happy. Not 0 and 1 of 20: Hypothesis draws 0 far
# more often than one time in twenty.
HAPPY = frozenset({7, 13})
# Rows registered through the bot before the stock is kept up by reopening cases.
STOCK_ROWS = 25
# The cases kept in stock carry customer data that is easy to spot anywhere it must not be.
STOCK_REGISTRATION = {
    "customerNumber": "501234567890", "cabNumber": "987654321098",
    "description": "Lagerärende Fjärilsgatan 12, Qwzxbyn",
    "changeCount": "22", "changeKind": "faktura", "customerKind": "företag",
}  # fmt: skip
STOCK_TOKENS = checks.customer_tokens(STOCK_REGISTRATION)
_fresh = itertools.count(1)

# Built once: a strategy built for every draw is validated again every time.
_TWENTIETHS, _TENTHS, _QUARTERS, _THIRDS = (st.integers(0, n - 1) for n in (20, 10, 4, 3))
_FEW, _SOME, _PICKS = st.integers(0, 1), st.integers(0, 3), st.integers(0, 2**20)
_SIGNED_AGENTS = st.sampled_from(list(SIGNED))
_SIGNATURE_SPELLINGS = st.sampled_from(["lower", "upper", "padded"])
_ID_SPELLINGS = st.sampled_from(["exact"] * 6 + ["lower", "padded"])
_VIEWS = st.sampled_from([MISSING, MISSING, NOTICE_VIEW, "card", 1])
_VERBS = st.sampled_from(all_verbs())
_JUNK_PENDING = st.one_of(junk, st.fixed_dictionaries({"verb": junk, "data": junk}))


class FuzzOffice(Harness):
    """A harness that keeps cases in every state around, and counts what happened."""

    def __init__(self, directory: Path, verb: str, *, admins: str = "") -> None:
        super().__init__(directory, admins=admins)
        self.verb = verb
        self.stats: Counter[str] = Counter()
        self.tokens_seen: set[str] = set()
        self.state_dir = directory / "state"
        self._signed: dict[Agent, str] | None = None
        self._cases: list[Case] = []
        self._cases_key: tuple[int, int, int] | None = None
        for agent, signature in SIGNED.items():
            checks.check_invoke(
                *self.run(self.invoke(agent, "signature", {"signature": signature}))
            )
        self.snap = workbook_rows.snapshot(self.office.workbook)
        self.logs.take()
        self.new_connector_traffic()

    # -- the office's state ----------------------------------------------------------
    def cases(self) -> list[Case]:
        return self.run(self.office.ledger.list())

    def signature_of(self, agent: Agent) -> str | None:
        services = self.office.app[SERVICES]  # type: ignore[index]
        return self.run(services.signatures.signature_of(agent.aad_object_id))

    def signed(self) -> dict[Agent, str]:
        """The three agents' signatures now; only the signature verb changes them."""
        if self._signed is None:
            self._signed = {agent: self.signature_of(agent) or "" for agent in SIGNED}
        return self._signed

    def fresh_agent(self) -> Agent:
        """A team member who has not given a signature yet."""
        n = next(_fresh)
        agent = Agent(f"Ny Kollega {n}", f"aad-new-{n}", locale="en-US" if n % 3 == 0 else "sv-SE")
        self.office.connector.add_member(teams.TEAM, agent.account())
        return agent

    def stock(self) -> None:
        """Keep a few cases in each state, so a happy click always has one to act on.

        Through the bot while the workbook is small (the cards get posted and
        redrawn as in use); then by reopening the oldest case that moved on, as
        a person editing the workbook would, so it stays small and every save
        and every look at it stays quick. Done before the example's snapshot.
        """
        key = workbook_rows.file_key(self.office.workbook)
        if key != self._cases_key:
            self._cases, self._cases_key = self.cases(), key
        cases = self._cases
        agent_of = {signature: agent for agent, signature in self.signed().items()}
        new = [c for c in cases if c.status is Status.NY]
        # Newcomers claim cases too (a click resumed after their signature): stock only ours.
        started = [c for c in cases if c.status is Status.PABORJAD and c.handler in agent_of]
        # Closed cases, cases newcomers hold, and ours beyond the few kept started.
        spare = [
            c for c in cases
            if c.status is Status.HANTERAD or (c.status is Status.PABORJAD and c.handler not in agent_of)
        ] + [c for c in started if not c.is_handed_over][:-2]  # fmt: skip
        if len(new) < 3 and spare and len(cases) >= STOCK_ROWS:
            self._reopen(spare[0])
        elif len(new) < 3:
            self._must(ANNA, "register", STOCK_REGISTRATION)
        elif len(started) < 2:
            self._must(BO, "claim", {"caseId": new[0].case_id, "version": new[0].version})
        elif not any(c.is_handed_over for c in started):
            case = started[0]
            note = {
                "caseId": case.case_id,
                "version": case.version,
                "note": "Lagernotering Fjärilsgatan",
            }
            self._must(agent_of[case.handler], "handover", note)
        else:
            return
        self._cases, self._cases_key = self.cases(), workbook_rows.file_key(self.office.workbook)
        self.snap = workbook_rows.snapshot(self.office.workbook)
        self.logs.take()
        self.new_connector_traffic()

    def _reopen(self, case: Case) -> None:
        reopened = case.replace(
            status=Status.NY, handler="", comment="", handed_over_at=None,
            customer_number=STOCK_REGISTRATION["customerNumber"], cab_number=STOCK_REGISTRATION["cabNumber"],
            description=STOCK_REGISTRATION["description"], changed_at=self.office.clock(),
        )  # fmt: skip
        self.run(self.office.ledger.update(case, reopened))

    def _must(self, agent: Agent, verb: str, data: dict[str, Any]) -> None:
        answer = checks.check_invoke(*self.run(self.invoke(agent, verb, data)))
        assert not answer.refused, (verb, answer.body)

    # -- one example ------------------------------------------------------------------
    def example(self, draw: Draw) -> None:
        self.stock()
        happy = draw(_TWENTIETHS) in HAPPY
        agent, data = self.click(draw, self.verb, happy)
        answer = checks.check_invoke(*self.run(self.invoke(agent, self.verb, data)))
        self.stats["ran"] += 1
        self.stats["happy"] += happy
        self.after(agent, self.verb, data, answer)

    # Every example draws the same choices in the same order whatever the office
    # holds: Hypothesis replays choices, and refuses draws that depend on outside
    # state. The office's state only decides what the drawn choices mean.
    def click(
        self, draw: Draw, verb: str, happy: bool, agent: Agent | None = None
    ) -> tuple[Agent, dict[str, Any]]:
        spec = fields_by_verb()[verb]
        drawn_agent = self._agent(draw, verb, happy)
        data: dict[str, Any] = {}
        if "caseId" in spec.keys:
            keys, fitting_agent = self._case_keys(draw, verb, happy)
            data.update(keys)
            drawn_agent = fitting_agent or drawn_agent
        agent = agent or drawn_agent
        if "pending" in spec.keys:
            self._pending(draw, happy, data)
        for input_id, input_spec in spec.inputs.items():
            value = draw(field_value(input_spec, happy))
            if value is not MISSING:
                data[input_id] = value
        # As the button carries it, or left out.
        data.update({key: value for key, value in spec.fixed.items() if happy or draw(_FEW)})
        if verb == "signature" and happy:
            # One nobody has taken yet: Hypothesis would type "x0" again and again.
            spelling = draw(_SIGNATURE_SPELLINGS)
            fresh = f"xny{next(_fresh)}"
            data["signature"] = {"lower": fresh, "upper": fresh.upper()}.get(spelling, f" {fresh} ")
        for _ in range(draw(_FEW if happy else _SOME)):
            data[draw(extra_key)] = draw(junk)
        return agent, data

    def _agent(self, draw: Draw, verb: str, happy: bool) -> Agent:
        odds, signed = draw(_TENTHS), draw(_SIGNED_AGENTS)
        if verb == "signature":
            # Mostly a newcomer; a signed agent may also retype or change theirs.
            return self.fresh_agent() if odds < 8 else signed
        if not happy and odds == 0:
            return self.fresh_agent()
        return signed

    def _case_keys(self, draw: Draw, verb: str, happy: bool) -> tuple[dict[str, Any], Agent | None]:
        # Which case (an index into whatever the office holds), in what spelling,
        # with which version; or made-up keys. Drawn the same whatever the office holds.
        pick = draw(_PICKS)
        existing = happy or draw(_QUARTERS) > 0
        if existing:
            spelling = draw(_ID_SPELLINGS)
            version = None if happy or draw(_THIRDS) else draw(stale_versions)
        else:
            made_up = {"caseId": draw(made_up_ids), "version": draw(made_up_ids)}
        view = draw(_VIEWS)

        case, agent = None, None
        if happy:
            action = ACTION_OF.get(verb)
            signed = self.signed()
            fitting = [
                (c, a) for c in self._cases for a in SIGNED
                if action is None or action in allowed_actions(c, signed[a])
            ]  # fmt: skip
            if fitting:
                case, agent = fitting[pick % len(fitting)]
        elif existing and self._cases:
            case = self._cases[pick % len(self._cases)]
        keys: dict[str, Any] = {}
        if case is not None:
            keys["caseId"] = {"exact": case.case_id, "lower": case.case_id.lower()}.get(
                spelling, f" {case.case_id} "
            )
            keys["version"] = case.version if version is None else version
        elif not existing:
            keys.update({key: value for key, value in made_up.items() if value is not MISSING})
        if view is not MISSING:
            keys["view"] = view
        return keys, agent

    def _pending(self, draw: Draw, happy: bool, data: dict[str, Any]) -> None:
        """The click the signature form holds, to carry on with once the signature is given."""
        if not happy and draw(_THIRDS) == 0:
            data["pending"] = draw(_JUNK_PENDING)
            return
        verb = draw(_VERBS)
        _, inner = self.click(draw, verb, happy, agent=ANNA)
        data["pending"] = {"verb": verb, "data": inner}

    def after(self, agent: Agent, verb: str, data: dict[str, Any], answer: checks.Answer) -> None:
        """The checks after a click: rows, typed values kept, no customer data out, counts."""
        if verb not in ACTION_OF:  # the signature verb, or a click resumed after it
            self._signed = None
        # As the bot read it: two lone surrogates in a row arrive as one character.
        data = json.loads(json.dumps(data))
        key = workbook_rows.file_key(self.office.workbook)
        written = None
        if key != self.snap.key:
            now = workbook_rows.snapshot(self.office.workbook)
            written = workbook_rows.check(self.snap, now)
            self.snap = now
        tokens = checks.customer_tokens(data)
        tokens |= STOCK_TOKENS  # the stocked cases' data: never in a log or a post either
        checks.assert_not_in(tokens, checks.log_text(self.logs.take()), "the logs")
        checks.assert_not_in(tokens, self.new_connector_traffic(), "a post to the Bot Connector")
        if len(self.tokens_seen) < 20_000:  # for the look at the bot's state at the end
            longest = sorted(tokens - STOCK_TOKENS, key=len, reverse=True)[:5]
            self.tokens_seen |= {t for t in longest if t not in getattr(tokens, "safe", "")}
        card = answer.card
        if card is not None:
            spec = fields_by_verb().get(verb, VerbFields())
            if answer.refused:
                self.stats["refills checked"] += checks.check_refill(card, spec.inputs, data) > 0
            self._check_pending_kept(verb, data, card)
        self.stats["over 1 MiB"] += answer.body == TOO_LARGE
        self.stats["wrote a row"] += written is not None
        self.stats["refused" if answer.refused and written is None else "accepted"] += 1

    def _check_pending_kept(self, verb: str, data: dict[str, Any], card: dict[str, Any]) -> None:
        """Asked for a signature first: the click is kept in the form, to go on with."""
        save = buttons(card).get("signature")
        if save is None or verb == "signature":
            return
        pending = (save.get("data") or {}).get("pending") or {}
        assert pending.get("verb") == verb, pending
        carried = pending.get("data")
        assert isinstance(carried, dict), pending
        assert all(key in data and data[key] == value for key, value in carried.items()), (
            "the kept click changed"
        )
        if (
            len(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            <= PENDING_MAX
        ):
            assert carried == data, "the signature form left out part of a click that fits"
        self.stats["asked for a signature"] += 1

    def close(self) -> None:
        try:
            state = "\n".join(p.read_text("utf-8") for p in self.state_dir.glob("*.json"))
            checks.assert_not_in(self.tokens_seen, state, "bot state")
        finally:
            super().close()

"""Graph's refusals of the bot's app-only identity: told apart, and worked around where possible."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from cases.columns import WorkbookLayoutError
from graph.errors import AccessDenied, GraphError, Refusal, agent_error, graph_error
from graph.ledger import GraphLedger
from tests.contract.ledger_contract import claimed, registration
from tests.fakes.graph import FakeGraph, error_body
from tests.fakes.graph_refusals import SHAPES, refusal_body
from tests.fakes.graph_sessions import ENDINGS

MakeLedger = Callable[..., GraphLedger]


def refusal_of(shape: str) -> GraphError:
    status, body = refusal_body(shape)
    return graph_error(status, {}, body, "createSession")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_is_told_apart(shape: str) -> None:
    assert refusal_of(shape).refusal is Refusal(shape)


def test_the_wac_phrase_becomes_a_code_and_the_message_is_not_kept() -> None:
    error = refusal_of("wac")
    assert error.codes == ("AccessDenied", "wacAccessTokenUnavailable")
    assert "WAC access token" not in str(error) and "wacAccessTokenUnavailable" in str(error)


def test_only_a_refused_token_is_not_worked_around_without_a_session() -> None:
    assert [s for s in sorted(SHAPES) if not refusal_of(s).session_refused] == ["token"]
    assert graph_error(404, {}, None).refusal is None
    assert graph_error(503, {}, None).refusal is None


@pytest.mark.parametrize("code", sorted(ENDINGS))
def test_a_session_graph_ended_is_no_refusal_and_no_missing_table(code: str) -> None:
    """A 401 invalidSessionAuthentication is no refused token, a 403 …Restricted no
    missing permission, a 404 …ReCreatable no missing table: the session is over."""
    status, _ = ENDINGS[code]
    ended = graph_error(status, {}, error_body(status, inner=code), "header row")
    assert ended.refusal is None and not ended.denied and not ended.not_found
    assert not isinstance(agent_error("get", "", ended), AccessDenied | WorkbookLayoutError)


@pytest.mark.parametrize("shape", ["denied", "edit", "open", "wac"])
async def test_sessions_refused_in_any_shape_mean_working_without_one(
    fake_graph: FakeGraph, make_ledger: MakeLedger, shape: str
) -> None:
    fake_graph.refuse("createSession", shape)
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    assert await ledger.update(case, claimed(case)) == claimed(case)
    assert fake_graph.counts["createSession"] == 1  # asked once, not at every call
    assert fake_graph.sessionless_requests > 0 and not fake_graph.sessions


async def test_a_refused_token_is_not_taken_for_a_refused_session(
    fake_graph: FakeGraph, make_ledger: MakeLedger
) -> None:
    fake_graph.refuse("createSession", "token")
    ledger = make_ledger()
    with pytest.raises(AccessDenied):
        await ledger.warm_up()  # start-up waits for its session (a click would not)
    assert fake_graph.sessionless_requests == 0
    assert not ledger.session.sessionless


async def test_a_refused_write_tells_the_admin_which_shape(
    fake_graph: FakeGraph, make_ledger: MakeLedger, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = make_ledger()
    case = await ledger.add(registration(1))
    fake_graph.refuse("range.patch", "open")
    with caplog.at_level(logging.ERROR, "graph.errors"), pytest.raises(AccessDenied):
        await ledger.update(case, claimed(case))
    (record,) = [r for r in caplog.records if r.name == "graph.errors"]
    assert record.refusal == "open" and "check --write" in record.getMessage()  # type: ignore[attr-defined]
    assert "permissions to open" not in record.error  # type: ignore[attr-defined]

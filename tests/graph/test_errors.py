"""Reading Graph's error answers, and what each means for a retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from graph.config import GraphConfig
from graph.errors import GraphError, Retry, error_codes, parse_retry_after
from tests.fakes.graph import error_body


def test_codes_are_read_outermost_first() -> None:
    body = {
        "error": {
            "code": "conflict",
            "innerError": {"code": "accessConflict", "innerError": {"code": "EditModeDenied"}},
        }
    }
    assert error_codes(body) == ("conflict", "accessConflict", "EditModeDenied")
    assert error_codes(b"not json") == ()
    assert error_codes(None) == ()


def test_retry_after_is_seconds_or_an_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (parse_retry_after(later) or 0) <= 30
    # A date that names no zone ("-0000") is GMT, as HTTP dates are, not a TypeError.
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 02 Dec 2026 08:00:30 -0000", now=now) == 30.0


@pytest.mark.parametrize(
    ("status", "inner", "retry", "ambiguous"),
    [
        (429, "", Retry.THROTTLED, False),
        (503, "", Retry.TRANSIENT, False),
        (502, "", Retry.TRANSIENT, True),
        (504, "", Retry.TRANSIENT, True),
        (409, "accessConflict", Retry.ACCESS_CONFLICT, False),
        (404, "invalidSessionReCreatable", Retry.NEW_SESSION, False),
        (404, "itemNotFound", Retry.NEVER, False),
        (403, "", Retry.NEVER, False),
        (400, "invalidArgument", Retry.NEVER, False),
        (500, "transientFailure", Retry.TRANSIENT, False),
    ],
)
def test_what_each_answer_means(status: int, inner: str, retry: Retry, ambiguous: bool) -> None:
    error = GraphError(status, error_codes(error_body(status, inner=inner)))
    assert (error.retry, error.ambiguous) == (retry, ambiguous)


def test_an_error_says_codes_never_messages() -> None:
    error = GraphError(400, ("invalidRequest", "invalidArgument"), None, "write row")
    assert str(error) == "write row: HTTP 400 invalidRequest/invalidArgument"


def test_settings_problems_name_the_variable_to_set() -> None:
    assert GraphConfig().configured is False
    assert GraphConfig(group_id="g").problems() == []
    text = " ".join(
        GraphConfig(item_id="i", click_budget=6, base_url="http://graph.example").problems()
    )
    for variable in ("STORA_GRAPH_ITEM_ID", "STORA_GRAPH_CLICK_BUDGET", "STORA_GRAPH_BASE_URL"):
        assert variable in text
    assert (
        GraphConfig(group_id="g", folder="/Backoffice/", file_name="SÄ.xlsx").file_path
        == "Backoffice/SÄ.xlsx"
    )

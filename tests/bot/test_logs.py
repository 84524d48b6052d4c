"""Logs: JSON lines, correlation ids, and never a customer's data.

The end-to-end tests replay the agents' flows of ``test_lifecycle_e2e`` and
``test_commands_e2e`` with every logger at DEBUG, through the formatter
production uses, with msrest's HTTP body logging switched on as a client
might. Then they look for each value an agent typed in the whole output.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Awaitable, Callable

import pytest

from bot import logs
from bot.logs import configure_logging, format_exception, log_context
from tests.bot import test_commands_e2e as commands
from tests.bot import test_lifecycle_e2e as lifecycle
from tests.bot.conftest import ANNA, Office

# Everything the flows below type that belongs to a customer, or to an agent's
# free text about one: customer and CAB numbers, descriptions, hand-over notes,
# e-mail greetings and contents. Installation IDs are caught by pattern.
CUSTOMER_DATA = (
    "5012345",
    "5012346",
    "5099999",
    "9876543",
    "22 fakturaadresser",
    "22 adresser",
    "Klar med 10 av 22",
    "Fastighets AB",
    "Gatunamnet",
    "111 11 Staden",
    "BRF Eken",
    "faktureringsintervall till kvartal",
    "Vi har nu ändrat",
    "Jag kan se att ni även har avtal",
)
INSTALLATION_ID = re.compile(r"735999\d{12}")

FLOWS: dict[str, Callable[[Office], Awaitable[None]]] = {
    "lifecycle": lifecycle.test_full_lifecycle_by_three_agents,
    "signature asked once": lifecycle.test_a_user_without_a_signature_is_asked_once_and_then_the_click_goes_through,
    "stale card": lifecycle.test_a_stale_card_applies_nothing_and_shows_the_current_state,
    "busy workbook": lifecycle.test_a_busy_workbook_saves_nothing_and_keeps_what_was_typed,
    "e-mail": commands.test_email_command_drafts_the_confirmation_mail,
    "correct": commands.test_correct_lets_the_registrant_fix_a_typo,
    "queue": commands.test_queue_groups_open_cases_with_handler_and_age_but_no_customer_data,
    "bad registration": commands.test_a_bad_registration_is_refused_next_to_each_field_with_values_kept,
}


@pytest.fixture
def debug_output(restore_logging: None, monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Every logger at DEBUG into a buffer, as ``python -m bot`` sets it up, bodies logged."""
    from msrest.pipeline.universal import HTTPLogger

    # What a client with enable_http_logger=True does: msrest prints every body.
    monkeypatch.setattr(
        HTTPLogger, "__init__", lambda self, *a, **k: setattr(self, "enable_http_logger", True)
    )
    buffer = io.StringIO()
    configure_logging("DEBUG", "json", stream=buffer)
    return buffer


def leaks(output: str) -> list[str]:
    found = [value for value in CUSTOMER_DATA if value in output]
    found += INSTALLATION_ID.findall(output)
    return found


@pytest.mark.parametrize("flow", list(FLOWS))
async def test_no_customer_data_in_the_logs_at_debug(
    office: Office, debug_output: io.StringIO, flow: str
) -> None:
    await FLOWS[flow](office)
    output = debug_output.getvalue()
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records) > 10, "the flow logged too little to prove anything"
    assert {r["logger"].split(".")[0] for r in records} >= {"bot", "aiohttp", "msrest"}
    assert leaks(output) == []


async def test_the_check_would_see_a_leak_without_the_caps(
    office: Office, debug_output: io.StringIO
) -> None:
    # The same set-up with msrest's http logger let through: the body of the
    # card posted to the channel reaches the log. The channel's card holds no
    # customer data (it is in per-user views only), so its title is the witness
    # that any value in a posted body would be seen.
    logging.getLogger("msrest.http_logger").setLevel(logging.DEBUG)
    await lifecycle.register_case(office)
    bodies = [
        json.loads(line)["message"]
        for line in debug_output.getvalue().splitlines()
        if json.loads(line)["logger"] == "msrest.http_logger"
    ]
    assert any("AdaptiveCard" in body and "SA-000001" in body for body in bodies)


async def test_each_activity_and_each_case_action_has_its_own_correlation_id(
    office: Office, debug_output: io.StringIO
) -> None:
    await lifecycle.register_case(office)
    records = [json.loads(line) for line in debug_output.getvalue().splitlines()]
    ours = [r for r in records if r["logger"].startswith(("bot.handler", "bot.actions"))]
    assert ours and all(r.get("correlation_id") for r in ours), ours
    assert len({r["correlation_id"] for r in ours}) >= 2  # the command, the clicks
    registered = next(r for r in ours if r["message"] == "registered")
    assert registered["case_id"] == "SA-000001"
    done = [r for r in ours if r["message"] == "action done"]
    assert done and all(r["action_id"] and r["verb"] for r in done)
    # The ledger's own lines, logged from a worker thread, carry the action's id.
    saved = [r for r in records if r["message"].startswith("Saved workbook")]
    assert saved and all(r.get("action_id") for r in saved)
    # The SDK's lines inside a turn carry the activity's id too.
    sdk = [r for r in records if r["logger"].startswith("msrest") and r.get("correlation_id")]
    assert sdk


def test_a_line_is_one_json_object_with_time_level_logger_message_and_fields(
    restore_logging: None,
) -> None:
    buffer = io.StringIO()
    configure_logging("INFO", "json", stream=buffer)
    with log_context(correlation_id="c1", case_id="SA-000007"):
        logging.getLogger("bot.test").info("action done", extra={"verb": "claim"})
    (record,) = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert list(record)[:4] == ["time", "level", "logger", "message"]
    assert record["level"] == "INFO" and record["logger"] == "bot.test"
    assert (record["verb"], record["correlation_id"], record["case_id"]) == (
        "claim",
        "c1",
        "SA-000007",
    )
    assert record["time"].endswith("+00:00")


def test_the_text_format_puts_the_ids_at_the_end(restore_logging: None) -> None:
    buffer = io.StringIO()
    configure_logging("INFO", "text", stream=buffer)
    with log_context(correlation_id="c1"):
        logging.getLogger("bot.test").info("command")
    assert buffer.getvalue().rstrip().endswith("INFO bot.test command [correlation_id=c1]")


def test_an_exception_is_logged_without_its_message_unless_that_is_known_safe() -> None:
    from cases.errors import NotAllowed

    def caught(error: BaseException) -> str:
        try:
            raise error
        except BaseException as exc:  # noqa: BLE001
            return format_exception((type(exc), exc, exc.__traceback__))

    unsafe = caught(ValueError("invalid literal for int(): '5012345x'"))
    assert "5012345" not in unsafe and "builtins.ValueError" in unsafe and "raise error" in unsafe
    assert "Bara den som registrerade" in caught(
        NotAllowed("Bara den som registrerade", "Only the registrant")
    )
    assert "Connection refused" in caught(ConnectionRefusedError("Connection refused"))
    assert "7359991020000000" not in caught(OSError("bad 735999102000000017"))


def test_a_chained_exception_shows_both_tracebacks() -> None:
    typed = "5012345"
    try:
        try:
            raise KeyError(typed)
        except KeyError as inner:
            raise RuntimeError(f"wrapped {typed}") from inner
    except RuntimeError as exc:
        text = format_exception((type(exc), exc, exc.__traceback__))
    assert "builtins.KeyError" in text and "builtins.RuntimeError" in text
    assert "direct cause" in text
    assert typed not in text


def test_configuring_twice_keeps_one_handler(restore_logging: None) -> None:
    configure_logging("INFO", "json", stream=io.StringIO())
    configure_logging("DEBUG", "text", stream=io.StringIO())
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_stora_arenden_handler", False)]
    assert len(ours) == 1
    assert logging.getLogger("msrest.http_logger").getEffectiveLevel() == logging.WARNING


FORGED_LINE = "2026-12-01 12:00:00,000 INFO bot.actions.routing action done"


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_a_request_cannot_write_a_log_line_of_its_own(
    office: Office, restore_logging: None, fmt: logs.LogFormat
) -> None:
    buffer = io.StringIO()
    configure_logging("DEBUG", fmt, stream=buffer)
    post = await office.say(ANNA, "hjälp")
    await office.invoke(ANNA, post, f"claim\n{FORGED_LINE}", {})
    await office.invoke(ANNA, post, "claim", {"caseId": f"SA-1\r\n{FORGED_LINE}\x00\u202e\u2028"})
    output = buffer.getvalue()
    lines = output.splitlines()
    assert not any(line.startswith(FORGED_LINE) for line in lines)
    for char in ("\x00", "\r", "\u202e", "\u2028"):
        assert char not in output
    if fmt == "json":
        decoded = [json.loads(line) for line in lines]
        values = [v for record in decoded for v in record.values() if isinstance(v, str)]
        assert not any(("\n" in v or "\x00" in v) for v in values)
    escaped = "\\\\n" if fmt == "json" else "\\n"
    assert f"claim{escaped}2026-12-01" in output, (
        "the forged text is kept, escaped, on its own line"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("nul\x00", "nul\\x00"),
        ("bell\x07", "bell\\x07"),
        ("del\x7f", "del\\x7f"),
        ("c1\x85", "c1\\x85"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\u2028sep", "line\\u2028sep"),
        ("åäö ÅÄÖ é", "åäö ÅÄÖ é"),
        ("nbsp\u00a0kept", "nbsp\u00a0kept"),
    ],
)
def test_escape_keeps_text_on_one_line_and_leaves_letters_alone(raw: str, shown: str) -> None:
    assert logs.escape(raw) == shown

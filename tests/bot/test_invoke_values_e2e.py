"""An ``adaptiveCard/action`` invoke whose ``value`` is not what Teams sends, over real HTTP.

Teams sends ``{"action": {"type": "Action.Execute", "verb": "...", "data": {...}}}``.
A broken or crafted client can put anything in each place. The endpoint refuses
what is not that shape as a malformed activity (HTTP 400, bot/envelope.py); the
dispatcher behind it reads anything else as an unknown button, never crashes.
"""

from __future__ import annotations

from typing import Any

import pytest

from cards.texts import t
from tests.bot.conftest import ANNA, Office
from tests.cards.forms import error_under, input_and_next
from tests.fakes import teams
from tests.fakes.cardwalk import buttons, texts

ERROR = "application/vnd.microsoft.error"


async def invoke_with_value(office: Office, value: Any) -> tuple[int, Any]:
    activity = teams.card_action(
        ANNA, office.connector.url, conversation_id=f"{teams.CHANNEL};messageid=1", reply_to="1",
        verb="", data={},
    )  # fmt: skip
    activity["value"] = value
    return await office.post(activity)


@pytest.mark.parametrize(
    "value",
    [
        "claim", ["claim"], 17, True,
        {"action": "claim"}, {"action": ["claim"]}, {"action": 3},
        {"action": {"verb": ["claim"]}}, {"action": {"verb": {"name": "claim"}}}, {"action": {"verb": 5}},
        {"action": {"verb": None, "data": "x"}}, {"verb": "claim", "data": {}},
    ],
)  # fmt: skip
async def test_a_value_of_the_wrong_shape_is_a_malformed_activity(
    office: Office, value: Any
) -> None:
    status, body = await invoke_with_value(office, value)
    assert (status, body) == (400, {"error": {"code": "activity_invalid"}})


async def test_an_empty_verb_is_an_unknown_button(office: Office) -> None:
    status, body = await invoke_with_value(office, {"action": {"verb": "", "data": {}}})
    assert status == 200
    assert body["type"] == ERROR and body["statusCode"] == 400, body
    assert body["value"]["message"] == t("unknown_action", "sv-SE")


@pytest.mark.parametrize("data", [["caseId", "SA-000001"], "SA-000001", 7])
async def test_data_that_is_not_an_object_is_a_malformed_activity(
    office: Office, data: Any
) -> None:
    action = {"action": {"type": "Action.Execute", "verb": "triage", "data": data}}
    assert await invoke_with_value(office, action) == (400, {"error": {"code": "activity_invalid"}})


async def test_no_data_at_all_reads_as_no_data(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    action = {"action": {"type": "Action.Execute", "verb": "triage", "data": None}}
    status, body = await invoke_with_value(office, action)
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body


@pytest.mark.parametrize(
    "pending",
    ["claim", ["claim", {}], [["verb", "claim"]], 5, {"verb": ["claim"]}, {"verb": {"a": 1}, "data": {}},
     {"verb": "triage", "data": "changeCount=20"}, {"verb": "triage", "data": [["changeCount", "20"]]},
     {"verb": "\u200e" * 10_000, "data": {}}],
)  # fmt: skip
async def test_a_signature_form_keeping_no_real_click_still_saves_the_signature(
    office: Office, pending: Any
) -> None:
    data = {"signature": "xanna", "pending": pending}
    status, body = await invoke_with_value(
        office, {"action": {"type": "Action.Execute", "verb": "signature", "data": data}}
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    bad = {"signature": "nope", "pending": pending}
    status, body = await invoke_with_value(
        office, {"action": {"type": "Action.Execute", "verb": "signature", "data": bad}}
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
    kept = buttons(body["value"])["signature"]["data"]["pending"]
    assert kept in ({}, {"verb": "triage", "data": {}}), kept


async def test_only_text_and_numbers_count_as_typed(office: Office) -> None:
    """A JSON object is not stored as its Python spelling, nor shown back; a number is its digits."""
    await office.sign_up(ANNA, "xanna")
    data = {
        "customerNumber": 5012345, "cabNumber": ["9876543"], "description": {"text": "22 adresser"},
        "changeCount": "22", "changeKind": "faktura", "customerKind": "företag",
    }  # fmt: skip
    status, body = await invoke_with_value(
        office, {"action": {"type": "Action.Execute", "verb": "register", "data": data}}
    )
    assert status == 200
    form = body["value"]
    assert error_under(form, "cabNumber") and error_under(form, "description")
    assert not error_under(form, "customerNumber")
    assert input_and_next(form, "customerNumber")[0]["value"] == "5012345"
    assert "value" not in input_and_next(form, "description")[0]
    assert "value" not in input_and_next(form, "cabNumber")[0]
    assert not office.workbook.exists() or "22 adresser" not in str(await office.ledger.list())


@pytest.mark.parametrize(
    "case_id", ["x" * 100_000, "SA-" + "1" * 5_000, '=HYPERLINK("https://evil.example")', "", 42]
)
async def test_a_case_button_without_an_arende_id_says_so_and_repeats_nothing(
    office: Office, case_id: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await office.sign_up(ANNA, "xanna")
    for verb in ("details", "claim", "close", "close.review"):
        data = {"caseId": case_id, "version": "0", "changedIds": "x"}
        status, body = await invoke_with_value(
            office, {"action": {"type": "Action.Execute", "verb": verb, "data": data}}
        )
        assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive", body
        shown = texts(body["value"])
        assert shown == t("no_case", "sv-SE")
    assert not any(str(case_id) in str(record.__dict__) for record in caplog.records if case_id)

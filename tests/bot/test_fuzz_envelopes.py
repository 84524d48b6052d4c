"""Fuzzing the activity envelope: fields missing, of the wrong type, or full of junk.

Real Teams activities (messages, clicks, installations) are mutated by
hypothesis: keys deleted, values swapped for other JSON, text full of control
characters, bidirectional marks, formula-like text and 100 kB strings. Each is
posted to the real app over HTTP. Whatever comes, the bot answers with a
status that says what happened (never a 5xx), no turn crashes, nothing logs a
traceback, and the workbook is untouched.

``STORA_FUZZ_EXAMPLES`` sets the number of examples (1,000 under CI=true).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import io
import os
from pathlib import Path
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from tests.bot.conftest import ANNA, seat_team, serve
from tests.bot.hostile import log_output, records, send
from tests.fakes import teams
from tests.fakes.connector import FakeConnector

EXAMPLES = int(os.environ.get("STORA_FUZZ_EXAMPLES") or (1000 if os.environ.get("CI") else 200))

PATHS = (
    "type", "id", "serviceUrl", "channelId", "from", "from.id", "from.aadObjectId", "from.name",
    "recipient", "recipient.id", "conversation", "conversation.id", "conversation.tenantId",
    "conversation.conversationType", "channelData", "channelData.tenant", "channelData.tenant.id",
    "channelData.team", "channelData.team.id", "channelData.team.aadGroupId", "channelData.channel",
    "channelData.source", "channelData.settings", "channelData.settings.selectedChannel",
    "channelData.teamsTeamId", "channelData.teamsChannelId", "channelData.eventType",
    "text", "textFormat", "entities", "entities.-1", "entities.-1.locale", "entities.-1.type", "value", "value.action", "value.action.verb",
    "value.action.data", "name", "locale", "replyToId", "timestamp", "action", "membersAdded",
    "attachments",
)  # fmt: skip
STATUSES = {200, 201, 400, 403, 415}
REASONS = {
    "body_not_json",
    "body_not_object",
    "body_too_deep",
    "body_invalid_text",
    "activity_invalid",
    "invoke_not_supported",
}

LONG = "<100 kB>"
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1", "\u202eevil", "\u200b",
        "a\nb\r\nc", "\x00\x07\x1b[31m", "SA-000001", "registrera", "kö", "\ufeff", "\u2028",
    ]),
    st.just(LONG),  # stands for 100 kB of text (see _expand), to keep failure reports short
)  # fmt: skip
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
MUTATION = st.tuples(st.sampled_from(PATHS), st.sampled_from(["delete", "replace"]), JUNK)
KINDS = ("message", "personal", "click", "installation", "bot added")


def _base(kind: str, url: str) -> dict[str, Any]:
    if kind == "message":
        return teams.channel_post(ANNA, url, "hjälp")
    if kind == "personal":
        return teams.personal_message(ANNA, url, "kö")
    if kind == "click":
        return teams.card_action(
            ANNA, url, conversation_id=f"{teams.CHANNEL};messageid=1", reply_to="1",
            verb="refresh", data={"caseId": "SA-000001"},
        )  # fmt: skip
    if kind == "installation":
        return teams.installed_in_team(ANNA, url)
    return teams.bot_added_to_team(ANNA, url)


def _mutate(activity: dict[str, Any], path: str, how: str, junk: Any) -> None:
    """Delete or replace what ``path`` names ("a.b", or "entities.-1" for a list's last item)."""
    *parents, last = path.split(".")
    node: Any = activity
    for key in parents:
        node = _child(node, key)
        if not isinstance(node, dict | list):
            return
    if isinstance(node, list):
        if not node or not last.lstrip("-").isdigit():
            return
        index = int(last)
        if how == "delete":
            del node[index]
        else:
            node[index] = _expand(junk)
    elif how == "delete":
        node.pop(last, None)
    else:
        node[last] = _expand(junk)


def _child(node: Any, key: str) -> Any:
    if isinstance(node, list):
        return node[int(key)] if node and key.lstrip("-").isdigit() else None
    return node.get(key) if isinstance(node, dict) else None


def _expand(junk: Any) -> Any:
    if junk == LONG:
        return "x" * 100_000
    if isinstance(junk, list):
        return [_expand(item) for item in junk]
    if isinstance(junk, dict):
        return {key: _expand(value) for key, value in junk.items()}
    return junk


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def test_no_envelope_crashes_the_bot(tmp_path: Path, restore_logging: None) -> None:
    loop = asyncio.new_event_loop()
    counts = {"examples": 0, **{str(s): 0 for s in sorted(STATUSES)}}
    output: io.StringIO = log_output()

    async def run() -> None:
        connector = FakeConnector()
        await connector.start()
        seat_team(connector)
        config = Settings(
            _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "state",
            STORA_WORKBOOK=tmp_path / "wb.xlsx", STORA_TENANT_ID=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
        )  # fmt: skip
        async with aiohttp.ClientSession() as session, serve(config, connector, session) as office:
            await office.say(ANNA, "kö")  # the workbook is created at its first read
            before = _hash(office.workbook)

            @settings(
                max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )  # fmt: skip
            @given(
                kind=st.sampled_from(KINDS), mutations=st.lists(MUTATION, min_size=1, max_size=4)
            )
            def one(kind: str, mutations: list[tuple[str, str, Any]]) -> None:
                activity = copy.deepcopy(_base(kind, connector.url))  # it shares teams.BOT
                output.seek(0)
                output.truncate()
                for path, how, junk in mutations:
                    _mutate(activity, path, how, junk)
                answer = asyncio.run_coroutine_threadsafe(
                    send(session, office.url, activity), loop
                ).result()
                counts["examples"] += 1
                counts[str(answer.status)] = counts.get(str(answer.status), 0) + 1
                assert answer.status in STATUSES, (answer.status, answer.body)
                if answer.status == 400:
                    assert answer.body["error"]["code"] in REASONS
                crashed = [r for r in records(output) if r["level"] == "ERROR" or "exc_info" in r]
                assert crashed == [], crashed[:1]

            await asyncio.to_thread(one)
            assert _hash(office.workbook) == before, "no envelope may change the workbook"
        await connector.stop()

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    print(f"\nenvelope fuzzing: {counts['examples']} activities, answers by status: "
          + ", ".join(f"{k}: {v}" for k, v in counts.items() if k != "examples" and v))  # fmt: skip
    assert counts["examples"] >= EXAMPLES

"""Text messages to the bot: commands in any spelling, with anything after them, or anything at all.

Every message gets one answer, a valid card within Teams' size, never the
words of a crash. What was typed is in no log line and is not repeated in the
channel (only a released signature, once validated, is named back to the
admin). Messages never change the workbook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import _LOOKUP, parse
from cases import validation
from cases.errors import InvalidInput
from tests.fakes import teams
from tests.fakes.teams import Agent

from . import checks, workbook_rows
from .clicks import SIGNED, STOCK_TOKENS, FuzzOffice
from .conftest import FUZZ, REPORT, examples
from .payloads import BIDI, big_text, mixed_text, signatures, special

ALIASES = sorted(_LOOKUP)
ADMIN = next(iter(SIGNED))  # ANNA

spelled = st.builds(
    lambda alias, style: {"lower": alias, "upper": alias.upper(), "title": alias.title()}[style],
    st.sampled_from(ALIASES),
    st.sampled_from(["lower", "upper", "title"]),
)
lead = st.sampled_from(
    ["", " ", "\t", "\n", "\u00a0", "<at>Stora ärenden</at> ", "<at></at>", *BIDI[:4]]
)
argument = st.one_of(st.just(""), signatures, mixed_text, big_text(), special)
commands = st.builds(
    lambda before, word, gap, rest: before + word + gap + rest,
    lead,
    spelled,
    st.sampled_from([" ", "", "\n", "\u00a0", "  ", "\u3000"]),
    argument,
)
mentions = st.builds(
    lambda unit, n, tail: unit * n + tail,
    st.sampled_from(["<at>", "<at>x", "</at>", "<AT>a</at>", "<at>\n"]),
    st.sampled_from([1, 50, 2_000, 25_000]),
    st.one_of(st.just(""), spelled),
)
texts = st.one_of(commands, commands, mixed_text, big_text(), st.text(), mentions)


@pytest.fixture(scope="module")
def chat_office(fuzz_root: Path) -> Iterator[FuzzOffice]:
    office = FuzzOffice(fuzz_root / "text", "(message text)", admins=ADMIN.aad_object_id)
    try:
        yield office
    finally:
        office.close()
        REPORT["(message text)"] = office.stats


def typed_tokens(text: str) -> set[str]:
    """What was typed that the bot must not repeat or log: not the command, nor a valid signature."""
    found = set()
    words = sorted({word[:200] for word in text.split() if len(word) >= 8}, key=len, reverse=True)
    for token in words[: checks.TOKENS_PER_VALUE]:
        if len(set(token)) < 4 or token.lower() in _LOOKUP:
            continue
        try:
            validation.signature(token)
        except InvalidInput:
            found.add(token[:200])
    return found


@FUZZ
@given(text=texts, who=st.integers(0, 9), personal=st.booleans())
def test_any_text_gets_one_clear_answer(
    chat_office: FuzzOffice, text: str, who: int, personal: bool
) -> None:
    office = chat_office
    office.stock()  # cases for kö and mina to list, with customer data they must not show
    agent: Agent = office.fresh_agent() if who == 0 else list(SIGNED)[who % len(SIGNED)]
    make = teams.personal_message if personal else teams.channel_post
    before = set(office.office.connector.posts)
    status, _ = office.run(office.post(make(agent, office.office.connector.url, text)))
    assert status in (200, 201), status
    replies = [p for key, p in office.office.connector.posts.items() if key not in before]
    assert len(replies) == 1, f"{len(replies)} answers"
    (reply,) = replies
    assert not any(crash in reply.text for crash in checks.CRASH_TEXTS), "the bot crashed"
    checks.assert_card(reply.card)
    checks.check_size(reply.activity)
    tokens = typed_tokens(text) | STOCK_TOKENS
    checks.assert_not_in(tokens, checks.log_text(office.logs.take()), "the logs")
    checks.assert_not_in(tokens, office.new_connector_traffic(), "the answer in the channel")
    assert workbook_rows.file_key(office.office.workbook) == office.snap.key, (
        "a message changed the workbook"
    )
    office.stats["ran"] += 1
    office.stats[f"cmd {parse(' '.join(text.split()).lower()).value}"] += 1


def test_enough_texts_ran(chat_office: FuzzOffice) -> None:
    assert chat_office.stats["ran"] >= examples(), chat_office.stats

"""Every registered verb, clicked a thousand times with hostile data, over real HTTP.

Each verb gets its own office (the bot's app, the fake Bot Connector, a local
workbook), reused for all its examples. See ``clicks.py`` for what one example
does and checks, ``payloads.py`` for what it sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.lifecycle import Action

from .clicks import FuzzOffice
from .conftest import FUZZ, REPORT, examples
from .fields import all_verbs, fields_by_verb

# Verbs whose happy path stores a change: their examples must have written rows.
WRITERS = {action.value for action in Action} | {"register", "takeover.confirm"}


@pytest.fixture(scope="module", params=all_verbs())
def verb_office(request: pytest.FixtureRequest, fuzz_root: Path) -> Iterator[FuzzOffice]:
    verb = request.param
    office = FuzzOffice(fuzz_root / verb, verb)
    try:
        yield office
    finally:
        office.close()
        REPORT[verb] = office.stats


def test_every_registered_verb_is_on_a_card_with_its_fields() -> None:
    for verb, spec in fields_by_verb().items():
        assert spec.seen, f"{verb}: on no card, so its fields are unknown"


@FUZZ
@given(data=st.data())
def test_a_verb_answers_every_click_and_leaves_whole_rows(
    verb_office: FuzzOffice, data: st.DataObject
) -> None:
    verb_office.example(data.draw)


def test_enough_ran_and_wrote(verb_office: FuzzOffice) -> None:
    stats = verb_office.stats
    assert stats["ran"] >= examples(), stats
    if verb_office.verb in WRITERS and stats["ran"] >= 200:
        assert stats["wrote a row"] >= stats["ran"] // 50, stats

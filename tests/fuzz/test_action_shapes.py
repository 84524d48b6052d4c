"""The shape of the invoke's ``value`` itself: not an object, no action, a verb that is not a string.

Teams sends ``{"action": {"type": "Action.Execute", "verb": ..., "data": {...}}}``;
a crafted or broken client may send anything in its place. Whatever comes,
the answer is a clear 4xx in the body or a card, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from . import checks
from .clicks import SIGNED, FuzzOffice
from .conftest import FUZZ, REPORT, examples
from .fields import all_verbs
from .payloads import MISSING, json_value, junk, small_text

verbs = st.one_of(
    st.sampled_from(all_verbs()), st.sampled_from(["", " claim", "CLAIM", "claim\x00"]), junk
)
data_shapes = st.one_of(
    st.just(MISSING), json_value, junk,
    st.dictionaries(st.sampled_from(["caseId", "version", "signature", "pending", "note"]), json_value, max_size=4),
)  # fmt: skip


@st.composite
def values(draw: st.DrawFn) -> Any:
    """Any JSON for ``value``, mostly close to what Teams sends."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(junk)
    action: Any = {}
    for key, strategy in (
        ("type", st.sampled_from(["Action.Execute", "Action.Submit", 1])),
        ("verb", verbs),
        ("data", data_shapes),
    ):
        chosen = draw(strategy)
        if chosen is not MISSING:
            action[key] = chosen
    if kind == 1:
        action = draw(st.one_of(junk, st.just(MISSING)))
    value: dict[str, Any] = {} if action is MISSING else {"action": action}
    if kind == 2:  # Action.Submit's shape: the data at the top
        value = dict(action) if isinstance(action, dict) else {"data": action}
    for _ in range(draw(st.integers(0, 2))):
        value[draw(st.one_of(small_text, st.sampled_from(["trigger", "action", "verb"])))] = draw(
            junk
        )
    return value


@pytest.fixture(scope="module")
def shapes_office(fuzz_root: Path) -> Iterator[FuzzOffice]:
    office = FuzzOffice(fuzz_root / "shapes", "(value shapes)")
    try:
        yield office
    finally:
        office.close()
        REPORT["(value shapes)"] = office.stats


@FUZZ
@given(value=values(), signed=st.sampled_from(list(SIGNED)))
def test_any_value_shape_gets_a_clear_answer(
    shapes_office: FuzzOffice, value: Any, signed: Any
) -> None:
    office = shapes_office
    office.stock()
    answer = checks.check_invoke(*office.run(office.invoke_value(signed, value)))
    office.stats["ran"] += 1
    action = value.get("action") if isinstance(value, dict) else None
    verb = action.get("verb") if isinstance(action, dict) else None
    data = action.get("data") if isinstance(action, dict) else None
    office.after(
        signed,
        verb if isinstance(verb, str) else "",
        data if isinstance(data, dict) else {},
        answer,
    )


def test_enough_shapes_ran(shapes_office: FuzzOffice) -> None:
    assert shapes_office.stats["ran"] >= examples(), shapes_office.stats

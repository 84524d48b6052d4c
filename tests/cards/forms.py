"""Reading a form card the way the agent sees it: each input, and what sits right under it."""

from __future__ import annotations

from typing import Any

from tests.fakes.cardwalk import shown, walk


def input_and_next(
    card: dict[str, Any], input_id: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The input with ``input_id`` and the element drawn right after it."""
    for node in walk(card):
        for key in ("body", "items"):
            siblings = node.get(key)
            if not isinstance(siblings, list):
                continue
            for index, element in enumerate(siblings):
                if isinstance(element, dict) and element.get("id") == input_id:
                    following = siblings[index + 1] if index + 1 < len(siblings) else None
                    return element, following
    raise AssertionError(f"no input {input_id!r} in the card")


def error_under(card: dict[str, Any], input_id: str) -> str | None:
    """The error message shown right under the input, if any."""
    _, following = input_and_next(card, input_id)
    if following and following.get("id") == f"{input_id}Error":
        runs = following["inlines"]
        assert all(run["color"] == "Attention" for run in runs), following
        return shown(following)
    return None


def assert_refilled(card: dict[str, Any], values: dict[str, str]) -> None:
    for input_id, typed in values.items():
        element, _ = input_and_next(card, input_id)
        shown = element.get("value")
        if element["type"] == "Input.Number":
            assert float(shown) == float(typed), (input_id, shown)
        else:
            assert shown == typed, (input_id, shown)


def assert_errors_in_place(card: dict[str, Any], errors: dict[str, str]) -> None:
    for input_id, message in errors.items():
        assert error_under(card, input_id) == message, input_id

"""Reading cards the way an agent does: which buttons, which inputs, which texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Verb -> the Action.Execute, for the card's visible buttons (not its refresh action)."""
    found = {}
    for key in ("body", "actions"):
        for node in walk(card.get(key)):
            if node.get("type") == "Action.Execute" and node.get("verb"):
                found[node["verb"]] = node
    return found


def verbs(card: dict[str, Any]) -> set[str]:
    return set(buttons(card))


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["id"]: n for n in walk(card) if str(n.get("type", "")).startswith("Input.") and "id" in n
    }


def shown(element: dict[str, Any]) -> str:
    """The text of a TextBlock, or of a RichTextBlock's runs read as the one line they make."""
    if element.get("type") == "RichTextBlock":
        return "".join(run if isinstance(run, str) else run["text"] for run in element["inlines"])
    return element["text"]


def texts(card: dict[str, Any]) -> str:
    """Every text the card shows, joined: TextBlocks, facts, labels, button titles."""
    parts = []
    for node in walk(card):
        if node.get("type") == "RichTextBlock":
            parts.append(shown(node))
            continue
        if node.get("type") == "TextRun":
            continue  # read with its RichTextBlock
        for key in ("text", "title", "value", "label", "placeholder"):
            if isinstance(node.get(key), str):
                parts.append(node[key])
    return "\n".join(parts)

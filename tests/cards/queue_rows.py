"""Reading the queue card as an agent does: each case's line and the buttons under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_ID = re.compile(r"^(?P<id>SA-[0-9]+) · (?P<text>.*)$", re.DOTALL)


@dataclass
class Row:
    case_id: str
    text: str
    buttons: dict[str, dict[str, Any]] = field(default_factory=dict)  # verb -> Action.Execute


def _elements(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The card's elements in reading order, those inside a Container included."""
    flat = []
    for element in items:
        flat.append(element)
        if element.get("type") == "Container":
            flat += _elements(element.get("items") or [])
    return flat


def queue_rows(card: dict[str, Any]) -> list[Row]:
    """The cases in the order the card lists them (the queue's, or a search's): each
    case's line with the buttons under it, and the cases listed one line each."""
    rows: list[Row] = []
    for element in _elements(card["body"]):
        kind = element.get("type")
        if kind == "TextBlock" and (found := _ID.match(element["text"])):
            rows.append(Row(found["id"], found["text"]))
        elif kind == "ActionSet" and rows and not rows[-1].buttons:
            rows[-1].buttons = {a["verb"]: a for a in element["actions"] if a.get("verb")}
        elif kind == "FactSet":
            listed = [f for f in element["facts"] if re.fullmatch("SA-[0-9]+", f["title"])]
            rows += [Row(fact["title"], fact["value"]) for fact in listed]
    return rows


def row_of(card: dict[str, Any], case_id: str) -> Row:
    (row,) = [r for r in queue_rows(card) if r.case_id == case_id]
    return row

"""Checking card JSON against the official Adaptive Card 1.5 schema.

Reusable: the bot's end-to-end tests call ``assert_valid_card`` on every card
the bot sends. The schema is the one shipped in the ``adaptivecard`` package
(``adaptivecard/schemas/schema.json``, JSON Schema draft 6). Its objects have
``additionalProperties: false``, so anything that is not Adaptive Cards 1.5
(Teams' ``msteams``, 1.6 properties, a misspelt key) fails.

One Teams element is let through, honestly: ``CodeBlock`` (``cards.copy``).
Teams documents it on its own page only, not in that schema
(MicrosoftDocs/msteams-docs#12239). Each one is checked against the properties
that page gives, and then replaced by its ``fallback``, as a client without it
renders the card; what results must be a valid 1.5 card. Teams' charts
(``Chart.*``, ``cards.stats``) are let through the same way.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, get_args

from jsonschema import Draft6Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from microsoft_teams.cards import (
    CodeLanguage,
    DonutChart,
    GroupedVerticalBarChart,
    LineChart,
    VerticalBarChart,
)
from pydantic import BaseModel

CARD_VERSION = "1.5"

_JSON_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})


@cache
def card_schema() -> dict[str, Any]:
    text = resources.files("adaptivecard").joinpath("schemas/schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft6Validator:
    schema = card_schema()
    # The schema also names element types as JSON types ({"type": "Input.Text"}),
    # a hint for typed SDKs that lets an object of that class stand in. A JSON
    # document is never one, so those "types" match nothing and every element
    # is checked against its object definition.
    names = _type_names(schema) - _JSON_TYPES
    checker = Draft6Validator.TYPE_CHECKER.redefine_many(
        {name: (lambda _checker, _instance: False) for name in names}
    )
    return validators.extend(Draft6Validator, type_checker=checker)(schema)


def _type_names(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, str):
            found.add(kind)
        for value in node.values():
            found |= _type_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= _type_names(item)
    return found


def card_errors(card_json: Any) -> list[ValidationError]:
    return list(_validator().iter_errors(card_json))


# -- Teams' CodeBlock ------------------------------------------------------------
#
# https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#codeblock-in-adaptive-cards
# documents ``codeSnippet`` (string, required), ``language`` (enum, required;
# "PlainText" for plain text) and ``startLineNumber`` (number). The enum's
# spellings are those of Microsoft's own SDK (microsoft-teams-cards,
# ``CodeLanguage``): the page lists the languages by name only. Besides these,
# only ``id`` and ``fallback``, which every element has; the page is silent on the
# others (spacing, separator ...), so they fail. The fallback must be an element,
# not "drop": Teams mobile does not render a CodeBlock, and would show nothing.
CODE_BLOCK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "codeSnippet", "language", "fallback"],
    "properties": {
        "type": {"enum": ["CodeBlock"]},
        "id": {"type": "string"},
        "codeSnippet": {"type": "string"},
        "language": {"enum": list(get_args(CodeLanguage))},
        "startLineNumber": {"type": "number"},
        "fallback": {"type": "object"},
    },
}


def code_blocks(card_json: Any) -> list[dict[str, Any]]:
    return [node for node in _nodes(card_json) if node.get("type") == "CodeBlock"]


def without_code_blocks(node: Any) -> Any:
    """The card as a client without CodeBlock renders it: each one replaced by its fallback."""
    if isinstance(node, dict):
        if node.get("type") == "CodeBlock" and isinstance(node.get("fallback"), dict):
            return without_code_blocks(node["fallback"])
        return {key: without_code_blocks(value) for key, value in node.items()}
    if isinstance(node, list):
        return [without_code_blocks(item) for item in node]
    return node


def assert_code_blocks(card_json: Any) -> None:
    for block in code_blocks(card_json):
        error = best_match(Draft6Validator(CODE_BLOCK_SCHEMA).iter_errors(block))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(element)"
            raise AssertionError(
                f"not a CodeBlock as Teams documents it: at {where}: {error.message}"
            )


# -- Teams' charts ---------------------------------------------------------------
#
# https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards
# documents the Chart.* elements (``type`` and ``data`` required) and their
# ``fallback``, "an alternate element to render if this type of element is
# unsupported". Their properties are those of Microsoft's own SDK models
# (microsoft-teams-cards), where the page's tables list them per chart. As for
# CodeBlock, the stricter choice: the fallback must be an element, not "drop",
# so that a client without charts still shows the figures.
CHART_MODELS: dict[str, type[BaseModel]] = {
    "Chart.VerticalBar": VerticalBarChart,
    "Chart.VerticalBar.Grouped": GroupedVerticalBarChart,
    "Chart.Line": LineChart,
    "Chart.Donut": DonutChart,
}


def _chart_schema(kind: str) -> dict[str, Any]:
    model = CHART_MODELS[kind]
    names = {info.serialization_alias or name for name, info in model.model_fields.items()}
    properties: dict[str, Any] = {name: {} for name in names - {"key"}}
    properties.update(
        {"type": {"enum": [kind]}, "data": {"type": "array"}, "fallback": {"type": "object"}}
    )
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "data", "fallback"],
        "properties": properties,
    }


def assert_charts(card_json: Any) -> None:
    for node in _nodes(card_json):
        kind = node.get("type", "")
        if not str(kind).startswith("Chart."):
            continue
        assert kind in CHART_MODELS, f"{kind} is not a chart the bot's schema check knows"
        error = best_match(Draft6Validator(_chart_schema(kind)).iter_errors(node))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(element)"
            raise AssertionError(f"not a {kind} as Teams documents it: at {where}: {error.message}")


def without_charts(node: Any) -> Any:
    """The card as a client without charts renders it: each one replaced by its fallback."""
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Chart.") and isinstance(
            node.get("fallback"), dict
        ):
            return without_charts(node["fallback"])
        return {key: without_charts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [without_charts(item) for item in node]
    return node


def assert_valid_card(card_json: Any) -> None:
    """Fail with the most telling schema error unless ``card_json`` is a valid 1.5 card.

    A CodeBlock passes when it is one as Teams documents it and the card with its
    fallback in its place is a valid 1.5 card.
    """
    assert isinstance(card_json, dict), f"a card is a JSON object, not {type(card_json).__name__}"
    assert card_json.get("type") == "AdaptiveCard", card_json.get("type")
    assert card_json.get("version") == CARD_VERSION, f"version {card_json.get('version')!r}"
    assert_code_blocks(card_json)
    assert_charts(card_json)
    card_json = without_charts(without_code_blocks(card_json))
    errors = card_errors(card_json)
    if errors:
        error = _deepest(best_match(errors))
        where = "/".join(str(part) for part in error.absolute_path) or "(card)"
        if isinstance(error.instance, dict) and "type" in error.instance:
            where += f" ({error.instance['type']})"
        message = error.message if len(error.message) < 300 else error.message[:300] + "..."
        raise AssertionError(
            f"not a valid Adaptive Card {CARD_VERSION}: at {where}: {message}\n"
            f"{len(errors)} error(s) in all"
        )


def _deepest(error: ValidationError) -> ValidationError:
    """The telling error inside anyOf failures (e.g. "'msteams' was unexpected").

    An element fails every branch of "any element"; only the branch for its own
    type says what is wrong, so branches that reject the element's ``type`` are
    skipped, as are the schema's never-matching stand-in types.
    """
    while error.context:
        base = list(error.absolute_path)
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            if not _stand_in(sub):
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [
            sub
            for subs in branches.values()
            if not any(_rejects_type(d, base) for sub in subs for d in _descendants(sub))
            for sub in subs
        ]
        if not fitting:  # no branch takes this type: the element itself is the error
            break
        error = best_match(fitting)
    return error


def _descendants(error: ValidationError) -> list[ValidationError]:
    found = [error]
    for sub in error.context or ():
        found += _descendants(sub)
    return found


def _rejects_type(error: ValidationError, element_path: list[Any]) -> bool:
    return list(error.absolute_path) == [*element_path, "type"]


def _stand_in(error: ValidationError) -> bool:
    return error.validator == "type" and error.validator_value not in _JSON_TYPES


def assert_teams_card(card_json: Any) -> None:
    """``assert_valid_card``, plus the bot's own rules for every card it sends.

    Every action (buttons and the refresh action) is an ``Action.Execute`` with
    a verb, but for the one link the bot has (the workbook's ``Action.OpenUrl``,
    an https address); and ids are unique so each input's value comes back
    under its id.
    """
    assert_valid_card(card_json)
    assert_teams_card_rules(card_json)


def assert_teams_card_rules(card_json: Any) -> None:
    """The bot's own rules only (see ``assert_teams_card``), for a card whose shape passed the schema."""
    ids: list[str] = []
    for node in _nodes(card_json):
        kind = node.get("type", "")
        if kind == "Action.OpenUrl":
            assert str(node.get("url", "")).startswith("https://"), f"not an https link: {node}"
        elif kind.startswith("Action."):
            assert kind == "Action.Execute", f"{kind} is not Action.Execute"
            assert isinstance(node.get("verb"), str) and node["verb"], f"no verb: {node}"
        if "id" in node and kind not in ("", "AdaptiveCard"):
            ids.append(node["id"])
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    assert not repeated, f"ids used twice: {repeated}"


def _nodes(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for key, value in node.items():
            if key != "data":  # button data is the bot's, not card structure
                found += _nodes(value)
    elif isinstance(node, list):
        for item in node:
            found += _nodes(item)
    return found

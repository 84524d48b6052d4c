"""What every answer to hostile traffic must be, checked the same way for every verb.

- An invoke is answered with HTTP 200: an error travels in the body
  (``application/vnd.microsoft.error``, a 4xx ``statusCode``), else a card.
- Never the words the bot uses for a crash (``internal_error``).
- A card validates as Adaptive Card 1.5 with the bot's own rules, and stays
  within 28 KB. Microsoft's figures differ by product (Power Automate's Teams
  connector: about 28 KB; the bot docs: 40 KB, later 100 KB, counted in UTF-16);
  the cards package keeps to 28 KB (cards/parts.py, cards/stall.py), measured
  here as compact UTF-8 JSON.
- A form re-shown for bad input has what was typed in its inputs.
- What was typed into a customer field is in no log line and no post.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cards.texts import TEXTS, t
from cases.installations import LIST_MAX
from cases.validation import cut_to_card_size
from tests.cards.schema import assert_teams_card, assert_teams_card_rules
from tests.fakes.cardwalk import inputs, walk

from .fields import Input
from .harness import TOO_LARGE

CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"
CARD_LIMIT = 28 * 1024
TOKENS_PER_VALUE = 20
CRASH_TEXTS = (t("internal_error", "sv-SE"), t("internal_error", "en-US"))

# Inputs whose text belongs to a customer, or to an agent's notes about one.
CUSTOMER_KEYS = frozenset({
    "customerNumber", "cabNumber", "description", "note", "changedIds", "otherIds",
    "greeting", "emailValue", "emailOffer",
})  # fmt: skip
# Log fields that hold the bot's own ids and times, never anything typed.
_LOG_ID_FIELDS = ("time", "correlation_id", "action_id", "activity_id")
_TOKEN_SPLIT = re.compile(r"[\s,;]+")
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def kind(self) -> str:
        return self.body.get("type", "") if isinstance(self.body, dict) else ""

    @property
    def card(self) -> dict[str, Any] | None:
        return self.body["value"] if self.kind == CARD else None

    @property
    def refused(self) -> bool:
        """An error, a form with its errors, or a card that opens with a warning."""
        if self.kind != CARD:
            return True
        card = self.card or {}
        if any(str(node.get("id", "")).endswith("Error") for node in walk(card)):
            return True
        first = (card.get("body") or [{}])[0]
        return first.get("type") == "Container" and first.get("style") in ("warning", "attention")


def card_size(card: Any) -> int:
    return len(
        json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    )


# The endpoint's own refusals of an activity that is not a card click's shape
# (bot/endpoint.py): an HTTP 400 with its reason, before any verb runs.
ENDPOINT_REFUSALS = frozenset({"activity_invalid", "invoke_not_supported"})


def check_invoke(status: int, body: Any) -> Answer:
    answer = Answer(status, body)
    if body == TOO_LARGE:
        return answer
    if status == 400 and isinstance(body, dict):
        assert (body.get("error") or {}).get("code") in ENDPOINT_REFUSALS, str(body)[:300]
        return answer
    assert status == 200, f"HTTP {status}: {str(body)[:300]}"
    assert isinstance(body, dict), f"no invoke body: {str(body)[:300]}"
    text = json.dumps(body, ensure_ascii=False)
    assert not any(crash in text for crash in CRASH_TEXTS), f"the bot crashed: {text[:500]}"
    if answer.kind == ERROR:
        assert 400 <= body.get("statusCode", 0) < 500, (
            f"error {body.get('statusCode')}: {text[:300]}"
        )
        value = body.get("value") or {}
        assert isinstance(value.get("message"), str) and value["message"], text[:300]
        assert isinstance(value.get("code"), str) and value["code"], text[:300]
        return answer
    assert answer.kind == CARD and body.get("statusCode") == 200, text[:300]
    assert_card(answer.card)
    check_size(answer.card)
    return answer


# Skeletons of cards that passed the schema. The schema puts no limit on the
# text in a card (TextBlock.text, an input's value, a run, button data), so two
# cards that differ only there pass or fail together; most answers are the same
# few forms with other text. Validating each card in full cost 15 ms, half the
# time of an example.
_VALID_SKELETONS: set[Any] = set()
_FREE_TEXT = frozenset(
    {"text", "value", "title", "placeholder", "label", "errorMessage", "altText", "id"}
)


def assert_card(card: Any) -> None:
    key = _skeleton(card)
    if key not in _VALID_SKELETONS:
        assert_teams_card(card)
        _VALID_SKELETONS.add(key)
    else:
        assert_teams_card_rules(card)


def _skeleton(node: Any, key: str = "") -> Any:
    """The card with its free text blanked and each list as the set of its different
    items (the schema asks the same of every item of a list), as a hashable value."""
    if isinstance(node, dict):
        if key == "data":
            return bool(node)
        return tuple(sorted((k, _skeleton(v, k)) for k, v in node.items()))
    if isinstance(node, list):
        return frozenset(_skeleton(item) for item in node)
    if isinstance(node, str) and (key in _FREE_TEXT or key == ""):
        return ""
    if key == "value" and isinstance(node, int | float):  # an Input.Number's
        return 0
    return node


def check_size(card: Any) -> None:
    size = card_size(card)
    assert size <= CARD_LIMIT, f"card of {size} bytes, over Teams' {CARD_LIMIT}"


# -- typed values kept -------------------------------------------------------------------


def shown_text(value: Any) -> str | None:
    """What a form can show again for a typed value; None for what it cannot (a list, a dict)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def check_refill(card: dict[str, Any], wanted: dict[str, Input], data: dict[str, Any]) -> int:
    """If ``card`` is the verb's own form re-shown, each input holds what was typed.

    Returns how many inputs were checked.
    """
    drawn = inputs(card)
    if not wanted or not set(wanted) <= set(drawn):
        return 0
    checked = 0
    for input_id, spec in wanted.items():
        shown = drawn[input_id].get("value")
        typed = shown_text(data.get(input_id))
        where = f"{input_id}: typed {str(data.get(input_id))[:80]!r}, shown {str(shown)[:80]!r}"
        if typed is None or typed == "":
            assert shown in (None, ""), where
        elif spec.kind == "Input.ChoiceSet":
            assert shown == (typed if typed in spec.choices else None), where
        elif spec.kind == "Input.Number":
            number = _number(typed)
            assert (shown is None) if number is None else (float(shown) == number), where
        else:
            assert (shown or "") == _shown_back(typed, spec), where
        checked += 1
    return checked


def _shown_back(typed: str, spec: Input) -> str:
    """What a text input can show of ``typed``: its characters that can be shown (not
    Unicode's control characters but tab and line breaks, nor lone surrogates), up to
    its maxLength; the ID lists (no maxLength) up to their own limit."""
    text = _UNSHOWABLE.sub("", typed)
    if spec.max_length is not None:
        return text[: spec.max_length]
    return cut_to_card_size(text, LIST_MAX)


def _number(typed: str) -> float | None:
    try:
        number = float(typed.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# -- customer data nowhere else ------------------------------------------------------------


@cache
def _bot_words() -> str:
    """Text that is in a log line or a post without being typed by anyone: the bot's
    own words, and its source code, where Hypothesis also takes strings to try
    ("stall scan failed" typed into a description is in the logs all the same)."""
    texts = [text for pair in TEXTS.values() for text in pair]
    root = Path(__file__).resolve().parents[2]
    for package in ("bot", "cases", "cards", "graph", "tests"):
        texts += [path.read_text("utf-8") for path in sorted((root / package).rglob("*.py"))]
    return "\n".join(texts)


class Tokens(set[str]):
    """Distinctive pieces of typed text, and the text around them that is no customer data."""

    safe: str = ""


def customer_tokens(data: Any) -> Tokens:
    """What was typed into customer inputs (also in a ``pending`` click): each value
    and its longest words, cut to 200 characters, that could not be there by chance."""
    found = Tokens()
    found.safe = json.dumps(_without_customer_fields(data), ensure_ascii=False)
    for value in _customer_values(data):
        words = sorted(
            {word[:200] for word in _TOKEN_SPLIT.split(value) if len(word) >= 8},
            key=len,
            reverse=True,
        )
        found |= {
            t
            for t in (value.strip()[:200], *words[:TOKENS_PER_VALUE])
            if len(t) >= 8 and len(set(t)) >= 4
        }
    return found


def _customer_values(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    values = [shown_text(v) for k, v in data.items() if k in CUSTOMER_KEYS]
    pending = data.get("pending")
    nested = _customer_values(pending.get("data")) if isinstance(pending, dict) else []
    return [v for v in values if v] + nested


def _without_customer_fields(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_customer_fields(v) for k, v in data.items() if k not in CUSTOMER_KEYS}
    if isinstance(data, list):
        return [_without_customer_fields(v) for v in data]
    return data


def log_text(lines: str) -> str:
    """The logs without the fields that only hold the bot's own ids and times."""
    kept = []
    for line in lines.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            kept.append(line)
            continue
        for name in _LOG_ID_FIELDS:
            record.pop(name, None)
        kept.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(kept)


def assert_not_in(tokens: set[str], text: str, where: str) -> None:
    # The costly look at what may be there without being typed only for what was found.
    safe = getattr(tokens, "safe", "")
    leaked = [t for t in tokens if t in text and t not in safe and t not in _bot_words()]
    assert not leaked, f"customer data in {where}: {leaked[0][:80]!r}"

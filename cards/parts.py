"""Building blocks shared by the cards: titles, notices, inputs with their errors, buttons.

Every card is Adaptive Card 1.5 (what Teams renders) and every button is an
``Action.Execute`` with one verb; the bot routes on that verb.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    NumberInput,
    RefreshDefinition,
    TextBlock,
    TextInput,
)

from cases.clock import to_stockholm
from cases.language import is_english
from cases.model import Case

from .texts import t

VERSION = "1.5"
EMPTY: Mapping[str, str] = MappingProxyType({})


def card(
    locale: str | None,
    body: Sequence[CardElement],
    actions: Sequence[ExecuteAction] = (),
    *,
    refresh: RefreshDefinition | None = None,
) -> AdaptiveCard:
    return AdaptiveCard(
        version=VERSION,
        lang="en" if is_english(locale) else "sv",
        body=list(body),
        actions=list(actions) or None,
        refresh=refresh,
    )


# -- text ------------------------------------------------------------------


def title(text: str) -> TextBlock:
    return TextBlock(text=text, style="heading", size="Large", weight="Bolder", wrap=True)


def heading(text: str, *, separator: bool = False) -> TextBlock:
    return TextBlock(
        text=text, weight="Bolder", wrap=True, spacing="Medium", separator=separator or None
    )


def para(text: str, *, subtle: bool = False, color: str | None = None) -> TextBlock:
    return TextBlock(text=text, wrap=True, is_subtle=subtle or None, color=color)


def notice(text: str, *, style: str = "warning") -> Container:
    """A short message at the top of a card: what just happened, or what went wrong."""
    return Container(style=style, items=[TextBlock(text=text, wrap=True)])


def lines(text: str, *, element_id: str | None = None, style: str | None = None) -> Container:
    """Multi-line text, one TextBlock per line.

    Teams renders a single "\\n" inside a TextBlock as a space; a block per line
    keeps every line break. Blank lines become extra spacing.
    """
    items: list[CardElement] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        items.append(
            TextBlock(
                text=line, wrap=True, spacing=("Medium" if gap else "None") if items else None
            )
        )
        gap = False
    if not items:
        items.append(TextBlock(text=" ", wrap=True))
    return Container(id=element_id, style=style, items=items)


def numbered(items: Iterable[str]) -> list[CardElement]:
    """A numbered list as columns: markdown lists render unevenly across Teams clients."""
    rows: list[CardElement] = []
    for number, item in enumerate(items, start=1):
        rows.append(
            # No spacing on the ColumnSet: the 1.5 schema file types ColumnSet.spacing
            # as a height ("auto"/"stretch"), so any spacing value fails validation.
            ColumnSet(
                columns=[
                    Column(width="auto", items=[TextBlock(text=str(number), weight="Bolder")]),
                    Column(width="stretch", items=[TextBlock(text=item, wrap=True)]),
                ],
            )
        )
    return rows


# -- time ------------------------------------------------------------------


def when(moment: datetime) -> str:
    return to_stockholm(moment).strftime("%Y-%m-%d %H:%M")


def age(moment: datetime, now: datetime, locale: str | None) -> str:
    """How long ago, in whole units: "för 3 h sedan" / "3 h ago"."""
    seconds = (now - moment).total_seconds()
    minutes = int(seconds // 60)
    if minutes < 1:
        return t("age_now", locale)
    if minutes < 60:
        return t("age_minutes", locale, n=minutes)
    if minutes < 24 * 60:
        return t("age_hours", locale, n=minutes // 60)
    return t("age_days", locale, n=minutes // (24 * 60))


def when_and_age(moment: datetime, now: datetime, locale: str | None) -> str:
    return t("at_age", locale, when=when(moment), age=age(moment, now, locale))


# -- buttons ---------------------------------------------------------------


def case_data(case: Case) -> dict[str, str]:
    """What every case button carries: the key and the version it was drawn from.

    Never customer data: button data travels through Teams and into logs.
    """
    return {"caseId": case.case_id, "version": case.version}


def button(
    title_text: str,
    verb: str,
    data: Mapping[str, Any] | None = None,
    *,
    positive: bool = False,
    sends_inputs: bool = True,
) -> ExecuteAction:
    return ExecuteAction(
        title=title_text,
        verb=verb,
        data=dict(data) if data is not None else None,
        style="positive" if positive else None,
        # A cancel button must work with the form half filled in: no
        # validation, and nothing typed is sent.
        associated_inputs=None if sends_inputs else "none",
    )


def cancel(case: Case, locale: str | None) -> ExecuteAction:
    """Back to the case card, nothing saved."""
    return button(t("cancel", locale), "refresh", case_data(case), sends_inputs=False)


# -- forms -----------------------------------------------------------------


class Form:
    """Collects a form's body: inputs re-filled with what was typed, each error under its input.

    An error for an input the form does not have is shown at the top instead,
    so no message is ever lost.
    """

    def __init__(
        self,
        locale: str | None,
        values: Mapping[str, str] | None,
        errors: Mapping[str, str] | None,
    ) -> None:
        self.locale = locale
        self.values = values or EMPTY
        self.errors = errors or EMPTY
        self.body: list[CardElement] = []
        self._ids: list[str] = []

    def add(self, *elements: CardElement) -> None:
        self.body.extend(elements)

    def value(self, input_id: str, default: str = "") -> str:
        return str(self.values.get(input_id, default) or "")

    def _input(self, element: CardElement, input_id: str) -> None:
        self._ids.append(input_id)
        self.body.append(element)
        message = self.errors.get(input_id)
        if message:
            self.body.append(error_line(input_id, message))

    def text(
        self,
        input_id: str,
        label: str,
        *,
        required_message: str | None = None,
        multiline: bool = False,
        placeholder: str | None = None,
        max_length: int | None = None,
        default: str = "",
    ) -> None:
        self._input(
            TextInput(
                id=input_id,
                label=label,
                value=self.value(input_id, default) or None,
                placeholder=placeholder,
                is_multiline=multiline or None,
                max_length=max_length,
                is_required=bool(required_message) or None,
                error_message=required_message,
            ),
            input_id,
        )

    def number(
        self,
        input_id: str,
        label: str,
        *,
        required_message: str | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> None:
        self._input(
            NumberInput(
                id=input_id,
                label=label,
                value=_number(self.value(input_id)),
                min=minimum,
                max=maximum,
                is_required=bool(required_message) or None,
                error_message=required_message,
            ),
            input_id,
        )

    def choice(
        self,
        input_id: str,
        label: str,
        options: Sequence[tuple[str, str]],
        *,
        required_message: str | None = None,
    ) -> None:
        """A drop-down of (value, title) options, with the typed value selected if valid."""
        chosen = self.value(input_id)
        self._input(
            ChoiceSetInput(
                id=input_id,
                label=label,
                style="compact",
                placeholder=t("choose", self.locale),
                choices=[Choice(title=title_text, value=value) for value, title_text in options],
                value=chosen if chosen in {value for value, _ in options} else None,
                is_required=bool(required_message) or None,
                error_message=required_message,
            ),
            input_id,
        )

    def finish(self, top: Sequence[CardElement], notice_text: str | None = None) -> list[CardElement]:
        """The whole body: notice and stray errors first, then ``top`` (title, intro), then the inputs."""
        stray = [message for key, message in self.errors.items() if key not in self._ids and message]
        head: list[CardElement] = []
        if notice_text:
            head.append(notice(notice_text))
        if stray:
            head.append(notice(" ".join(stray), style="attention"))
        return head + list(top) + self.body


def error_line(input_id: str, message: str) -> TextBlock:
    """The error right under its input, in the attention colour."""
    return TextBlock(
        id=f"{input_id}Error", text=message, color="Attention", wrap=True, spacing="Small"
    )


def _number(raw: str) -> float | None:
    """The typed count back as a number, or None when it is not one (then the input stays empty)."""
    try:
        number = float(raw.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None

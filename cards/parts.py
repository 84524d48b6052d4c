"""Building blocks shared by the cards: titles, notices, inputs with their errors, buttons.

Every card is Adaptive Card 1.5 (what Teams renders) and every button is an
``Action.Execute`` with one verb; the bot routes on that verb.
"""

from __future__ import annotations

import math
import re
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
    ContainerStyle,
    ExecuteAction,
    NumberInput,
    RefreshDefinition,
    RichTextBlock,
    Spacing,
    TextBlock,
    TextColor,
    TextInput,
    TextRun,
    TextWeight,
    Version,
)

from cases.clock import to_stockholm
from cases.language import is_english
from cases.model import Case, CaseRef

from .refill import shown_back
from .texts import t

VERSION: Version = "1.5"
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


def para(text: str, *, subtle: bool = False, color: TextColor | None = None) -> TextBlock:
    return TextBlock(text=text, wrap=True, is_subtle=subtle or None, color=color)


def notice(text: str, *, style: ContainerStyle = "warning") -> Container:
    """A short message at the top of a card: what just happened, or what went wrong.

    Shown ``literal``: a refusal can name a handler or an Ärende-ID taken from the
    workbook or from a click's data.
    """
    return Container(style=style, items=[literal(text)])


# -- text people wrote -------------------------------------------------------
#
# TextBlocks and Fact values render Markdown, so a description such as
# "[Logga in igen](https://evil.example)" would be a live link on the card. Text
# that comes from a person (descriptions, notes, the e-mail draft, signatures,
# numbers, messages that quote any of them) is shown as text instead:
#
# - ``literal``/``lines``: a RichTextBlock of TextRuns. The schema says TextRun
#   text is not Markdown, and the web/desktop and Android renderers show it as
#   it is. Teams for iOS still runs its Markdown parser over each run on its own
#   (Teams-AdaptiveCards-Mobile, UtiliOS.mm), so every Markdown character, or a
#   row of the same one, gets a run of its own: no run then holds a link, emphasis
#   or list marker together with text for it.
#   Backslash escapes are no use here: the renderers without Markdown show them.
# - ``escape_markdown``: for Fact values, which are always Markdown. Teams mobile
#   honours some escapes only and shows the backslash of the others, so it is meant
#   for values that hold none of these characters when valid: signatures, numbers.

# CommonMark's and GFM's syntax characters (":" starts a bare-URL autolink, "&"
# an entity), all ASCII punctuation, so CommonMark takes each escaped one as itself.
MARKDOWN_CHARACTERS = "\\`*_{}[]()#+-.!|<>~&:"
_SYNTAX = re.escape(MARKDOWN_CHARACTERS)
_MARKDOWN = re.compile(f"[{_SYNTAX}]")
# A run: one Markdown character or a row of it, a line break, or text with neither.
_RUNS = re.compile(rf"([{_SYNTAX}\r\n])\1*|[^{_SYNTAX}\r\n]+")


def escape_markdown(text: str) -> str:
    """``text`` as a Markdown string that reads as typed, on one line.

    Line breaks become spaces, as a Fact shows them anyway; so only the start of
    the text could open a block (a list, a heading), and its marker is escaped too.
    """
    return _MARKDOWN.sub(lambda found: "\\" + found.group(), " ".join(text.split()))


def literal(
    text: str,
    *,
    weight: TextWeight | None = None,
    color: TextColor | None = None,
    subtle: bool = False,
    spacing: Spacing | None = None,
    element_id: str | None = None,
) -> RichTextBlock:
    """One line of text shown exactly as given, never as Markdown."""
    runs = [found.group() for found in _RUNS.finditer(text)] or [""]
    inlines: list[str] | list[CardElement] = runs
    if weight or color or subtle:
        styled: list[CardElement] = [
            TextRun(text=run, weight=weight, color=color, is_subtle=subtle or None) for run in runs
        ]
        inlines = styled
    # Unstyled runs go as plain strings, the schema's short form of a TextRun: a run
    # per Markdown character would otherwise cost some 30 bytes each, and a card
    # must stay under Teams' 28 KB.
    return RichTextBlock(id=element_id, spacing=spacing, inlines=inlines)


def lines(
    text: str, *, element_id: str | None = None, style: ContainerStyle | None = None
) -> Container:
    """What a person wrote over several lines: one ``literal`` block per line.

    Teams renders a single "\\n" inside a TextBlock as a space, and not every
    client breaks the line inside a TextRun; a block per line keeps every line
    break. Blank lines become extra spacing.
    """
    items: list[CardElement] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        items.append(literal(line, spacing=("Medium" if gap else "None") if items else None))
        gap = False
    if not items:
        items.append(literal(" "))
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


def case_data(case: Case | CaseRef) -> dict[str, str]:
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


def cancel(case: Case | CaseRef, locale: str | None) -> ExecuteAction:
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
        max_bytes: int | None = None,
    ) -> None:
        """``max_bytes``: for an input with no ``max_length`` (which a client would
        enforce without a word), how much of what was typed it shows again, as
        ``cases.validation.card_size`` counts it."""
        self._input(
            TextInput(
                id=input_id,
                label=label,
                value=shown_back(self.value(input_id, default), max_length, max_bytes) or None,
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

    def finish(
        self, top: Sequence[CardElement], notice_text: str | None = None
    ) -> list[CardElement]:
        """The whole body: notice and stray errors first, then ``top`` (title, intro), then the inputs."""
        stray = [
            message for key, message in self.errors.items() if key not in self._ids and message
        ]
        head: list[CardElement] = []
        if notice_text:
            head.append(notice(notice_text))
        if stray:
            head.append(notice(" ".join(stray), style="attention"))
        return head + list(top) + self.body


def error_line(input_id: str, message: str) -> RichTextBlock:
    """The error right under its input, in the attention colour.

    ``literal``: the messages are the bot's, but nothing checks that none ever
    quotes what was typed.
    """
    return literal(message, color="Attention", spacing="Small", element_id=f"{input_id}Error")


def _number(raw: str) -> float | None:
    """The typed count back as a number, or None when it is not one (then the input stays empty)."""
    try:
        number = float(raw.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None

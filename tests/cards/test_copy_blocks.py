"""What the agent pastes elsewhere sits in a block to copy (issue 12, "Copying").

The e-mail draft (after a close, and from `mejl`) and the CAB comment are each a
Teams ``CodeBlock`` holding exactly the text to paste, with the text as lines for
the clients that do not render one. The draft keeps a blank line between its
paragraphs in both.
"""

from __future__ import annotations

from typing import Any

import pytest

import cards
from cards.copy import COPY_MAX
from cases.email import Change, cab_comment, confirmation_email
from cases.installations import LIST_MAX
from cases.validation import card_size
from tests.cases.gsrn_helpers import swedish
from tests.fakes.cardwalk import shown, walk

from .conftest import NOW, make_case, render
from .test_card_size import LIMIT, size

DRAFT = confirmation_email(
    "Brf Tallkotten",
    Change.invoice_address("Gatunamnet 123\n111 11 Staden"),
    [swedish(1), swedish(2), swedish(3)],
    [swedish(4)],
)
PARAGRAPHS = [
    ["Hej Brf Tallkotten"],
    [
        (
            "Vi har nu ändrat er fakturaadress till Gatunamnet 123, 111 11 Staden "
            "på följande anläggningar"
        ),
        f"{swedish(1)}, {swedish(2)} samt {swedish(3)}",
    ],
    [
        f"Jag kan se att ni även har avtal för anläggningen {swedish(4)}.",
        (
            "Om ni önskar göra ändring av fakturaadressen även där återkom gärna till oss "
            "så hjälper vi er med det."
        ),
    ],
]


def element(card: dict[str, Any], element_id: str) -> dict[str, Any]:
    (found,) = [node for node in walk(card) if node.get("id") == element_id]
    return found


def fallback_lines(block: dict[str, Any]) -> list[tuple[str, str | None]]:
    """What a client without CodeBlock shows: each line, and the gap above it."""
    container = block["fallback"]
    assert container["type"] == "Container"
    return [(shown(item), item.get("spacing")) for item in container["items"]]


def test_the_draft_holds_a_blank_line_between_paragraphs() -> None:
    assert "\n\n".join("\n".join(paragraph) for paragraph in PARAGRAPHS) == DRAFT


@pytest.mark.parametrize("case_id", ["SA-000042", None], ids=["close", "mejl"])
def test_the_draft_is_a_code_block_of_exactly_the_text(case_id: str | None, locale: str) -> None:
    card = render(cards.email_draft_card(case_id, DRAFT, locale, checklist=case_id is not None))
    block = element(card, "emailDraft")
    assert block["type"] == "CodeBlock"
    assert block["codeSnippet"] == DRAFT
    assert block["language"] == "PlainText"  # nothing coloured as if it were code


def test_without_code_blocks_the_draft_shows_its_lines_with_a_gap_between_paragraphs() -> None:
    block = element(render(cards.email_draft_card("SA-000042", DRAFT, "sv-SE", True)), "emailDraft")
    gap, same_paragraph = "Medium", "None"
    expected: list[tuple[str, str | None]] = [(PARAGRAPHS[0][0], None)]
    for paragraph in PARAGRAPHS[1:]:
        expected += [(paragraph[0], gap), *((line, same_paragraph) for line in paragraph[1:])]
    assert fallback_lines(block) == expected
    assert block["fallback"]["style"] == "emphasis"


@pytest.mark.parametrize(
    "draw",
    [
        lambda case, locale: cards.registered_card(case, locale),
        lambda case, locale: cards.case_card(case, viewer=None, locale=locale, now=NOW),
    ],
    ids=["registered", "channel card"],
)
def test_the_cab_comment_is_a_code_block_of_exactly_the_comment(draw, locale: str) -> None:
    case = make_case("ny")
    block = element(render(draw(case, locale)), "cabComment")
    comment = cab_comment(case.registered_at)
    assert comment == "Ärendet registrerat i Stora ärenden, 2026-11-21"
    assert (block["type"], block["codeSnippet"], block["language"]) == (
        "CodeBlock",
        comment,
        "PlainText",
    )
    assert fallback_lines(block) == [(comment, None)]


def hostile_draft(ids: int) -> str:
    """A draft whose every typed part is at its limit, in Markdown characters: the most
    bytes its fallback can take (a run per character)."""
    marks = "*_" * 150
    return confirmation_email(
        marks[:100],
        Change.custom(marks, marks),
        [swedish(n) for n in range(ids)],
        [swedish(n) for n in range(ids, 2 * ids)],
    )


def test_a_draft_at_the_copy_limit_still_fits_in_teams() -> None:
    ids = 1
    while card_size(hostile_draft(ids + 1)) <= COPY_MAX:
        ids += 1
    draft = hostile_draft(ids)
    card = render(cards.email_draft_card("SA-000042", draft, "sv-SE", checklist=True))
    assert element(card, "emailDraft")["codeSnippet"] == draft
    assert size(card) <= LIMIT


def test_a_longer_draft_is_shown_once_as_lines_and_fits_in_teams() -> None:
    draft = hostile_draft(
        LIST_MAX // 19
    )  # two lists at ``LIST_MAX``: 18 digits and a line break each
    assert card_size(draft) > COPY_MAX
    card = render(cards.email_draft_card("SA-000042", draft, "sv-SE", checklist=True))
    assert not [node for node in walk(card) if node.get("type") == "CodeBlock"]
    lines = element(card, "emailDraft")["items"]
    assert [shown(line) for line in lines] == [line for line in draft.split("\n") if line]
    assert size(card) <= LIMIT

"""Over HTTP: what the agent pastes elsewhere comes in a block to copy (issue 12, "Copying").

The registration's answer and the channel's case card carry the CAB comment,
the close's answer and the `mejl` answer the e-mail draft, each as a Teams
CodeBlock of exactly the text to paste, with the lines as its fallback.
"""

from __future__ import annotations

from typing import Any

from tests.bot.closing import close_case
from tests.bot.conftest import ANNA, BO, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of, case_post, register_case
from tests.cases.gsrn_helpers import swedish
from tests.fakes.cardwalk import shown, walk

COMMENT = "Ärendet registrerat i Stora ärenden, 2026-11-23"  # the fake office's clock: that day
CHANGED, OTHER = [swedish(1), swedish(2)], swedish(3)
EMAIL_INPUTS = {
    "changedIds": "\n".join(CHANGED),
    "otherIds": OTHER,
    "greeting": "Fastighets AB",
    "emailChange": "fakturaadress",
    "emailValue": "Gatunamnet 123\n111 11 Staden",
}
# The routine's lines, a blank line between paragraphs.
DRAFT = f"""\
Hej Fastighets AB

Vi har nu ändrat er fakturaadress till Gatunamnet 123, 111 11 Staden på följande anläggningar
{CHANGED[0]} samt {CHANGED[1]}

Jag kan se att ni även har avtal för anläggningen {OTHER}.
Om ni önskar göra ändring av fakturaadressen även där återkom gärna till oss \
så hjälper vi er med det."""


def copy_block(card: dict[str, Any], element_id: str) -> dict[str, Any]:
    (block,) = [node for node in walk(card) if node.get("id") == element_id]
    assert block["type"] == "CodeBlock" and block["language"] == "PlainText", block
    return block


def fallback_lines(block: dict[str, Any]) -> list[str]:
    return [shown(item) for item in block["fallback"]["items"]]


async def test_the_cab_comment_to_copy_after_registering(office: Office) -> None:
    form = await office.say(ANNA, "registrera")
    asked = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    registered = card_of(
        await office.click(ANNA, form, "signature", {"signature": "xanna"}, card=asked)
    )
    block = copy_block(registered, "cabComment")
    assert block["codeSnippet"] == COMMENT
    assert fallback_lines(block) == [COMMENT]
    # The case card in the channel, for whoever adds the comment: the same block.
    assert copy_block(case_post(office).card, "cabComment")["codeSnippet"] == COMMENT


async def test_the_email_to_copy_after_closing(office: Office) -> None:
    await register_case(office)
    await office.sign_up(BO, "xbo")
    post = case_post(office)
    claimed = card_of(await office.click(BO, post, "claim"))
    form = card_of(await office.click(BO, post, "close.form", card=claimed))
    answer = card_of(await close_case(office, BO, post, EMAIL_INPUTS, card=form))
    block = copy_block(answer, "emailDraft")
    assert block["codeSnippet"] == DRAFT
    assert fallback_lines(block) == [line for line in DRAFT.split("\n") if line]
    gaps = [item.get("spacing") for item in block["fallback"]["items"]]
    assert gaps == [None, "Medium", "None", "Medium", "None"]  # a gap where a blank line is
    # Only in the closer's answer: the channel never had it.
    assert CHANGED[0] not in office.connector.all_text()


async def test_the_email_to_copy_from_the_mejl_command(office: Office) -> None:
    form = await office.say(ANNA, "mejl")
    answer = card_of(await office.click(ANNA, form, "email", EMAIL_INPUTS))
    block = copy_block(answer, "emailDraft")
    assert block["codeSnippet"] == DRAFT
    assert fallback_lines(block) == [line for line in DRAFT.split("\n") if line]

"""Text the agent pastes elsewhere (the e-mail draft, the CAB comment) in a block to copy.

Teams' ``CodeBlock`` element shows a text as it is, in a block of its own
(https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#codeblock-in-adaptive-cards):

- ``codeSnippet`` and ``language`` are required; ``PlainText`` is a language,
  so nothing is coloured. A "\\n" in the snippet is a line break.
- Only Teams web and desktop render it. The card previews its first 10 lines
  and the reader selects Expand for the rest.

It is not in the Adaptive Cards 1.5 schema, so a client that does not know it
(Teams mobile: microsoft/AdaptiveCards#9072; the Agents Playground 0.2.28)
renders the element's ``fallback`` instead: "Describes what to do when an
unknown element is encountered" (the 1.5 schema's ``fallback``, Adaptive Cards
1.2, https://adaptivecards.io/explorer/TextBlock.html). The fallback is the
text as ``parts.lines`` shows it, a line per block, a blank line as a gap.

Microsoft's page does not say how the copying works. Public reports differ
from the one-click copy this is for: the line numbers came along with a
selection (microsoft/AdaptiveCards#9010, 2024), and a copy button is still
asked for (microsoft/teams.ts#234, 2025). Check in Teams desktop.
"""

from __future__ import annotations

from microsoft_teams.cards import CardElement, CodeBlock

from cases.validation import card_size

from .parts import lines

# What the snippet may take of the card (bytes, as ``card_size`` counts them).
# The text is on the card twice, as the snippet and as its fallback, and a card
# must stay under Teams' 28 KB: a longer text (hundreds of installation IDs) is
# shown once, as lines, without the block.
COPY_MAX = 10_000


def copy_block(text: str, *, element_id: str) -> CardElement:
    """``text`` in a block to copy, or as lines where the block is unknown or it is too long."""
    shown = lines(text, style="emphasis")
    if card_size(text) > COPY_MAX:
        shown.id = element_id
        return shown
    # The fallback has no id of its own: it stands in for the block, under the block's.
    return CodeBlock(id=element_id, code_snippet=text, language="PlainText", fallback=shown)

"""The statistics card's buttons: the CSV to copy, and back to the card.

Neither changes the workbook, so neither asks for a signature; the gate has
already let only the team's members through. Teams offers a bot no file it
can attach to an invoke's answer: sending a file needs the manifest's
``supportsFiles`` and a consent card, in a personal chat only
(https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4),
or Graph permissions on the channel's files. So the CSV comes as text in a
CodeBlock (``cards.copy``), in the clicker's own view of the card.
"""

from __future__ import annotations

from typing import Any

import cards

from ..stats_view import read_stats, stats_card
from .routing import Turn, verb


@verb(cards.STATS_CSV_VERB, needs_signature=False)
async def stats_csv(turn: Turn) -> dict[str, Any]:
    stats = await read_stats(turn.services)
    return cards.to_json(cards.stats_csv_card(stats, turn.locale))


@verb(cards.STATS_VERB, needs_signature=False)
async def stats_again(turn: Turn) -> dict[str, Any]:
    return cards.to_json(await stats_card(turn.services, turn.locale))

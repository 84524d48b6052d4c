"""The team's figures ("statistik") as the bot answers them: read the workbook, compute, draw.

Every case is read, Hanterad ones included: their lifecycle columns survive
the wipe, and nothing else of them is used. The card and the CSV name nobody,
so the command answers in the conversation it was typed in, and the CSV,
though it holds no customer data either, is an invoke's answer for the clicker
alone, like every other click.
"""

from __future__ import annotations

from microsoft_teams.cards import AdaptiveCard

import cards
from cases.stats import TeamStats, team_stats

from .notify import stall_rules
from .services import Services


async def read_stats(services: Services) -> TeamStats:
    cases = await services.ledger.list()
    calendar = services.calendar
    return team_stats(
        cases,
        now=services.clock(),
        calendar=calendar,
        rules=stall_rules(services.settings, calendar),
    )


async def stats_card(services: Services, locale: str) -> AdaptiveCard:
    return cards.stats_card(await read_stats(services), services.calendar, locale)

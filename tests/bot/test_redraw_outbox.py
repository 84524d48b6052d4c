"""The outbox document under many writers at once: nothing refused, nothing lost."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from bot.redraw_outbox import RedrawOutbox
from bot.storage import JsonFileStorage
from cases.clock import STOCKHOLM


def _clock() -> datetime:
    return datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM)


async def test_a_hundred_cards_armed_at_once_are_all_kept(tmp_path: Path) -> None:
    # A burst of registrations: every one's first post or redraw must be
    # recorded, or its card is never drawn.
    outbox = RedrawOutbox(JsonFileStorage(tmp_path), _clock)
    ids = [f"SA-{n:06d}" for n in range(1, 101)]
    await asyncio.gather(*(outbox.arm_card(case_id) for case_id in ids))
    assert sorted(await outbox.pending()) == ids


async def test_two_outboxes_on_one_storage_keep_each_others_entries(tmp_path: Path) -> None:
    # Two instances sharing the bot state: their writes conflict on the e_tag and retry.
    storage = JsonFileStorage(tmp_path)
    one, other = RedrawOutbox(storage, _clock), RedrawOutbox(storage, _clock)
    ids = [f"SA-{n:06d}" for n in range(1, 41)]
    await asyncio.gather(*((one if n % 2 else other).arm_card(c) for n, c in enumerate(ids)))
    assert sorted(await one.pending()) == ids

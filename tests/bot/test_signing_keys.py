"""The signing-key cache against the fake issuer, with a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.signing_keys import KeysUnavailable, SigningKeys
from tests.fakes.bot_auth import FakeIssuer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def issuer() -> AsyncIterator[FakeIssuer]:
    issuer = FakeIssuer()
    await issuer.start()
    yield issuer
    await issuer.stop()


async def test_made_up_key_ids_refetch_at_most_once_per_recheck(issuer: FakeIssuer) -> None:
    clock = Clock()
    keys = SigningKeys(issuer.metadata_url, clock=clock, recheck=300, max_age=3600)
    try:
        assert await keys.get("key-1") is not None
        for n in range(10):
            assert await keys.get(f"forged-{n}") is None
        assert issuer.key_requests == 1
        clock.now += 301
        assert await keys.get("forged-x") is None
        assert issuer.key_requests == 2
    finally:
        await keys.close()


async def test_a_new_key_is_known_within_max_age_whatever_spent_the_rechecks(
    issuer: FakeIssuer,
) -> None:
    clock = Clock()
    # No recheck at all: as if a forger had spent every one of them.
    keys = SigningKeys(issuer.metadata_url, clock=clock, recheck=10**9, max_age=3600)
    try:
        await keys.get("key-1")
        issuer.rotate("key-2")
        clock.now += 3599
        assert await keys.get("key-2") is None
        clock.now += 2
        assert await keys.get("key-2") is not None
    finally:
        await keys.close()


async def test_a_stale_set_still_verifies_while_it_is_refreshed(issuer: FakeIssuer) -> None:
    clock = Clock()
    keys = SigningKeys(issuer.metadata_url, clock=clock, max_age=3600)
    try:
        await keys.get("key-1")
        clock.now += 3601
        issuer.hold_keys()
        assert await keys.get("key-1") is not None  # answered from the cache, not the endpoint
        await issuer.key_request_seen.wait()
        issuer.release_keys()
    finally:
        await keys.close()


async def test_no_set_at_all_is_keys_unavailable(issuer: FakeIssuer) -> None:
    await issuer.stop()
    keys = SigningKeys(issuer.metadata_url, timeout=1.0)
    try:
        with pytest.raises(KeysUnavailable):
            await keys.get("key-1")
    finally:
        await keys.close()

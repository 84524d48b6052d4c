"""Fixtures from ``tests/bot``."""

from __future__ import annotations

from tests.bot.test_redraws_e2e import bench  # noqa: F401 - a fixture

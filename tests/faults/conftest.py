"""Fixtures from ``tests/bot`` and ``tests/graph``, and the fault matrix's figures at the end."""

from __future__ import annotations

import pytest

from tests.bot.test_redraws_e2e import bench  # noqa: F401 - a fixture
from tests.graph.conftest import SDK_NOISE, fake_graph, make_ledger, vtime  # noqa: F401 - fixtures

from .tally import TALLY, summary


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.path).replace("\\", "/"):
            for noise in SDK_NOISE:
                item.add_marker(pytest.mark.filterwarnings(noise))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY["cells"]:
        terminalreporter.write_line(summary())

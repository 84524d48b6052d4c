"""No customer data in the logs on the production path either: the bot on the Graph
Ledger (msgraph-sdk, kiota, httpx, azure-core) with every logger at DEBUG."""

from __future__ import annotations

import io
import json

from tests.bot.conftest import (
    Office,
    restore_logging,  # noqa: F401 - fixture
)
from tests.bot.test_logs import debug_output, leaks  # noqa: F401 - fixture
from tests.fakes.graph import FakeGraph
from tests.graph import test_bot_on_graph as on_graph
from tests.graph.test_bot_on_graph import office_on_graph  # noqa: F401 - fixture


async def test_no_customer_data_in_the_logs_of_a_case_kept_in_sharepoint(
    office_on_graph: Office,  # noqa: F811
    fake_graph: FakeGraph,
    debug_output: io.StringIO,  # noqa: F811
) -> None:
    await on_graph.test_a_case_goes_through_its_life_in_sharepoint(office_on_graph, fake_graph)
    output = debug_output.getvalue()
    loggers = {json.loads(line)["logger"].split(".")[0] for line in output.splitlines()}
    assert {"bot", "httpx", "httpcore"} <= loggers, loggers  # Graph's HTTP was logged too
    assert leaks(output) == []
    # This flow's own free text, beyond the values the bot tests use:
    assert "Gatan 1" not in output

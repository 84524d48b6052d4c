"""``python -m bot check`` with STORA_MAILBOX: a draft made and deleted in the team's
mailbox, and refused in a mailbox outside the app's scope (issue 14)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import check as bot_check
from bot.config import Settings
from graph import credentials
from graph.check import Finding, render
from graph.check_mail import check_mailbox
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import FixedToken, VirtualTime, config_for

TEAM = "backoffice@contoso.se"
OTHER = "admin@contoso.se"  # a real mailbox, outside the app's scope


def problems(findings: list[Finding]) -> list[str]:
    return [f.what for f in findings if not f.ok]


async def run(fake: FakeGraph, vtime: VirtualTime, other: str = OTHER) -> list[Finding]:
    return await check_mailbox(
        config_for(fake), TEAM, other, FixedToken(), clock=vtime.clock, sleep=vtime.sleep
    )


async def test_a_scoped_mailbox_passes_and_leaves_no_draft(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.mail.allow(TEAM)
    findings = await run(fake_graph, vtime)
    assert problems(findings) == []
    shown = render(findings)
    assert f"mailbox {TEAM}: a draft made and deleted" in shown
    assert f"mailbox {OTHER}: refused (403)" in shown
    assert fake_graph.mail.all_drafts() == []
    assert fake_graph.http["messages.post"] == 2 and fake_graph.http["messages.delete"] == 1


async def test_an_app_that_may_use_every_mailbox_is_a_problem(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.mail.allow(TEAM, OTHER)  # no RBAC scope: Mail.ReadWrite everywhere
    findings = await run(fake_graph, vtime)
    (problem,) = problems(findings)
    assert f"mailbox {OTHER}: the app could make a draft there too (deleted again)" in problem
    assert "RBAC for Applications" in render(findings)
    assert fake_graph.mail.all_drafts() == []  # its own test draft removed from both


async def test_no_permission_on_the_team_mailbox_says_what_to_grant(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    findings = await run(fake_graph, vtime)  # no mailbox in the app's scope
    (problem,) = problems(findings)
    assert problem == f"mailbox {TEAM}: no draft could be made (403 ErrorAccessDenied)"
    assert "Mail.ReadWrite" in render(findings)
    assert fake_graph.http["messages.post"] == 1  # the other mailbox not tried


async def test_without_another_mailbox_the_scope_is_said_untested(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.mail.allow(TEAM)
    findings = await run(fake_graph, vtime, other="")
    assert problems(findings) == []
    assert "STORA_MAILBOX_CHECK_OTHER" in render(findings)


@pytest.mark.parametrize(("scoped", "status"), [((TEAM,), 0), ((TEAM, OTHER), 1)])
async def test_python_m_bot_check_exits_by_the_scope(
    fake_graph: FakeGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scoped: tuple[str, ...],
    status: int,
) -> None:
    fake_graph.mail.allow(*scoped)
    monkeypatch.setattr(credentials, "make_credential", lambda _config: FixedToken())
    settings = Settings(
        _env_file=None,
        STORA_WORKBOOK=tmp_path / "wb.xlsx",
        STORA_MAILBOX=TEAM,
        STORA_MAILBOX_CHECK_OTHER=OTHER,
        STORA_GRAPH_BASE_URL=fake_graph.base_url,
    )
    # main runs its own event loop, as from the command line; the fake serves on this one.
    assert await asyncio.to_thread(bot_check.main, settings) == status
    out = capsys.readouterr().out
    assert f"drafts in the mailbox {TEAM}" in out
    assert ("PROBLEM" in out) is bool(status)

"""``python -m bot check``: every set-up problem found, each with how to fix it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from bot import __main__ as bot_main
from bot.config import Settings
from cases.columns import STATUS
from graph.check import Finding, check, render
from graph.config import GraphConfig
from tests.fakes.graph import FILE_NAME, FOLDER, GROUP_ID, FakeGraph
from tests.graph.conftest import FixedToken, config_for


def problems(findings: list[Finding]) -> list[str]:
    return [f.what for f in findings if not f.ok]


def by_group(fake: FakeGraph, **changes: str) -> GraphConfig:
    values = {"group_id": GROUP_ID, "folder": FOLDER, "file_name": FILE_NAME, **changes}
    return config_for(fake, drive_id="", item_id="", **values)


async def test_a_good_set_up_is_all_ok_and_prints_the_ids_to_pin(fake_graph: FakeGraph) -> None:
    findings = await check(by_group(fake_graph), FixedToken())
    assert problems(findings) == []
    shown = render(findings)
    assert "STORA_GRAPH_DRIVE_ID=b!fakeDriveId" in shown and "STORA_GRAPH_ITEM_ID=01FAKE" in shown
    assert "columns the bot adds" not in shown


async def test_a_missing_column_is_named_with_its_fix(fake_graph: FakeGraph) -> None:
    wb = fake_graph.workbook
    wb.t.sheet.cell(wb.t.header_row, wb.col(STATUS)).value = "Läge"
    findings = await check(config_for(fake_graph), FixedToken())
    (problem,) = [f for f in findings if not f.ok]
    assert problem.what == 'column "Status" missing'
    assert 'headed "Status"' in problem.fix


async def test_a_missing_table_is_named_with_its_fix(fake_graph: FakeGraph) -> None:
    fake_graph.workbook.table = None
    findings = await check(config_for(fake_graph), FixedToken())
    (problem,) = [f for f in findings if not f.ok]
    assert problem.what == "table StoraArenden not found in the workbook"
    assert "Insert › Table" in problem.fix


@pytest.mark.parametrize("kind", ["group.drive", "table.headerRowRange", "range.patch"])
async def test_a_403_says_which_permission_to_grant(fake_graph: FakeGraph, kind: str) -> None:
    fake_graph.workbook.add_sheet("_bot")
    fake_graph.denied.add(kind)
    findings = await check(by_group(fake_graph), FixedToken(), write=True)
    (problem,) = [f for f in findings if not f.ok]
    assert "403" in problem.what
    assert "Sites.Selected" in problem.fix and "Files.ReadWrite.All" in problem.fix
    assert ("STORA_GRAPH_DRIVE_ID" in problem.fix) == (kind == "group.drive")


async def test_plain_check_writes_nothing(fake_graph: FakeGraph) -> None:
    """Writing is for ``check --write``: the plain check may be run by anyone, any time."""
    fake_graph.workbook.add_sheet("_bot").visibility = "VeryHidden"
    findings = await check(by_group(fake_graph), FixedToken())
    assert problems(findings) == []
    assert fake_graph.writes == 0
    assert "check --write" in render(findings)


@pytest.mark.parametrize("visibility", ["Visible", "Hidden"])
async def test_a_bot_sheet_people_can_see_is_told_with_its_fix(
    fake_graph: FakeGraph, visibility: str
) -> None:
    """The bot's own cells are for the bot: a "_bot" left visible is a problem, a
    merely hidden one (anyone can unhide it) worth doing better; check only says so."""
    fake_graph.workbook.add_sheet("_bot").visibility = visibility
    findings = await check(config_for(fake_graph), FixedToken())
    (sheet,) = [f for f in findings if "_bot" in f.what]
    assert sheet.ok == (visibility == "Hidden")
    assert "check --write makes it very hidden" in sheet.fix
    assert fake_graph.writes == 0 and fake_graph.workbook.sheets["_bot"].visibility == visibility


async def test_the_librarys_drive_id_and_the_path_are_enough(fake_graph: FakeGraph) -> None:
    """What works with nothing but Sites.Selected: no group lookup."""
    fake_graph.denied.add("group.drive")
    config = config_for(fake_graph, item_id="", folder=FOLDER, file_name=FILE_NAME)
    findings = await check(config, FixedToken())
    assert problems(findings) == []
    assert fake_graph.counts["group.drive"] == 0


async def test_a_wrong_path_is_not_found(fake_graph: FakeGraph) -> None:
    findings = await check(by_group(fake_graph, folder="General"), FixedToken())
    (problem,) = [f for f in findings if not f.ok]
    assert "not found" in problem.what and "General/Stora ärenden.xlsx" in problem.fix


async def test_refused_credentials_stop_the_check(fake_graph: FakeGraph) -> None:
    class Refused(FixedToken):
        async def get_token(self, *scopes: str, **_: object) -> AccessToken:
            raise ClientAuthenticationError("AADSTS7000215: Invalid client secret provided.")

    findings = await check(
        config_for(
            fake_graph, credential="secret", tenant_id="t", client_id="c", client_secret="x"
        ),
        Refused(),
    )
    (problem,) = findings
    assert "AADSTS7000215" in problem.what and "AZURE_CLIENT_SECRET" in problem.fix
    assert fake_graph.http.total() == 0


async def test_a_refused_token_is_told_apart(fake_graph: FakeGraph) -> None:
    findings = await check(config_for(fake_graph), FixedToken("someone-elses-token"))
    (problem,) = [f for f in findings if not f.ok]
    assert "401" in problem.what


def test_settings_that_cannot_work_are_reported() -> None:
    config = GraphConfig(item_id="i", credential="certificate", tenant_id="t", client_id="c")
    import asyncio

    findings = asyncio.run(check(config, FixedToken()))
    text = " ".join(problems(findings))
    assert "STORA_GRAPH_ITEM_ID" in text and "AZURE_CLIENT_CERTIFICATE_PATH" in text


def test_python_m_bot_check_checks_the_local_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STORA_WORKBOOK", str(tmp_path / "wb.xlsx"))
    monkeypatch.setattr(sys, "argv", ["python -m bot", "check"])
    monkeypatch.setattr(bot_main, "Settings", lambda: Settings(_env_file=None))
    with pytest.raises(SystemExit) as finished:
        bot_main.main()
    assert finished.value.code == 0
    assert "table StoraArenden" in capsys.readouterr().out

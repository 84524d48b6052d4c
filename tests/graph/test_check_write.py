"""``python -m bot check --write``: the real round trip, and each refusal with its next step."""

from __future__ import annotations

import asyncio
import base64
import json
import sys

import pytest

from bot import __main__ as bot_main
from bot.config import Settings
from cases.columns import STATE_SHEET
from graph.check import Finding, check, render
from tests.fakes.graph import DRIVE_ID, ITEM_ID, FakeGraph
from tests.fakes.graph_sessions import ENDINGS
from tests.graph.conftest import FixedToken, VirtualTime, config_for

LADDER = ("Sites.Selected", "Files.ReadWrite.All", "Sites.ReadWrite.All")


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.ok]


def app_token(*roles: str) -> str:
    """An app-only access token's shape: header.payload.signature, ``roles`` in the payload."""

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'typ': 'JWT', 'alg': 'RS256'})}.{part({'roles': list(roles)})}.c2ln"


def team_cells(fake: FakeGraph) -> dict[str, dict[tuple[int, int], object]]:
    """Every sheet but the bot's own: each cell's value and number format."""
    return {
        name: {at: (c.value, c.number_format) for at, c in sheet.cells.items()}
        for name, sheet in fake.workbook.sheets.items()
        if name != STATE_SHEET
    }


async def test_the_round_trip_leaves_the_teams_sheets_as_they_were(fake_graph: FakeGraph) -> None:
    before = team_cells(fake_graph)
    findings = await check(config_for(fake_graph), FixedToken(), write=True)
    assert problems(findings) == []
    shown = render(findings)
    for step in ("session: opened", "added, very hidden", "wrote the cell _bot!A4", "closed"):
        assert step in shown
    sheet = fake_graph.workbook.sheet(STATE_SHEET)
    assert sheet is not None and sheet.visibility == "VeryHidden"
    assert sheet.cell(4, 1).value in (None, "")
    assert team_cells(fake_graph) == before
    assert fake_graph.counts["createSession"] == fake_graph.counts["closeSession"] == 1
    assert not any(fake_graph.sessions.values())


async def test_the_bots_own_mark_is_left_alone(fake_graph: FakeGraph) -> None:
    sheet = fake_graph.workbook.add_sheet(STATE_SHEET)
    sheet.cell(1, 1).value, sheet.cell(1, 2).value = "last_id", 41
    findings = await check(config_for(fake_graph), FixedToken(), write=True)
    assert problems(findings) == []
    assert (sheet.cell(1, 1).value, sheet.cell(1, 2).value) == ("last_id", 41)
    assert fake_graph.counts["worksheets.add"] == 0


@pytest.mark.parametrize(
    ("shape", "said"),
    [
        ("denied", "permission missing (403 accessDenied)"),
        ("edit", "lets this app read the file but not edit it (403 EditModeAccessDenied"),
        ("open", "will not open the file for this app, although Graph accepted its token (401"),
        ("wac", "could not get its own token for this app"),
    ],
)
async def test_each_refused_write_names_its_shape_and_the_ladder(
    fake_graph: FakeGraph, shape: str, said: str
) -> None:
    fake_graph.refuse("range.patch", shape)
    findings = await check(config_for(fake_graph), FixedToken(), write=True)
    (problem,) = problems(findings)
    assert problem.what.startswith("writing the cell _bot!A4: ") and said in problem.what
    where = [problem.fix.index(name) for name in LADDER]
    assert where == sorted(where), "least privilege first"
    assert "write" in problem.fix and "another tenant" not in problem.fix
    assert "workbook session: closed" in render(findings)  # closed even after a refusal


@pytest.mark.parametrize(
    ("roles", "next_step", "not_said"),
    [
        ((), "Sites.Selected with the 'write' role", "Files.ReadWrite.All"),
        (("Sites.Selected",), "role on the team's site is 'write', not 'read'", "Sites.ReadWrite"),
        (("Files.ReadWrite.All",), "grant Sites.ReadWrite.All (application)", "Sites.Selected"),
        (("Sites.ReadWrite.All",), "not about its permission", "grant"),
    ],
)
async def test_the_next_permission_follows_what_the_token_has(
    fake_graph: FakeGraph, roles: tuple[str, ...], next_step: str, not_said: str
) -> None:
    fake_graph.token = app_token(*roles)
    fake_graph.refuse("range.patch", "edit")
    findings = await check(config_for(fake_graph), FixedToken(fake_graph.token), write=True)
    assert f"application permissions: {', '.join(roles) or 'none'}" in findings[0].what
    (problem,) = problems(findings)
    assert next_step in problem.fix and not_said not in problem.fix


@pytest.mark.parametrize("shape", ["denied", "edit", "open", "wac"])
async def test_a_refused_session_is_said_and_the_round_trip_goes_on_without_one(
    fake_graph: FakeGraph, shape: str
) -> None:
    fake_graph.refuse("createSession", shape)
    findings = await check(config_for(fake_graph), FixedToken(), write=True)
    assert problems(findings) == []
    (session,) = [f for f in findings if f.what.startswith("workbook session")]
    assert "the bot works without one" in session.what and "Files.ReadWrite.All" in session.fix
    assert "to do better: " in render(findings)
    assert "wrote the cell _bot!A4" in render(findings)
    assert fake_graph.sessionless_requests >= 3 and fake_graph.counts["closeSession"] == 0


async def test_a_token_for_another_tenant_and_a_file_excel_will_not_open_are_told_apart(
    fake_graph: FakeGraph,
) -> None:
    """Both are 401; only the first is about the token, the second is a permission rung."""
    token = problems(await check(config_for(fake_graph), FixedToken("not-for-this-tenant")))
    fake_graph.refuse(None, "open")  # every /workbook/ request; the file itself is found
    opened = problems(await check(config_for(fake_graph), FixedToken()))
    assert len(token) == 1 and len(opened) == 1
    assert "FileOpenUserUnauthorized" in opened[0].what and "another tenant" not in opened[0].fix
    assert "Files.ReadWrite.All" in opened[0].fix and "token itself" not in opened[0].what
    assert "refused the token itself (401 InvalidAuthenticationToken)" in token[0].what
    assert "another tenant" in token[0].fix and "Files.ReadWrite.All" not in token[0].fix


async def test_a_file_no_permission_opens_says_so(fake_graph: FakeGraph) -> None:
    fake_graph.refuse(None, "protected")
    (problem,) = problems(await check(config_for(fake_graph), FixedToken()))
    assert "OpenWorkbookAccessDenied" in problem.what
    assert "sensitivity label" in problem.fix and "Files.ReadWrite.All" not in problem.fix


async def test_python_m_bot_check_write(
    fake_graph: FakeGraph, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["python -m bot", "check", "--write"])
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        STORA_GRAPH_DRIVE_ID=DRIVE_ID,
        STORA_GRAPH_ITEM_ID=ITEM_ID,
        STORA_GRAPH_BASE_URL=fake_graph.base_url,
    )
    monkeypatch.setattr(bot_main, "Settings", lambda: settings)
    monkeypatch.setattr("graph.credentials.make_credential", lambda config: FixedToken())
    fake_graph.refuse("range.patch", "wac")
    with pytest.raises(SystemExit) as finished:
        # In a thread: the command runs its own event loop; the fake serves on this one.
        await asyncio.to_thread(bot_main.main)
    out = capsys.readouterr().out
    assert finished.value.code == 1
    assert "PROBLEM  writing the cell _bot!A4" in out and "1. Sites.Selected" in out


def test_check_takes_no_other_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["python -m bot", "check", "--wirte"])
    with pytest.raises(SystemExit) as finished:
        bot_main.main()
    assert "usage: python -m bot check [--write]" in str(finished.value.code)


# -- Graph ends the session during the check --------------------------------------------

RESENT_WITH_A_NEW_ONE = {"invalidSessionReCreatable", "invalidSessionNotFound"}
RESENT_WITH_A_NEW_ONE |= {"invalidSessionAccessConflict"}
RESENT_WITHOUT_ONE = {
    "invalidSessionAuthentication",
    "invalidSessionRestricted",
    "invalidSessionUnexpected",
    "invalidSessionUnsupportedWorkbook",
}
MISREAD = ("refused the token", "permission missing", "next rung", "not found", "create it")


@pytest.mark.parametrize("code", sorted(ENDINGS))
async def test_a_session_graph_ends_is_said_once_and_the_check_goes_on_as_the_bot_does(
    fake_graph: FakeGraph, vtime: VirtualTime, code: str
) -> None:
    """Not a refused token (401), a missing permission (403) nor a missing table (404):
    the request is resent with a new session or without one, as the bot resends it."""
    fake_graph.before("table.headerRowRange", lambda wb: fake_graph.end_session(code=code))
    fake_graph.token = app_token("Sites.Selected")
    findings = await check(
        config_for(fake_graph),
        FixedToken(fake_graph.token),
        write=True,
        clock=vtime.clock,
        sleep=vtime.sleep,
    )
    shown = render(findings)
    assert not [word for word in MISREAD if word in shown], shown
    (said,) = [f for f in findings if code in f.what]
    assert "Graph ended " in said.what and "not a refusal" in said.what
    if code == "internalServerErrorUncategorized":  # "not expected to resend the failed request"
        assert problems(findings) == [said] and "run the check again" in said.fix
        assert fake_graph.counts["table.headerRowRange"] == 1
        return
    assert problems(findings) == [] and "wrote the cell _bot!A4 and cleared it" in shown
    assert fake_graph.counts["table.headerRowRange"] == 2  # the same request, resent once
    if code in RESENT_WITH_A_NEW_ONE:
        assert "went on with a new session" in said.what
        assert fake_graph.counts["createSession"] == 2 and fake_graph.counts["closeSession"] == 1
        assert not any(fake_graph.sessions.values())  # the new one closed
    else:
        assert code in RESENT_WITHOUT_ONE and "went on without one" in said.what
        assert fake_graph.counts["createSession"] == 1 and fake_graph.counts["closeSession"] == 0
        assert fake_graph.sessionless_requests >= 4


@pytest.mark.parametrize("code", ["invalidSessionAuthentication", "invalidSessionRestricted"])
async def test_a_session_ended_at_the_write_is_no_refusal_of_the_write(
    fake_graph: FakeGraph, vtime: VirtualTime, code: str
) -> None:
    fake_graph.workbook.add_sheet(STATE_SHEET).visibility = "VeryHidden"
    fake_graph.before("range.patch", lambda wb: fake_graph.end_session(code=code))
    findings = await check(
        config_for(fake_graph), FixedToken(), write=True, clock=vtime.clock, sleep=vtime.sleep
    )
    assert problems(findings) == []
    assert "wrote the cell _bot!A4 and cleared it" in render(findings)
    assert fake_graph.workbook.sheet(STATE_SHEET).cell(4, 1).value in (None, "")


# -- the bot's sheet stays very hidden ----------------------------------------------------


async def test_a_hide_that_fails_for_a_moment_after_adding_the_sheet_is_done_again(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.inject("worksheet.patch", status=503)  # the batch's hide; the sheet is added
    findings = await check(
        config_for(fake_graph), FixedToken(), write=True, clock=vtime.clock, sleep=vtime.sleep
    )
    assert problems(findings) == []
    assert fake_graph.workbook.sheet(STATE_SHEET).visibility == "VeryHidden"
    assert fake_graph.counts["worksheets.add"] >= 1 and fake_graph.faults_served == 1


@pytest.mark.parametrize("fault", ["refused", "unavailable"])
async def test_a_bot_sheet_left_visible_is_a_problem_until_a_check_hides_it(
    fake_graph: FakeGraph, vtime: VirtualTime, fault: str
) -> None:
    """A hide that fails after "add sheet" leaves "_bot" visible: said, and the next
    check --write that can makes it very hidden (it no longer prints all ok over it)."""
    if fault == "refused":
        fake_graph.refuse("worksheet.patch", "edit")
    else:
        fake_graph.inject("worksheet.patch", status=503, times=100)
    fake_graph.token = app_token("Sites.Selected")
    config, token = config_for(fake_graph), FixedToken(fake_graph.token)

    async def check_write() -> list[Finding]:
        return await check(config, token, write=True, clock=vtime.clock, sleep=vtime.sleep)

    for _ in range(2):
        (problem,) = problems(await check_write())
        assert problem.what.startswith("the bot's sheet _bot is Visible, and making it very hidden")
        # Either way the admin learns to hide it meanwhile; a refusal adds its next step.
        assert "Hide" in problem.fix and "check --write" in problem.fix
        if fault == "refused":
            assert "EditModeAccessDenied" in problem.what and "'write', not 'read'" in problem.fix
        assert fake_graph.workbook.sheet(STATE_SHEET).visibility == "Visible"
    fake_graph.refusals.clear()
    fake_graph.clear_faults()
    findings = await check_write()
    assert problems(findings) == []
    assert "the bot's sheet _bot: was Visible, made very hidden" in render(findings)
    assert fake_graph.workbook.sheet(STATE_SHEET).visibility == "VeryHidden"


@pytest.mark.parametrize("shape", ["edit", "denied"])
async def test_a_refused_close_is_no_verdict_on_the_permissions(
    fake_graph: FakeGraph, shape: str
) -> None:
    """The round trip is done when the close is refused: nothing to fix, no ladder."""
    fake_graph.refuse("closeSession", shape)
    findings = await check(config_for(fake_graph), FixedToken(), write=True)
    assert problems(findings) == []
    shown = render(findings)
    assert "wrote the cell _bot!A4 and cleared it" in shown
    assert "workbook session: not closed" in shown and "ends on its own" in shown
    assert not [rung for rung in LADDER[1:] if rung in shown]


# -- the test text never stays behind unsaid --------------------------------------------


async def test_a_clear_that_fails_for_a_moment_is_tried_again(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.workbook.add_sheet(STATE_SHEET).visibility = "VeryHidden"
    fake_graph.inject("range.patch", times=1)  # the write goes through
    fake_graph.inject("range.patch", status=503, times=5)  # the clear, five times
    findings = await check(
        config_for(fake_graph), FixedToken(), write=True, clock=vtime.clock, sleep=vtime.sleep
    )
    assert problems(findings) == []
    assert fake_graph.workbook.sheet(STATE_SHEET).cell(4, 1).value in (None, "")
    assert fake_graph.counts["range.patch"] == 7 and vtime.sleeps  # waited between, no loop


@pytest.mark.parametrize("very_hidden", [True, False])
async def test_a_clear_that_keeps_failing_names_the_cell_and_how_to_clear_it(
    fake_graph: FakeGraph, vtime: VirtualTime, very_hidden: bool
) -> None:
    fake_graph.workbook.add_sheet(STATE_SHEET).visibility = "Visible"
    if very_hidden:
        fake_graph.workbook.sheet(STATE_SHEET).visibility = "VeryHidden"
    else:
        fake_graph.refuse("worksheet.patch", "denied")  # so it stays visible
    fake_graph.inject("range.patch", times=1)
    fake_graph.inject("range.patch", status=503, times=100)
    findings = await check(
        config_for(fake_graph), FixedToken(), write=True, clock=vtime.clock, sleep=vtime.sleep
    )
    (clear,) = [f for f in problems(findings) if f.what.startswith("clearing")]
    assert "_bot!A4, which still holds the text 'python -m bot check --write'" in clear.what
    assert "range(address='A4')" in clear.fix and "check --write again" in clear.fix
    assert ("Harmless" in clear.fix) == very_hidden
    assert fake_graph.workbook.sheet(STATE_SHEET).cell(4, 1).value == "python -m bot check --write"

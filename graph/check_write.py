"""``python -m bot check --write``: the real round trip on the real file, step by step.

After ``graph.check`` has opened the session (or been refused one) and read
the table: make sure the bot's own sheet "_bot" is very hidden, write one of
its cells and clear it again, then close the session. Every step prints ok or
PROBLEM; a refusal names its shape and the next permission to try. Requests go
as the bot sends them (``graph.check_send``): retried within the check's
deadline, resent when Graph ends the session.

The team's own sheets and table are never written. Should "_bot" not exist
yet, it is made exactly as the first registration makes it (added, then
made very hidden, in one batch): the bot would add it at its first
registration anyway, and this is when the admin needs the verdict, before
anyone registers. Should "_bot" be there but not very hidden (a hide that
failed, or someone unhid it), it is made very hidden again. The cell written
is one the bot never uses.
"""

from __future__ import annotations

from collections.abc import Callable

from kiota_abstractions.request_information import RequestInformation

from cases.columns import STATE_SHEET

from .check_send import Sender
from .client import BatchItem, TimedOut
from .errors import GraphError
from .findings import Finding, Roles, failed_finding
from .ledger import GraphLedger
from .location import FileLocation
from .workbook import VERY_HIDDEN, WorkbookRequests

# Two rows below the bot's own mark (A1:B2, graph.add_queue), which it never reads past.
CHECK_CELL = "A4"
CHECK_TEXT = "python -m bot check --write"  # plain text: nothing Excel would read as a formula


async def round_trip(
    ledger: GraphLedger,
    location: FileLocation,
    sender: Sender,
    roles: Roles,
    findings: list[Finding],
) -> None:
    visibility = await _sheet(sender, roles, findings)
    if visibility is not None:
        await _write_and_clear(sender, roles, findings, hidden=visibility == VERY_HIDDEN)
    if sender.session is not None:  # the one in use now: Graph may have ended the first
        findings.append(await _close(ledger, location, sender.session, sender))


async def sheet_visibility(sender: Sender) -> str | None:
    """The bot's sheet's visibility (Visible, Hidden, VeryHidden); ``None``: no such sheet."""
    try:
        answer = await sender.send(lambda r: r.sheet_visibility(STATE_SHEET), "bot sheet")
    except GraphError as failed:
        if failed.not_found:
            return None
        raise
    return str((answer.body or {}).get("visibility") or "")


def visible_finding(visibility: str) -> Finding:
    """What plain ``check`` says of a bot's sheet that is not very hidden."""
    if visibility == "Hidden":
        return Finding(
            True,
            f"the bot's sheet {STATE_SHEET} is hidden, not very hidden: anyone can unhide it",
            "python -m bot check --write makes it very hidden again",
        )
    return Finding(
        False,
        f"the bot's sheet {STATE_SHEET} is {visibility}: everyone with the file sees the "
        "bot's own cells and can change them",
        f"python -m bot check --write makes it very hidden again (Excel itself can only "
        f"hide it: right-click the tab {STATE_SHEET} › Hide)",
    )


async def _sheet(sender: Sender, roles: Roles, findings: list[Finding]) -> str | None:
    """Make the bot's sheet very hidden if need be: its visibility after, ``None`` if unknown."""
    read, visibility = await _read_visibility(sender, roles, findings)
    if not read:
        return None
    if visibility is None:
        try:
            await sender.batch(
                lambda r: [
                    BatchItem("ns", r.add_sheet(STATE_SHEET), "add sheet"),
                    BatchItem("hs", r.hide_sheet(STATE_SHEET), "hide sheet"),
                ]
            )
        except (GraphError, TimedOut) as failed:
            adding = failed
        else:
            findings.append(
                Finding(
                    True,
                    f"the bot's sheet {STATE_SHEET}: added, very hidden, "
                    "as a first registration would",
                )
            )
            return VERY_HIDDEN
        # Added but not hidden, or added meanwhile by a registration? The sheet itself says.
        read, visibility = await _read_visibility(sender, roles, findings)
        if not read:
            return None
        if visibility is None:
            what = (
                f"adding the bot's very hidden sheet {STATE_SHEET} (as a first registration would)"
            )
            findings.append(failed_finding(what, adding, "", roles))
            return None
    if visibility == VERY_HIDDEN:
        return visibility
    try:
        await sender.send(lambda r: r.hide_sheet(STATE_SHEET), "hide sheet")
    except (GraphError, TimedOut) as failed:
        what = f"the bot's sheet {STATE_SHEET} is {visibility}, and making it very hidden"
        fix = (
            "everyone with the file sees the sheet meanwhile: run python -m bot check --write "
            f"again; until then, hide it in Excel (right-click the tab {STATE_SHEET} › Hide)"
        )
        found = failed_finding(what, failed, fix, roles)
        if fix not in found.fix:  # a refusal says its own next step: both are needed
            found = Finding(False, found.what, f"{fix}. Then: {found.fix}")
        findings.append(found)
        return visibility
    findings.append(
        Finding(True, f"the bot's sheet {STATE_SHEET}: was {visibility}, made very hidden")
    )
    return VERY_HIDDEN


async def _read_visibility(
    sender: Sender, roles: Roles, findings: list[Finding]
) -> tuple[bool, str | None]:
    """Whether the read was answered, and the sheet's visibility (``None``: no such sheet)."""
    try:
        return True, await sheet_visibility(sender)
    except (GraphError, TimedOut) as failed:
        findings.append(failed_finding(f"reading the bot's sheet {STATE_SHEET}", failed, "", roles))
        return False, None


async def _write_and_clear(
    sender: Sender, roles: Roles, findings: list[Finding], *, hidden: bool
) -> None:
    cell = f"{STATE_SHEET}!{CHECK_CELL}"
    for text, step in ((CHECK_TEXT, "writing"), ("", "clearing")):
        try:
            answer = await sender.send(_writing(text), "write test")
        except (GraphError, TimedOut) as failed:
            if step == "writing":
                findings.append(failed_finding(f"writing the cell {cell}", failed, "", roles))
            else:
                what = f"clearing the cell {cell}, which still holds the text '{CHECK_TEXT}'"
                findings.append(failed_finding(what, failed, _left_behind(hidden), roles))
            return
        shown = ((answer.body or {}).get("values") or [[None]])[0][0]
        if (shown or "") != text:
            findings.append(
                Finding(
                    False,
                    f"{step} the cell {cell}: Graph answered, but the cell does not show it",
                    "run the check again; if it persists, open the file in Excel for the web",
                )
            )
            return
    findings.append(Finding(True, f"write access: wrote the cell {cell} and cleared it again"))


def _writing(text: str) -> Callable[[WorkbookRequests], RequestInformation]:
    return lambda r: r.write_cells(STATE_SHEET, CHECK_CELL, [[text]])


def _left_behind(hidden: bool) -> str:
    """How to clear the check's text by hand, and whether anyone sees it meanwhile."""
    how = (
        "run python -m bot check --write again, which clears it; or by hand, PATCH "
        f".../workbook/worksheets/{STATE_SHEET}/range(address='{CHECK_CELL}') with "
        '{"values": [[""]]} (Graph Explorer). '
    )
    if hidden:
        return (
            how + "Harmless meanwhile: the bot never reads that cell, and the sheet is very hidden"
        )
    return how + (
        "The sheet is not very hidden: people with the file may see the text until then "
        "(in Excel: select the cell, press Delete)"
    )


async def _close(
    ledger: GraphLedger, location: FileLocation, session: str, sender: Sender
) -> Finding:
    info = (
        ledger.transport.client.drives.by_drive_id(location.drive_id)
        .items.by_drive_item_id(location.item_id)
        .workbook.close_session.to_post_request_information()
    )
    ledger.session.id = None  # closed here, or left to expire: never twice
    try:
        await ledger.transport.send(info, "closeSession", sender.deadline, session)
    except GraphError as failed:
        if failed.ends_session:
            return Finding(True, "workbook session: Graph had ended it already")
        # Not a verdict on the bot's permissions (the round trip is done): a
        # refused close must not send the admin up the permission ladder.
        return Finding(True, f"workbook session: not closed ({failed.summary()}); {_EXPIRES}")
    except TimedOut:
        return Finding(True, f"workbook session: no answer to closing it; {_EXPIRES}")
    return Finding(True, "workbook session: closed")


_EXPIRES = "harmless, it ends on its own after a few minutes without requests"

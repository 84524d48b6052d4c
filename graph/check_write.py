"""``python -m bot check --write``: the real round trip on the real file, step by step.

After ``graph.check`` has opened the session (or been refused one) and read
the table: write one cell of the bot's own very hidden sheet "_bot" and
clear it again, then close the session. Every step prints ok or PROBLEM;
a refusal names its shape and the next permission to try.

The team's own sheets and table are never written. Should "_bot" not exist
yet, it is made exactly as the first registration makes it (added, then
made very hidden, in one batch): the bot would add it at its first
registration anyway, and this is when the admin needs the verdict, before
anyone registers. The cell written is one the bot never uses.
"""

from __future__ import annotations

from cases.columns import STATE_SHEET

from .client import BatchItem, TimedOut
from .deadline import Deadline
from .errors import GraphError
from .findings import Finding, Roles, failed_finding
from .ledger import GraphLedger
from .location import FileLocation
from .workbook import VALUES, WorkbookRequests

# Two rows below the bot's own mark (A1:B2, graph.add_queue), which it never reads past.
CHECK_CELL = "A4"
CHECK_TEXT = "python -m bot check --write"  # plain text: nothing Excel would read as a formula


async def round_trip(
    ledger: GraphLedger,
    location: FileLocation,
    requests: WorkbookRequests,
    session: str | None,
    deadline: Deadline,
    roles: Roles,
) -> list[Finding]:
    findings: list[Finding] = []
    if await _sheet(ledger, requests, session, deadline, roles, findings):
        await _write_and_clear(ledger, requests, session, deadline, roles, findings)
    if session is not None:
        findings.append(await _close(ledger, location, session, deadline, roles))
    return findings


async def _sheet(
    ledger: GraphLedger,
    requests: WorkbookRequests,
    session: str | None,
    deadline: Deadline,
    roles: Roles,
    findings: list[Finding],
) -> bool:
    transport = ledger.transport
    try:
        await transport.send(
            requests.cells(STATE_SHEET, "A1:B2", VALUES), "state", deadline, session
        )
        return True
    except TimedOut as failed:
        findings.append(failed_finding(f"reading the bot's sheet {STATE_SHEET}", failed, "", roles))
        return False
    except GraphError as failed:
        if not failed.not_found:
            what = f"reading the bot's sheet {STATE_SHEET}"
            findings.append(failed_finding(what, failed, "", roles))
            return False
    try:
        await transport.batch(
            [
                BatchItem("ns", requests.add_sheet(STATE_SHEET), "add sheet"),
                BatchItem("hs", requests.hide_sheet(STATE_SHEET), "hide sheet"),
            ],
            deadline,
            session,
        )
    except (GraphError, TimedOut) as failed:
        if isinstance(failed, GraphError) and failed.has_code("itemAlreadyExists"):
            return True  # a first registration made it just now
        what = f"adding the bot's very hidden sheet {STATE_SHEET} (as a first registration would)"
        findings.append(failed_finding(what, failed, "", roles))
        return False
    findings.append(
        Finding(
            True,
            f"the bot's sheet {STATE_SHEET}: added, very hidden, as a first registration would",
        )
    )
    return True


async def _write_and_clear(
    ledger: GraphLedger,
    requests: WorkbookRequests,
    session: str | None,
    deadline: Deadline,
    roles: Roles,
    findings: list[Finding],
) -> None:
    cell = f"{STATE_SHEET}!{CHECK_CELL}"
    for text, step in ((CHECK_TEXT, "writing"), ("", "clearing")):
        try:
            answer = await ledger.transport.send(
                requests.write_cells(STATE_SHEET, CHECK_CELL, [[text]]),
                "write test",
                deadline,
                session,
            )
        except (GraphError, TimedOut) as failed:
            fix = "" if step == "writing" else f"harmless: {cell} is on the very hidden sheet"
            findings.append(failed_finding(f"{step} the cell {cell}", failed, fix, roles))
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


async def _close(
    ledger: GraphLedger, location: FileLocation, session: str, deadline: Deadline, roles: Roles
) -> Finding:
    info = (
        ledger.transport.client.drives.by_drive_id(location.drive_id)
        .items.by_drive_item_id(location.item_id)
        .workbook.close_session.to_post_request_information()
    )
    ledger.session.id = None  # closed here, or left to expire: never twice
    try:
        await ledger.transport.send(info, "closeSession", deadline, session)
    except (GraphError, TimedOut) as failed:
        fix = "harmless: a session ends on its own after a few minutes without requests"
        return failed_finding("closing the workbook session", failed, fix, roles)
    return Finding(True, "workbook session: closed")

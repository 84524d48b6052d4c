"""Is the Graph store set up? Credentials, permissions, file, table and headers.

Each step says what it found; a problem comes with how to fix it. Steps that
depend on a failed one are skipped. One write is made when the bot's "_bot"
sheet exists: its own label rewritten as it is, to prove write access.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import ClientAuthenticationError

from cases.columns import (
    BOT_HEADERS,
    LAST_ID_LABEL,
    REQUIRED_HEADERS,
    STATE_SHEET,
    TABLE_NAME,
    canonical_header,
)

from .client import LOOPBACK, TimedOut
from .config import GRAPH_SCOPE, GraphConfig
from .deadline import Deadline
from .errors import GraphError
from .ledger import GraphLedger
from .workbook import WorkbookRequests

log = logging.getLogger(__name__)

PERMISSION_FIX = (
    "grant the app Microsoft Graph application permission Sites.Selected, then give it the "
    "'write' role on the team's site (POST /sites/{site-id}/permissions, see docs/graph.md). "
    "Should the Excel API refuse Sites.Selected, use Files.ReadWrite.All (application) instead. "
    "An admin must consent either way."
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""


async def check(
    config: GraphConfig, credential: AsyncTokenCredential | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    problems = config.problems()
    if problems:
        return [
            Finding(False, "settings: " + p, "set it in the environment or .env") for p in problems
        ]
    if credential is None:
        from .credentials import make_credential

        credential = make_credential(config)
    if not await _token(config, credential, findings):
        return findings
    ledger = GraphLedger(config, credential)
    try:
        await _workbook(ledger, findings)
    finally:
        await ledger.aclose()
    return findings


async def _token(
    config: GraphConfig, credential: AsyncTokenCredential, findings: list[Finding]
) -> bool:
    kind = config.credential_kind
    scope = (
        GRAPH_SCOPE if config.graph_host in LOOPBACK else f"https://{config.graph_host}/.default"
    )
    try:
        await credential.get_token(scope)
    except ClientAuthenticationError as refused:
        first = (
            str(refused).strip().splitlines()[0][:300]
            if str(refused).strip()
            else type(refused).__name__
        )
        findings.append(
            Finding(
                False,
                f"credentials ({kind}): Entra ID refused them: {first}",
                _CREDENTIAL_FIX[kind],
            )
        )
        return False
    findings.append(
        Finding(
            True,
            f"credentials: a token for Microsoft Graph ({kind}"
            + (f", client id {config.client_id})" if config.client_id else ")"),
        )
    )
    return True


_CREDENTIAL_FIX = {
    "secret": "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (secrets expire: "
    "make a new one under the app registration's Certificates & secrets)",
    "certificate": "check AZURE_TENANT_ID, AZURE_CLIENT_ID and that the certificate at "
    "AZURE_CLIENT_CERTIFICATE_PATH (PEM with its private key) is uploaded to the app registration",
    "managed-identity": "run where a managed identity is assigned (App Service, Container Apps), "
    "and set AZURE_CLIENT_ID to a user-assigned identity's client id",
}


async def _workbook(ledger: GraphLedger, findings: list[Finding]) -> None:
    deadline = Deadline(20.0)
    config = ledger.config
    try:
        location = await ledger.locator.locate(deadline)
    except (GraphError, TimedOut) as failed:
        findings.append(_failed("the file", failed, _LOCATE_FIX.format(path=config.file_path)))
        return
    pin = f"STORA_GRAPH_DRIVE_ID={location.drive_id} STORA_GRAPH_ITEM_ID={location.item_id}"
    findings.append(Finding(True, f"file: found ({pin})"))
    try:
        session = await ledger.session.current(location, deadline)
    except (GraphError, TimedOut) as failed:
        findings.append(
            _failed(
                "a workbook session",
                failed,
                "is the file an .xlsx workbook the Excel API can open?",
            )
        )
        return
    if session is None:
        findings.append(
            Finding(
                True,
                "workbook session: refused to this app, so the bot works without one "
                "(slower, still saved)",
            )
        )
    else:
        findings.append(Finding(True, "workbook session: opened"))
    requests = WorkbookRequests(ledger.transport, location)
    try:
        header = (
            await ledger.transport.send(requests.header_row(), "header row", deadline, session)
        ).body
    except (GraphError, TimedOut) as failed:
        fix = (
            "create it: in Excel select the cases (headers included), Insert › Table, then name it "
            f"{TABLE_NAME} under Table Design › Table Name"
        )
        if isinstance(failed, GraphError) and failed.not_found:
            findings.append(Finding(False, f"table {TABLE_NAME} not found in the workbook", fix))
        else:
            findings.append(_failed(f"the table {TABLE_NAME}", failed, fix))
        return
    findings.extend(_headers(header.get("values", [[]])[0]))
    await _write_access(ledger, requests, session, deadline, findings)


def _headers(cells: list[Any]) -> list[Finding]:
    found: dict[str, int] = {}
    out: list[Finding] = []
    for text in cells:
        header = canonical_header(text)
        if header is not None:
            found[header] = found.get(header, 0) + 1
    for header, times in found.items():
        if times > 1:
            out.append(
                Finding(
                    False,
                    f'column "{header}" appears {times} times',
                    "rename or delete the extra one",
                )
            )
    for header in REQUIRED_HEADERS:
        if header not in found:
            out.append(
                Finding(
                    False,
                    f'column "{header}" missing',
                    f'add a column headed "{header}" to the table {TABLE_NAME}',
                )
            )
    later = [h for h in BOT_HEADERS if h not in found]
    if later:
        out.append(Finding(True, "columns the bot adds at its first write: " + ", ".join(later)))
    if not [f for f in out if not f.ok]:
        out.insert(0, Finding(True, f"table {TABLE_NAME}: found, with the routine's columns"))
    return out


async def _write_access(
    ledger: GraphLedger,
    requests: WorkbookRequests,
    session: str | None,
    deadline: Deadline,
    findings: list[Finding],
) -> None:
    try:
        state = await ledger.transport.send(
            requests.cells(STATE_SHEET, "A1", "address,values"), "state", deadline, session
        )
    except GraphError as failed:
        if failed.not_found:
            findings.append(
                Finding(
                    True,
                    f'write access: not tested (the "{STATE_SHEET}" sheet is made at the '
                    "first registration)",
                )
            )
            return
        findings.append(_failed("the bot's state sheet", failed, PERMISSION_FIX))
        return
    label = (state.body or {}).get("values", [[LAST_ID_LABEL]])[0][0] or LAST_ID_LABEL
    try:
        await ledger.transport.send(
            requests.write_cells(STATE_SHEET, "A1", [[label]]), "write test", deadline, session
        )
    except (GraphError, TimedOut) as failed:
        findings.append(_failed("a write to the workbook", failed, PERMISSION_FIX))
        return
    findings.append(Finding(True, "write access: yes"))


_LOCATE_FIX = (
    "check STORA_GRAPH_GROUP_ID (the team's Microsoft 365 group id), STORA_GRAPH_FOLDER and "
    "STORA_GRAPH_FILE (the file is at '{path}' in the team's Documents library), or set "
    "STORA_GRAPH_DRIVE_ID and STORA_GRAPH_ITEM_ID"
)


def _failed(what: str, failed: GraphError | TimedOut, fix: str) -> Finding:
    if isinstance(failed, TimedOut):
        return Finding(
            False,
            f"{what}: Graph did not answer in time",
            "try again; check the network to graph.microsoft.com",
        )
    if failed.status == 401:
        return Finding(
            False,
            f"{what}: Graph refused the token (401 {'/'.join(failed.codes)})",
            "the token is for another tenant or app; "
            "check AZURE_TENANT_ID and the app's admin consent",
        )
    if failed.status == 403:
        return Finding(
            False, f"{what}: permission missing (403 {'/'.join(failed.codes)})", PERMISSION_FIX
        )
    if failed.not_found:
        return Finding(False, f"{what}: not found (404)", fix)
    return Finding(False, f"{what}: Graph answered {failed.status} {'/'.join(failed.codes)}", fix)


def render(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"  {'ok' if finding.ok else 'PROBLEM':<8} {finding.what}")
        if finding.fix and not finding.ok:
            lines.append(f"  {'':<8} fix: {finding.fix}")
    return "\n".join(lines)

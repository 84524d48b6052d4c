"""Is the Graph store set up? Credentials, permissions, file, table and headers.

Each step says what it found; a problem comes with how to fix it. Steps that
depend on a failed one are skipped. Plain ``check`` only reads; ``check
--write`` also makes the real round trip on the real file
(``graph.check_write``). A refusal says which of Graph's shapes it came in
and the next permission to try (``graph.permissions``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import ClientAuthenticationError

from cases.columns import (
    BOT_HEADERS,
    REQUIRED_HEADERS,
    STATE_SHEET,
    TABLE_NAME,
    canonical_header,
)

from .check_send import Sender
from .check_write import round_trip, sheet_visibility, visible_finding
from .client import LOOPBACK, TimedOut
from .config import GRAPH_SCOPE, GraphConfig
from .deadline import Clock, Sleep
from .errors import GraphError, Refusal
from .findings import Finding, Roles, failed_finding, render
from .ledger import GraphLedger
from .permissions import refused, token_roles
from .workbook import VERY_HIDDEN

__all__ = ["Finding", "check", "render"]

log = logging.getLogger(__name__)


async def check(
    config: GraphConfig,
    credential: AsyncTokenCredential | None = None,
    *,
    write: bool = False,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> list[Finding]:
    """Every step's finding. ``clock`` and ``sleep`` are its retries' (a test's virtual time)."""
    findings: list[Finding] = []
    problems = config.problems()
    if problems:
        return [
            Finding(False, "settings: " + p, "set it in the environment or .env") for p in problems
        ]
    if credential is None:
        from .credentials import make_credential

        credential = make_credential(config)
    got, roles = await _token(config, credential, findings)
    if not got:
        return findings
    ledger = GraphLedger(config, credential, clock=clock, sleep=sleep)
    try:
        await _workbook(ledger, findings, roles, write)
    finally:
        await ledger.aclose()
    return findings


async def _token(
    config: GraphConfig, credential: AsyncTokenCredential, findings: list[Finding]
) -> tuple[bool, Roles]:
    kind = config.credential_kind
    scope = (
        GRAPH_SCOPE if config.graph_host in LOOPBACK else f"https://{config.graph_host}/.default"
    )
    try:
        token = await credential.get_token(scope)
    except ClientAuthenticationError as failed:
        first = (
            str(failed).strip().splitlines()[0][:300]
            if str(failed).strip()
            else type(failed).__name__
        )
        findings.append(
            Finding(
                False,
                f"credentials ({kind}): Entra ID refused them: {first}",
                _CREDENTIAL_FIX[kind],
            )
        )
        return False, None
    roles = token_roles(token.token)
    granted = (
        ""
        if roles is None
        else "; application permissions: " + (", ".join(sorted(roles)) or "none")
    )
    findings.append(
        Finding(
            True,
            f"credentials: a token for Microsoft Graph ({kind}"
            + (f", client id {config.client_id}" if config.client_id else "")
            + granted
            + ")",
        )
    )
    return True, roles


_CREDENTIAL_FIX = {
    "secret": "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (secrets expire: "
    "make a new one under the app registration's Certificates & secrets)",
    "certificate": "check AZURE_TENANT_ID, AZURE_CLIENT_ID and that the certificate at "
    "AZURE_CLIENT_CERTIFICATE_PATH (PEM with its private key) is uploaded to the app registration",
    "managed-identity": "run where a managed identity is assigned (App Service, Container Apps), "
    "and set AZURE_CLIENT_ID to a user-assigned identity's client id",
}


async def _workbook(
    ledger: GraphLedger, findings: list[Finding], roles: Roles, write: bool
) -> None:
    deadline = ledger.policy.deadline(30.0 if write else 20.0)
    config = ledger.config
    try:
        location = await ledger.locator.locate(deadline)
    except (GraphError, TimedOut) as failed:
        found = failed_finding("the file", failed, _LOCATE_FIX.format(path=config.file_path), roles)
        denied = isinstance(failed, GraphError) and failed.refusal is Refusal.DENIED
        if denied and config.group_id and not config.drive_id:
            # /groups/{id}/drive needs Files.Read.All or more; Sites.Selected never reaches it.
            found = Finding(False, found.what, _BY_DRIVE_ID + found.fix)
        findings.append(found)
        return
    pin = f"STORA_GRAPH_DRIVE_ID={location.drive_id} STORA_GRAPH_ITEM_ID={location.item_id}"
    findings.append(Finding(True, f"file: found ({pin})"))
    try:
        session = await ledger.session.current(location, deadline)
    except (GraphError, TimedOut) as failed:
        fix = "is the file an .xlsx workbook the Excel API can open?"
        findings.append(failed_finding("a workbook session", failed, fix, roles))
        return
    findings.append(_session_finding(ledger, session, roles))
    sender = Sender(ledger, location, deadline, findings)
    try:
        header = (await sender.send(lambda r: r.header_row(), "header row")).body
    except (GraphError, TimedOut) as failed:
        fix = (
            "create it: in Excel select the cases (headers included), Insert › Table, then name it "
            f"{TABLE_NAME} under Table Design › Table Name"
        )
        if isinstance(failed, GraphError) and failed.not_found:
            findings.append(Finding(False, f"table {TABLE_NAME} not found in the workbook", fix))
        else:
            findings.append(failed_finding(f"the table {TABLE_NAME}", failed, fix, roles))
        return
    findings.extend(_headers(header.get("values", [[]])[0]))
    if write:
        await round_trip(ledger, location, sender, roles, findings)
    else:
        findings.extend(await _state_sheet(sender, roles))


def _session_finding(ledger: GraphLedger, session: str | None, roles: Roles) -> Finding:
    if session is not None:
        return Finding(True, "workbook session: opened")
    cause = ledger.session.refused
    said, fix = refused("workbook session", cause, roles) if cause else ("", "")
    return Finding(
        True,
        (said or "workbook session: refused to this app")
        + "; the bot works without one (slower, still saved)",
        fix,
    )


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


async def _state_sheet(sender: Sender, roles: Roles) -> list[Finding]:
    """Plain check writes nothing: the bot's own sheet is only looked at."""
    try:
        visibility = await sheet_visibility(sender)
    except (GraphError, TimedOut) as failed:
        return [failed_finding(f"the bot's sheet {STATE_SHEET}", failed, "", roles)]
    seen = [] if visibility in (None, VERY_HIDDEN) else [visible_finding(visibility)]
    return [
        *seen,
        Finding(True, "write access: not tested here; python -m bot check --write tests it"),
    ]


_BY_DRIVE_ID = (
    "finding the library by the group id needs Files.Read.All or more: with Sites.Selected, "
    "set STORA_GRAPH_DRIVE_ID to the library's drive id instead (docs/graph.md). Else: "
)
_LOCATE_FIX = (
    "check STORA_GRAPH_GROUP_ID (the team's Microsoft 365 group id), STORA_GRAPH_FOLDER and "
    "STORA_GRAPH_FILE (the file is at '{path}' in the team's Documents library), or set "
    "STORA_GRAPH_DRIVE_ID and STORA_GRAPH_ITEM_ID"
)

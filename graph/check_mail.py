"""``python -m bot check``'s mailbox steps (``STORA_MAILBOX``): a draft made and deleted there,
and refused in a mailbox outside the app's scope.

The other mailbox is a setting (``STORA_MAILBOX_CHECK_OTHER``), a real mailbox
the admin names, e.g. their own: it is not derived. An address made up from
the team's (another local part, same domain) has no mailbox, and Graph may
answer 404 for it whatever the scope, which proves nothing. The check's
draft there is made only if the scope is missing, and then deleted at once.
Nothing is sent: a draft has no recipient.
"""

from __future__ import annotations

import asyncio
import time

from azure.core.credentials_async import AsyncTokenCredential

from .client import TimedOut
from .config import GraphConfig
from .deadline import Clock, Sleep
from .errors import GraphError
from .findings import Finding
from .mail import DraftMailbox

SUBJECT = "Stora ärenden: kontroll (tas bort direkt)"
TEXT = "Skapat av python -m bot check för att pröva behörigheten. Tas bort direkt."
SECONDS = 10.0

_GRANT = (
    "grant the app Mail.ReadWrite (application) with admin consent, and scope it to this "
    "mailbox with Exchange RBAC for Applications (docs/graph.md, 'The team's mailbox')"
)


async def check_mailbox(
    config: GraphConfig,
    mailbox: str,
    other: str = "",
    credential: AsyncTokenCredential | None = None,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> list[Finding]:
    if credential is None:
        from .credentials import make_credential

        credential = make_credential(config)
    drafts = DraftMailbox(config, mailbox, credential, clock=clock, sleep=sleep)
    try:
        findings = await _own(drafts, mailbox)
        if findings[-1].ok:
            findings.append(await _other(drafts, mailbox, other))
        return findings
    finally:
        await drafts.aclose()


async def _own(drafts: DraftMailbox, mailbox: str) -> list[Finding]:
    what = f"mailbox {mailbox}"
    try:
        draft = await drafts.create_draft(SUBJECT, TEXT, seconds=SECONDS)
    except (GraphError, TimedOut) as failed:
        return [Finding(False, f"{what}: no draft could be made ({_said(failed)})", _fix(failed))]
    try:
        await drafts.delete_draft(draft.id, seconds=SECONDS)
    except (GraphError, TimedOut) as failed:
        return [
            Finding(
                False,
                f"{what}: a draft made, but not deleted ({_said(failed)})",
                f"delete the draft '{SUBJECT}' in its Drafts folder by hand; the bot needs only "
                "to make drafts, so the close works",
            )
        ]
    return [Finding(True, f"{what}: a draft made and deleted (Mail.ReadWrite works there)")]


async def _other(drafts: DraftMailbox, mailbox: str, other: str) -> Finding:
    if not other.strip() or other.strip().casefold() == mailbox.casefold():
        return Finding(
            True,
            "the scope to that one mailbox: not tested",
            "set STORA_MAILBOX_CHECK_OTHER to a mailbox outside the scope (e.g. your own) and "
            "run the check again",
        )
    try:
        draft = await drafts.create_draft(SUBJECT, TEXT, mailbox=other, seconds=SECONDS)
    except GraphError as refused:
        if refused.status == 403:
            return Finding(True, f"mailbox {other}: refused (403), as the scope should have it")
        return Finding(
            False,
            f"mailbox {other}: answered {_said(refused)}, not a refusal",
            "is STORA_MAILBOX_CHECK_OTHER a real mailbox? A missing one proves nothing",
        )
    except TimedOut:
        return Finding(False, f"mailbox {other}: Graph did not answer in time", "try again")
    try:
        await drafts.delete_draft(draft.id, mailbox=other, seconds=SECONDS)
        gone = "deleted again"
    except (GraphError, TimedOut):
        gone = f"NOT deleted: remove '{SUBJECT}' from its Drafts by hand"
    return Finding(
        False,
        f"mailbox {other}: the app could make a draft there too ({gone}): it may use every mailbox",
        "limit Mail.ReadWrite to the team's mailbox with Exchange RBAC for Applications "
        "(docs/graph.md, 'The team's mailbox')",
    )


def _said(failed: GraphError | TimedOut) -> str:
    if isinstance(failed, TimedOut):
        return "no answer in time"
    return f"{failed.status} {'/'.join(failed.codes) or '-'}"


def _fix(failed: GraphError | TimedOut) -> str:
    if isinstance(failed, TimedOut):
        return "try again; check the network to graph.microsoft.com"
    if failed.status in (401, 403):
        return _GRANT
    if failed.status == 404:
        return "check STORA_MAILBOX: the shared mailbox's address (its primary SMTP address)"
    return "try again in a minute"

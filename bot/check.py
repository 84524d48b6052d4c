"""``python -m bot check [--write]``: can the bot use its workbook? Each problem with its fix.

With Graph settings (docs/graph.md) it checks credentials, permissions, the
file, the table and its headers in SharePoint, reading only; ``--write``
adds the real round trip (session, table, one cell of the bot's hidden
sheet written and cleared, session closed). Without Graph settings, the
local workbook. Exit status 0 when all is well, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import sys

from cases.columns import TABLE_NAME, WorkbookLayoutError
from cases.ledger import LedgerUnavailable
from local_workbook.ledger import LocalWorkbookLedger

from .config import Settings


def main(settings: Settings | None = None, write: bool = False) -> int:
    settings = settings or Settings()
    status = _workbook(settings, write)
    if settings.mailbox.strip():
        status = max(status, _mailbox(settings))
    return status


def _mailbox(settings: Settings) -> int:
    """The close's draft: made and deleted in STORA_MAILBOX, refused in another (graph.check_mail)."""
    from graph.check import render
    from graph.check_mail import check_mailbox

    print(f"Stora ärenden: drafts in the mailbox {settings.mailbox.strip()}")
    findings = asyncio.run(
        check_mailbox(
            settings.graph_config(), settings.mailbox.strip(), settings.mailbox_check_other.strip()
        )
    )
    print(render(findings))
    return 0 if all(f.ok for f in findings) else 1


def _workbook(settings: Settings, write: bool) -> int:
    graph = settings.graph_config()
    if graph.configured:
        from graph.check import check, render

        how = " (--write: one cell of its hidden sheet written and cleared)" if write else ""
        print(f"Stora ärenden: the workbook in SharePoint, through Microsoft Graph{how}")
        findings = asyncio.run(check(graph, write=write))
        print(render(findings))
        return 0 if all(f.ok for f in findings) else 1
    print(f"Stora ärenden: the local workbook {settings.workbook} (no STORA_GRAPH_* settings)")
    try:
        cases = asyncio.run(LocalWorkbookLedger(settings.workbook).list())
    except WorkbookLayoutError as wrong:
        print(f"  PROBLEM  {wrong.message_en}")
        print(
            f"           fix: open it in Excel and repair the table {TABLE_NAME}, or move it away "
            "to have a new one made from the template"
        )
        return 1
    except LedgerUnavailable as unavailable:
        print(f"  PROBLEM  cannot open it ({unavailable.detail})")
        return 1
    print(f"  ok       table {TABLE_NAME} with the routine's columns, {len(cases)} cases")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

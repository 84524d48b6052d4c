"""What each refusal means for the admin, and the next permission up the ladder.

The ladder, least privilege first (docs/graph.md has the evidence for each):

1. ``Sites.Selected`` with the ``write`` role on the team's site: that one
   site only. Microsoft does not document it for the workbook API either way.
2. ``Files.ReadWrite.All`` (application): every file in every site; reported
   working for the workbook API app-only (microsoft-graph-docs-contrib #8691).
3. ``Sites.ReadWrite.All`` (application): every file *and list item* in every
   site (learn.microsoft.com/graph/permissions-reference); reported working
   too (#8691), and broader than 2 for nothing the bot needs.

Which rung the identity stands on is read, when it can be, from the ``roles``
claim of its token. Microsoft tells clients to treat access tokens as opaque
(learn.microsoft.com/entra/identity-platform/access-tokens), so this is only
a hint: without it the whole ladder is printed.
"""

from __future__ import annotations

import base64
import json

from .errors import GraphError, Refusal

SITE_WRITE = (
    "Sites.Selected with the 'write' role on the team's site "
    "(POST /sites/{site-id}/permissions, docs/graph.md)"
)
LADDER = (
    ("Sites.Selected", SITE_WRITE),
    ("Files.ReadWrite.All", "Files.ReadWrite.All (application)"),
    ("Sites.ReadWrite.All", "Sites.ReadWrite.All (application)"),
)
_WIDER = frozenset({"Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"})
CONSENT = "An admin grants consent in Entra ID › App registrations › API permissions."


def token_roles(token: str) -> frozenset[str] | None:
    """The application permissions in an access token's ``roles`` claim, if readable."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    roles = payload.get("roles") if isinstance(payload, dict) else None
    if not isinstance(roles, list):
        return frozenset()
    return frozenset(r for r in roles if isinstance(r, str))


def next_permission(roles: frozenset[str] | None) -> str:
    """The next rung to try, given the permissions the identity has now."""
    if roles is None:
        return (
            "try these application permissions in this order, least privilege first: "
            + "; then ".join(f"{n}. {text}" for n, (_, text) in enumerate(LADDER, 1))
            + ". "
            + CONSENT
        )
    if roles & _WIDER:
        return (
            f"the app already has {', '.join(sorted(roles & _WIDER))}, more than any rung of "
            "the ladder in docs/graph.md: this refusal is not about its permission. Open the file "
            "in Excel for the web: is it checked out, protected or labelled?"
        )
    if "Files.ReadWrite.All" in roles:
        return f"grant {LADDER[2][1]}, the next rung (docs/graph.md). {CONSENT}"
    if "Sites.Selected" in roles:
        return (
            "check that the app's role on the team's site is 'write', not 'read' "
            "(GET /sites/{site-id}/permissions); if it is, grant "
            f"{LADDER[1][1]}, the next rung (docs/graph.md). {CONSENT}"
        )
    return f"grant {SITE_WRITE}, the first rung (docs/graph.md). {CONSENT}"


def refused(what: str, failed: GraphError, roles: frozenset[str] | None) -> tuple[str, str]:
    """A refusal of ``what`` as (what was refused, the fix), or ``("", "")`` if none."""
    refusal = failed.refusal
    shown = f"{failed.status} {'/'.join(c for c in failed.codes if c) or '-'}"
    if refusal is None:
        return "", ""
    if refusal is Refusal.TOKEN:
        return (
            f"{what}: Graph refused the token itself ({shown})",
            (
                "not a missing permission: the token is for another tenant or app, or has "
                "expired. Check that AZURE_TENANT_ID is the team's tenant, that AZURE_CLIENT_ID "
                "is the identity given the permissions, and the machine's clock"
            ),
        )
    if refusal is Refusal.PROTECTED:
        return (
            f"{what}: the Excel service cannot open this file for any app ({shown})",
            (
                "a sensitivity label that encrypts the file, or Information Rights Management, "
                "keeps the Excel API out whatever the permission (microsoft-graph-docs #19404): "
                "remove it from the file"
            ),
        )
    meaning = {
        Refusal.OPEN: "the Excel service will not open the file for this app, although Graph "
        "accepted its token",
        Refusal.EDIT: "the Excel service lets this app read the file but not edit it",
        Refusal.WAC: "the Excel service could not get its own token for this app "
        '("Could not obtain a WAC access token")',
        Refusal.DENIED: "permission missing",
    }[refusal]
    return f"{what}: {meaning} ({shown})", next_permission(roles)

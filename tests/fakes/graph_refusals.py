"""How Graph's Excel API refuses an app-only identity: status and body of each shape.

Used by ``FakeGraph.refuse(kinds, shape)`` to model an identity's permission
level. Each shape is copied from public reports (status, top-level code, the
nested ``innerError`` codes and the messages as printed there); where they
are silent the fake takes the stricter choice, said at the shape.
"""

from __future__ import annotations

import uuid
from typing import Any

# shape -> (status, [(code, message), ...] outermost first; code "" = none at that level)
SHAPES: dict[str, tuple[int, list[tuple[str, str]]]] = {
    # Sites.Selected without a role on the site: 403 accessDenied, "Access denied",
    # innerError with date and ids only (github.com/acsone/msgraphfs/issues/9).
    "denied": (403, [("accessDenied", "Access denied"), ("", "")]),
    # createSession app-only: 403 EditModeAccessDenied, "Contact the workbook owner
    # to request edit access." (a Microsoft Q&A report, cited in
    # github.com/n8n-io/n8n/pull/34244). The reports give no inner levels: the
    # stricter choice copies the nesting of the Excel service's kin refusals
    # (FileOpenUserUnauthorized, OpenWorkbookAccessDenied below), whose second
    # level is only the generic "...Uncategorized": reading the second-level
    # code alone, as Microsoft advises for other errors, would miss what it is.
    "edit": (
        403,
        [
            ("EditModeAccessDenied", "Contact the workbook owner to request edit access."),
            ("forbiddenUncategorized", "The request is not allowed."),
            ("EditModeAccessDenied", "Contact the workbook owner to request edit access."),
        ],
    ),
    # 401, not 403 (github.com/OfficeDev/office-js/issues/4506 "response status
    # code 401"; PipedreamHQ/pipedream #13612 "returns 401"), with this nesting.
    "open": (
        401,
        [
            (
                "FileOpenUserUnauthorized",
                "You do not have permissions to open this file in the browser.",
            ),
            (
                "unauthorizedUncategorized",
                "Required authentication information for the resource is either missing or invalid.",
            ),
            (
                "FileOpenUserUnauthorized",
                "You do not have permissions to open this file in the browser.",
            ),
        ],
    ),
    # 403 AccessDenied with no second-level code: the message is the only
    # telltale (microsoftgraph/microsoft-graph-docs-contrib #1311;
    # OneDrive/onedrive-api-docs #1760 "403 - Could not obtain a WAC access
    # token"; n8n-io/n8n #20040 "403 AccessDenied").
    "wac": (403, [("AccessDenied", "Could not obtain a WAC access token."), ("", "")]),
    # A file with an encrypting sensitivity label, even with Sites.FullControl.All
    # (microsoftgraph/microsoft-graph-docs #19404). Its status is not printed
    # there: learn.microsoft.com/graph/workbook-error-codes has "forbidden" as 403.
    "protected": (
        403,
        [
            ("OpenWorkbookAccessDenied", "You do not have permissions to open this file."),
            ("forbiddenUncategorized", "The request is not allowed."),
            ("OpenWorkbookAccessDenied", "You do not have permissions to open this file."),
        ],
    ),
    # A token for another tenant or resource: 401 InvalidAuthenticationToken, no
    # second-level code (microsoftgraph/microsoft-graph-docs-contrib #2362).
    "token": (
        401,
        [
            ("InvalidAuthenticationToken", "Access token validation failure. Invalid audience."),
            ("", ""),
        ],
    ),
}


def refusal_body(shape: str) -> tuple[int, dict[str, Any]]:
    status, levels = SHAPES[shape]
    details = {
        "date": "2026-11-23T08:00:00",
        "request-id": str(uuid.uuid4()),
        "client-request-id": str(uuid.uuid4()),
    }
    node: dict[str, Any] | None = None
    for depth, (code, message) in reversed(list(enumerate(levels))):
        here: dict[str, Any] = {}
        if code:
            here["code"] = code
        if message:
            here["message"] = message
        if depth == 1:
            here.update(details)  # Graph puts date and ids on the second level
        if node is not None:
            here["innerError"] = node
        node = here
    assert node is not None
    return status, {"error": node}

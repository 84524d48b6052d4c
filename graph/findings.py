"""``python -m bot check``'s findings: each step's verdict, and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass

from .client import TimedOut
from .errors import GraphError, Retry
from .permissions import refused
from .session import SESSION_REST

Roles = frozenset[str] | None  # the token's application permissions, when readable


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""  # with ok: how to do better, though it works


def failed_finding(
    what: str, failed: GraphError | TimedOut, fix: str, roles: Roles = None
) -> Finding:
    """A step that failed: a refusal in its own words and fix, else ``fix``."""
    if isinstance(failed, TimedOut):
        return Finding(
            False,
            f"{what}: Graph did not answer in time",
            "try again; check the network to graph.microsoft.com",
        )
    if failed.ends_session:
        return Finding(
            False,
            f"{what}: {_ended(failed, 'the workbook session')}",
            "run the check again in a minute: the bot too makes a new session at its next call",
        )
    said, remedy = refused(what, failed, roles)
    if said:
        return Finding(False, said, remedy)
    if failed.not_found:
        return Finding(False, f"{what}: not found (404)", fix)
    return Finding(False, f"{what}: Graph answered {failed.status} {'/'.join(failed.codes)}", fix)


# Why Graph ended a session, as learn.microsoft.com/graph/workbook-error-codes words each code.
_WHY = {
    "invalidsessionrecreatable": "a transient error in the Excel service",
    "invalidsessionnotfound": "the Excel service could not find the workbook",
    "invalidsessionauthentication": "an authentication error inside the Excel service",
    "invalidsessionrestricted": "the Excel service's configuration or restrictions",
    "invalidsessionunexpected": "an unexpected issue in the Excel service",
    "invalidsessionunsupportedworkbook": "features or a size of the workbook the Excel service "
    "does not support in a session",
    "invalidsessionaccessconflict": "another client holding the workbook",
    "internalservererroruncategorized": "an unspecified error in the Excel service",
}
# What the bot does next, which the check does too (graph.errors, graph.check_send).
_NEXT = {
    Retry.NEW_SESSION: "went on with a new session, as the bot does",
    Retry.ACCESS_CONFLICT: "waited a moment and went on with a new session, as the bot does",
    Retry.SESSIONLESS: f"went on without one, as the bot does for {SESSION_REST / 60:g} minutes "
    "(slower, still saved)",
}


def _ended(failed: GraphError, it: str) -> str:
    shown = f"{failed.status} {'/'.join(failed.codes)}"
    why = next((_WHY[c.casefold()] for c in failed.codes if c.casefold() in _WHY), "")
    return (
        f"Graph ended {it} ({shown}{': ' + why if why else ''}), "
        "not a refusal: no permission is missing"
    )


def session_ended(failed: GraphError) -> str:
    """One line: Graph ended the session at ``failed``, what that means, and what came next."""
    then = _NEXT.get(failed.retry, "")
    return f"workbook session: {_ended(failed, f'it at {failed.what!r}')}" + (
        f"; the check {then}" if then else ""
    )


def render(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"  {'ok' if finding.ok else 'PROBLEM':<8} {finding.what}")
        if finding.fix:
            lines.append(f"  {'':<8} {'to do better' if finding.ok else 'fix'}: {finding.fix}")
    return "\n".join(lines)

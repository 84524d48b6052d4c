"""``python -m bot check``'s findings: each step's verdict, and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass

from .client import TimedOut
from .errors import GraphError
from .permissions import refused

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
    said, remedy = refused(what, failed, roles)
    if said:
        return Finding(False, said, remedy)
    if failed.not_found:
        return Finding(False, f"{what}: not found (404)", fix)
    return Finding(False, f"{what}: Graph answered {failed.status} {'/'.join(failed.codes)}", fix)


def render(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        lines.append(f"  {'ok' if finding.ok else 'PROBLEM':<8} {finding.what}")
        if finding.fix:
            lines.append(f"  {'':<8} {'to do better' if finding.ok else 'fix'}: {finding.fix}")
    return "\n".join(lines)

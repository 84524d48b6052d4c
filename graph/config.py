"""What the Graph store needs to know: where the workbook is, who the bot is, how long to wait.

``bot.config.Settings`` reads these from the environment (``STORA_GRAPH_*`` and
the ``AZURE_*`` names azure-identity uses) and hands them over as a
``GraphConfig``; nothing in ``graph/`` reads the environment itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlparse

CredentialKind = Literal["secret", "certificate", "managed-identity"]
CREDENTIAL_KINDS: tuple[str, ...] = ("secret", "certificate", "managed-identity")

GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
DEFAULT_FILE_NAME = "Stora ärenden.xlsx"


class GraphConfigError(ValueError):
    """The Graph settings cannot work as given; the message says which setting to fix."""


@dataclass(frozen=True)
class GraphConfig:
    # Where: both ids; or the library's drive id, or the team's group id, and the file's path.
    drive_id: str = ""
    item_id: str = ""
    group_id: str = ""
    folder: str = ""  # the channel's folder in the team's document library, e.g. "Backoffice"
    file_name: str = DEFAULT_FILE_NAME
    # Who: azure-identity, the kind chosen explicitly or from which secrets are set.
    credential: CredentialKind | Literal[""] = ""
    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    certificate_path: str = ""
    certificate_password: str = field(default="", repr=False)
    # How long: one Ledger call, and all Graph work of one Teams request together.
    deadline: float = 2.5
    click_budget: float = 4.0
    base_url: str = GRAPH_BASE_URL

    @property
    def configured(self) -> bool:
        """Whether the Graph store is asked for at all (else the local workbook is used)."""
        return bool(self.drive_id or self.group_id)

    @property
    def credential_kind(self) -> CredentialKind:
        if self.credential:
            return self.credential
        if self.certificate_path:
            return "certificate"
        if self.client_secret:
            return "secret"
        return "managed-identity"

    @property
    def file_path(self) -> str:
        """The file's path from the root of the team's document library."""
        parts = [p for p in self.folder.replace("\\", "/").split("/") if p.strip()]
        return "/".join([*parts, self.file_name.strip()])

    @property
    def graph_host(self) -> str:
        return urlparse(self.base_url).hostname or ""

    def problems(self) -> list[str]:
        """Settings that cannot work together, each with the variable to set."""
        found: list[str] = []
        if self.item_id and not self.drive_id:
            found.append("STORA_GRAPH_ITEM_ID needs STORA_GRAPH_DRIVE_ID (the library's drive id).")
        if not self.item_id and not self.file_name.strip():
            found.append("STORA_GRAPH_FILE is empty: give the workbook's file name.")
        if self.credential and self.credential not in CREDENTIAL_KINDS:
            found.append(f"STORA_GRAPH_CREDENTIAL must be one of {', '.join(CREDENTIAL_KINDS)}.")
        kind = self.credential_kind
        if kind in ("secret", "certificate") and not (self.tenant_id and self.client_id):
            found.append(f"A {kind} credential needs AZURE_TENANT_ID and AZURE_CLIENT_ID.")
        if kind == "secret" and not self.client_secret:
            found.append("STORA_GRAPH_CREDENTIAL=secret needs AZURE_CLIENT_SECRET.")
        if kind == "certificate" and not self.certificate_path:
            found.append("STORA_GRAPH_CREDENTIAL=certificate needs AZURE_CLIENT_CERTIFICATE_PATH.")
        if not 0 < self.deadline <= self.click_budget:
            found.append(
                "STORA_GRAPH_DEADLINE must be above 0 and at most STORA_GRAPH_CLICK_BUDGET."
            )
        if self.click_budget >= 5:
            found.append("STORA_GRAPH_CLICK_BUDGET must stay under Teams' 5 s for a click.")
        parsed = urlparse(self.base_url)
        if parsed.scheme != "https" and parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            found.append("STORA_GRAPH_BASE_URL must be https (plain http only on loopback).")
        return found

    def check(self) -> GraphConfig:
        problems = self.problems()
        if problems:
            raise GraphConfigError(" ".join(problems))
        return self

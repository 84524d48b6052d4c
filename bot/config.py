"""Settings, from environment variables and an optional ``.env`` file.

The bot's identity uses the names Azure and the Bot Framework samples use
(``MicrosoftAppId`` ...), so an Azure Bot's app settings work as they are.
Everything else is prefixed ``STORA_``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .reach import BOT_FRAMEWORK_HOSTS, ReachPolicy
from .signing_keys import BOT_FRAMEWORK_OPENID_METADATA

if TYPE_CHECKING:
    from graph.config import GraphConfig

LOOPBACK = "127.0.0.1"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    app_id: str = Field("", validation_alias="MicrosoftAppId")
    app_password: str = Field("", validation_alias="MicrosoftAppPassword", repr=False)
    app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        "SingleTenant", validation_alias="MicrosoftAppType"
    )
    app_tenant_id: str = Field("", validation_alias="MicrosoftAppTenantId")

    host: str = Field("0.0.0.0", validation_alias="STORA_HOST")
    port: int = Field(3978, validation_alias=AliasChoices("STORA_PORT", "PORT"))
    workbook: Path = Field(Path("data/stora-arenden.xlsx"), validation_alias="STORA_WORKBOOK")
    # The "Öppna arbetsboken" link on the queue. Empty: the Graph file's own
    # webUrl, and no link for the local workbook (no address Teams can open).
    workbook_url: str = Field(
        "", pattern=r"^(https://\S+)?$", validation_alias="STORA_WORKBOOK_URL"
    )
    state_dir: Path = Field(Path("data/state"), validation_alias="STORA_STATE_DIR")
    # The bot acts only for this tenant and team when they are set. The tenant
    # defaults to the app's own tenant; the team is the Backoffice team's id
    # (channelData.team.id, "19:...@thread.tacv2") or its AAD group id.
    tenant_id: str = Field("", validation_alias="STORA_TENANT_ID")
    team_id: str = Field("", validation_alias="STORA_TEAM_ID")
    # Without STORA_TEAM_ID, an authenticated bot starts only when told to bind
    # the first team that installs it (bot/team_channel.py).
    team_bind_first: bool = Field(False, validation_alias="STORA_TEAM_BIND_FIRST")
    # How long a roster answer is trusted (bot/membership.py): a removed member
    # keeps access at most this long; someone just added waits at most the other.
    membership_ttl_seconds: float = Field(
        300, ge=0, validation_alias="STORA_MEMBERSHIP_TTL_SECONDS"
    )
    outsider_ttl_seconds: float = Field(60, ge=0, validation_alias="STORA_OUTSIDER_TTL_SECONDS")
    # -- who may reach the bot, and whom it calls (bot/endpoint.py, bot/reach.py) --
    # With an App ID, the hosts a serviceUrl may name, comma-separated ("*." for
    # any subdomain): the Bot Connector's own. Without one, loopback only.
    service_url_hosts: str = Field(
        ",".join(BOT_FRAMEWORK_HOSTS), validation_alias="STORA_SERVICE_URL_HOSTS"
    )
    # Where the Bot Connector's token-signing keys are published.
    openid_metadata_url: str = Field(
        BOT_FRAMEWORK_OPENID_METADATA, validation_alias="STORA_OPENID_METADATA_URL"
    )
    log_level: str = Field("INFO", validation_alias="STORA_LOG_LEVEL")
    # "json" (one object a line, for Azure) or "text" (for a person at a terminal).
    log_format: Literal["json", "text"] = Field("text", validation_alias="STORA_LOG_FORMAT")
    # On SIGTERM: how long background work, then turns in flight, may take to finish.
    # (aiohttp reads 0 as "wait forever", so it must be above 0.)
    shutdown_timeout: float = Field(8.0, gt=0, validation_alias="STORA_SHUTDOWN_TIMEOUT")
    # -- stall notices (docs/notifications.md); thresholds in business time -----
    notify_secret: str = Field("", validation_alias="STORA_NOTIFY_SECRET", repr=False)
    notify_interval_seconds: float = Field(
        60, ge=0, validation_alias="STORA_NOTIFY_INTERVAL_SECONDS"
    )
    stall_new_hours: float = Field(4, gt=0, validation_alias="STORA_STALL_NEW_HOURS")
    stall_started_days: float = Field(1, gt=0, validation_alias="STORA_STALL_STARTED_DAYS")
    stall_handed_over_hours: float = Field(
        2, gt=0, validation_alias="STORA_STALL_HANDED_OVER_HOURS"
    )
    stall_escalation: float = Field(2, gt=1, validation_alias="STORA_STALL_ESCALATION")
    business_opens: str = Field(
        "08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", validation_alias="STORA_BUSINESS_OPENS"
    )
    business_closes: str = Field(
        "17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", validation_alias="STORA_BUSINESS_CLOSES"
    )
    business_holidays: str = Field("public,de_facto", validation_alias="STORA_BUSINESS_HOLIDAYS")
    digest_window_minutes: float = Field(120, gt=0, validation_alias="STORA_DIGEST_WINDOW_MINUTES")
    # Taking over a case its handler changed less than this many business hours ago asks
    # "Ta över ändå?" first; 9 = one 08-17 day, after which the stall rule calls it stalled. 0: never.
    takeover_confirm_hours: float = Field(9, ge=0, validation_alias="STORA_TAKEOVER_CONFIRM_HOURS")
    notify_posts_per_second: float = Field(
        1, gt=0, validation_alias="STORA_NOTIFY_POSTS_PER_SECOND"
    )
    # Channel cards Teams did not take at the click are redrawn this often (bot/redraws.py); 0: off.
    redraw_retry_seconds: float = Field(15, ge=0, validation_alias="STORA_REDRAW_RETRY_SECONDS")
    # -- where the bot's own state lives (bot/state.py) -------------------------
    storage: Literal["file", "blob"] = Field("file", validation_alias="STORA_STORAGE")
    blob_account_url: str = Field("", validation_alias="STORA_BLOB_ACCOUNT_URL")
    blob_container: str = Field("stora-arenden-state", validation_alias="STORA_BLOB_CONTAINER")
    blob_connection_string: str = Field(
        "", validation_alias="STORA_BLOB_CONNECTION_STRING", repr=False
    )
    # -- the team's workbook in SharePoint through Microsoft Graph (docs/graph.md) --
    # Set the ids, or the team's group id (then folder and file): the bot then
    # uses Graph instead of the local workbook.
    graph_drive_id: str = Field("", validation_alias="STORA_GRAPH_DRIVE_ID")
    graph_item_id: str = Field("", validation_alias="STORA_GRAPH_ITEM_ID")
    graph_group_id: str = Field("", validation_alias="STORA_GRAPH_GROUP_ID")
    graph_folder: str = Field("", validation_alias="STORA_GRAPH_FOLDER")
    graph_file: str = Field("Stora ärenden.xlsx", validation_alias="STORA_GRAPH_FILE")
    graph_credential: Literal["", "secret", "certificate", "managed-identity"] = Field(
        "", validation_alias="STORA_GRAPH_CREDENTIAL"
    )
    graph_deadline: float = Field(2.5, gt=0, validation_alias="STORA_GRAPH_DEADLINE")
    graph_click_budget: float = Field(4.0, gt=0, lt=5, validation_alias="STORA_GRAPH_CLICK_BUDGET")
    # Seconds after each write the bot reads the row back, for an edit made in
    # Excel for the web at the same moment that reached Graph after the write
    # (bot/late_edits.py): reported "usually around 5s", so twice that; 0: off.
    graph_late_edit_check: float = Field(10.0, ge=0, validation_alias="STORA_GRAPH_LATE_EDIT_CHECK")
    graph_base_url: str = Field(
        "https://graph.microsoft.com/v1.0", validation_alias="STORA_GRAPH_BASE_URL"
    )
    # azure-identity's own names; empty ones fall back to the bot's MicrosoftApp* values.
    azure_tenant_id: str = Field("", validation_alias="AZURE_TENANT_ID")
    azure_client_id: str = Field("", validation_alias="AZURE_CLIENT_ID")
    azure_client_secret: str = Field("", validation_alias="AZURE_CLIENT_SECRET", repr=False)
    azure_client_certificate_path: str = Field("", validation_alias="AZURE_CLIENT_CERTIFICATE_PATH")
    azure_client_certificate_password: str = Field(
        "", validation_alias="AZURE_CLIENT_CERTIFICATE_PASSWORD", repr=False
    )
    # The team's shared mailbox: the close also makes the e-mail a draft there
    # (app-only Mail.ReadWrite, scoped to this mailbox; docs/graph.md). Empty: no draft.
    mailbox: str = Field("", validation_alias="STORA_MAILBOX")
    # For ``python -m bot check`` only: a real mailbox outside that scope, which must be refused.
    mailbox_check_other: str = Field("", validation_alias="STORA_MAILBOX_CHECK_OTHER")
    # -- who is who (docs/identity.md) ---------------------------------------------
    # A user property in the directory holding each agent's Elin signature (read
    # through Graph, User.Read.All); empty: each agent types theirs once.
    signature_attribute: str = Field("", validation_alias="STORA_SIGNATURE_ATTRIBUTE")
    # AAD object ids, comma-separated, of those who may list and release signatures.
    admins: str = Field("", validation_alias="STORA_ADMINS")

    def graph_config(self) -> GraphConfig:
        """The Graph store's settings; ``.configured`` says whether the bot should use it."""
        from graph.config import GraphConfig

        msi = self.app_type == "UserAssignedMSI"
        secret = self.azure_client_secret or ("" if msi else self.app_password)
        registration = self.graph_credential in ("secret", "certificate") or (
            not self.graph_credential and (secret or self.azure_client_certificate_path)
        )
        return GraphConfig(
            drive_id=self.graph_drive_id, item_id=self.graph_item_id, group_id=self.graph_group_id,
            folder=self.graph_folder, file_name=self.graph_file, credential=self.graph_credential,
            tenant_id=self.azure_tenant_id or self.app_tenant_id,
            # A managed identity's client id only when it is the bot's own (UserAssignedMSI).
            client_id=self.azure_client_id or (self.app_id if registration or msi else ""),
            client_secret=secret,
            certificate_path=self.azure_client_certificate_path,
            certificate_password=self.azure_client_certificate_password,
            deadline=self.graph_deadline, click_budget=self.graph_click_budget,
            base_url=self.graph_base_url,
        )  # fmt: skip

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

    def reach_policy(self) -> ReachPolicy:
        return ReachPolicy.of(self.authenticated, self.service_url_hosts.split(","))

    @property
    def bind_host(self) -> str:
        """Without an App ID nobody's token is checked: never listen beyond loopback."""
        return self.host if self.authenticated else LOOPBACK

    def team_problem(self) -> str | None:
        """Why the bot must not start as configured, or None.

        With an App ID, anyone in the tenant (or beyond) can reach the bot, so it
        must know which team it serves before the first activity arrives.
        Locally, the Playground's mock team is bound at its installation.
        """
        if not self.authenticated:
            return None
        if not self.team_id and not self.team_bind_first:
            return (
                "MicrosoftAppId is set but no team is: set STORA_TEAM_ID to the Backoffice "
                "team's id, or STORA_TEAM_BIND_FIRST=true to serve the first team that installs the bot."
            )
        if not self.allowed_tenant:
            # Without it a team of any tenant could be the first to bind.
            return "MicrosoftAppId is set but no tenant is: set STORA_TENANT_ID or MicrosoftAppTenantId."
        return None

    @property
    def allowed_tenant(self) -> str:
        return self.tenant_id or self.app_tenant_id

    def bot_framework_configuration(self) -> object:
        """The attribute names botbuilder's configuration classes read."""
        return _BotFrameworkConfig(
            APP_ID=self.app_id,
            APP_PASSWORD=self.app_password,
            # botbuilder accepts an empty App ID (no authentication) only as MultiTenant.
            APP_TYPE=self.app_type if self.authenticated else "MultiTenant",
            APP_TENANTID=self.app_tenant_id,
        )


class _BotFrameworkConfig:
    def __init__(self, **values: str) -> None:
        self.__dict__.update(values)

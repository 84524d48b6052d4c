"""Settings, from environment variables and an optional ``.env`` file.

The bot's identity uses the names Azure and the Bot Framework samples use
(``MicrosoftAppId`` ...), so an Azure Bot's app settings work as they are.
Everything else is prefixed ``STORA_``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    state_dir: Path = Field(Path("data/state"), validation_alias="STORA_STATE_DIR")
    # The bot acts only for this tenant and team when they are set. The tenant
    # defaults to the app's own tenant; the team is the Backoffice team's id
    # (channelData.team.id, "19:...@thread.tacv2") or its AAD group id.
    tenant_id: str = Field("", validation_alias="STORA_TENANT_ID")
    team_id: str = Field("", validation_alias="STORA_TEAM_ID")
    log_level: str = Field("INFO", validation_alias="STORA_LOG_LEVEL")

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

    @property
    def bind_host(self) -> str:
        """Without an App ID nobody's token is checked: never listen beyond loopback."""
        return self.host if self.authenticated else LOOPBACK

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

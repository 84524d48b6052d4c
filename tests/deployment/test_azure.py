"""deployment/azure: the Bicep template and its parameters file, checked structurally.

The Bicep CLI cannot be installed here (its installers download the binary from
GitHub or downloads.bicep.azure.com; no registry this project reaches ships it),
so these tests parse the template with pycep-parser (a Bicep grammar for lark)
and check what the deployment depends on: the resources and their wiring, the
parameters file against the declared parameters, the app settings against the
bot's own settings, and that every name an expression uses is declared.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

from bot.config import Settings

AZURE = Path(__file__).resolve().parents[2] / "deployment" / "azure"
DOCS = Path(__file__).resolve().parents[2] / "docs"
BICEP_FUNCTIONS = {
    "resourceGroup", "tenant", "subscription", "uniqueString", "take", "guid", "concat", "empty",
    "subscriptionResourceId", "toLower",
}  # fmt: skip


@cache
def template() -> dict[str, Any]:
    return BicepParser(cache=False).parse(file_path=AZURE / "main.bicep")


def parameters_file() -> dict[str, Any]:
    return json.loads((AZURE / "main.parameters.json").read_text(encoding="utf-8"))["parameters"]


def resource(name: str) -> dict[str, Any]:
    return template()["resources"][name]


def config(name: str) -> dict[str, Any]:
    return resource(name)["config"]


def accessor(node: Any) -> str:
    """``identity.properties.clientId`` from pycep's nested property accessors."""
    if isinstance(node, str):
        return node
    operands = node["operator"]["operands"]
    return f"{accessor(operands['operand_1'])}.{accessor(operands['operand_2'])}"


def app_settings() -> dict[str, Any]:
    """Every app setting the site may get, through the variables and conditions that build them."""
    variables = template()["variables"]
    found: dict[str, Any] = {}
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if (
                isinstance(node.get("name"), str)
                and "value" in node
                and set(node) == {"name", "value"}
            ):
                found[node["name"]] = node["value"]
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str) and node in variables and node not in seen:
            seen.add(node)
            walk(variables[node]["value"])

    walk(config("site")["properties"]["siteConfig"]["appSettings"])
    return found


def test_the_template_parses_and_has_every_part_the_issue_asks_for() -> None:
    types = {r["type"] for r in template()["resources"].values()}
    assert {
        "Microsoft.BotService/botServices",
        "Microsoft.BotService/botServices/channels",
        "Microsoft.Web/serverfarms",
        "Microsoft.Web/sites",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.Authorization/roleAssignments",
    } <= types
    for name, declared in template()["resources"].items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(-preview)?", declared["api_version"]), name


def test_the_bot_is_single_tenant_with_teams_enabled_and_calls_the_web_app() -> None:
    bot = config("bot")["properties"]
    assert bot["msaAppType"] == "SingleTenant"
    assert (bot["msaAppId"], bot["msaAppTenantId"]) == ("botAppId", "tenantId")
    assert bot["endpoint"] == "https://${site.properties.defaultHostName}/api/messages"
    channel = config("teamsChannel")
    assert channel["parent"] == "bot" and channel["name"] == "MsTeamsChannel"
    assert channel["properties"]["channelName"] == "MsTeamsChannel"
    assert channel["properties"]["properties"]["isEnabled"] is True


def test_the_web_app_runs_the_image_as_the_managed_identity_always_on_with_a_health_check() -> None:
    site = config("site")
    assert site["identity"]["type"] == "UserAssigned"
    assert list(site["identity"]["userAssignedIdentities"]) == ["'${identity.id}'"]
    properties = site["properties"]
    assert properties["httpsOnly"] is True
    web = properties["siteConfig"]
    assert web["linuxFxVersion"].startswith("DOCKER|${registry.properties.loginServer}/")
    assert web["acrUseManagedIdentityCreds"] is True
    assert accessor(web["acrUserManagedIdentityID"]) == "identity.properties.clientId"
    assert (web["alwaysOn"], web["healthCheckPath"], web["numberOfWorkers"]) == (
        True,
        "/healthz",
        1,
    )
    assert web["ftpsState"] == "Disabled"
    assert config("plan")["properties"]["reserved"] is True  # Linux


def test_the_identity_may_pull_the_image_and_write_bot_state_and_nothing_else() -> None:
    assignments = {
        name: r["config"] for name, r in template()["resources"].items()
        if r["type"] == "Microsoft.Authorization/roleAssignments"
    }  # fmt: skip
    roles = template()["variables"]["roles"]["value"]
    granted = {
        (
            c["scope"],
            accessor(
                c["properties"]["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
            ),
        )
        for c in assignments.values()
    }
    assert granted == {
        ("registry", "roles.acrPull"),
        ("storage", "roles.storageBlobDataContributor"),
    }
    assert roles == {
        "acrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        "storageBlobDataContributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    }
    for assignment in assignments.values():
        assert (
            accessor(assignment["properties"]["principalId"]) == "identity.properties.principalId"
        )


def test_the_state_storage_is_private_and_keyless() -> None:
    storage = config("storage")["properties"]
    assert storage["allowBlobPublicAccess"] is False
    assert storage["allowSharedKeyAccess"] is False  # the identity's role is the only way in
    assert storage["minimumTlsVersion"] == "TLS1_2" and storage["supportsHttpsTrafficOnly"] is True
    assert config("stateContainer")["properties"]["publicAccess"] == "None"
    assert config("registry")["properties"]["adminUserEnabled"] is False


def test_every_app_setting_is_one_the_bot_reads() -> None:
    aliases = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        aliases |= set(getattr(alias, "choices", None) or ([alias] if alias else []))
    platform = {"WEBSITES_PORT", "WEBSITES_ENABLE_APP_SERVICE_STORAGE", "AZURE_CLIENT_ID"}
    unknown = set(app_settings()) - aliases - platform
    assert not unknown, f"app settings the bot does not read: {sorted(unknown)}"
    settings = app_settings()
    assert settings["STORA_STORAGE"] == "blob" and settings["STORA_LOG_FORMAT"] == "json"
    assert settings["MicrosoftAppType"] == "SingleTenant"
    assert accessor(settings["AZURE_CLIENT_ID"]) == "identity.properties.clientId"
    assert settings["STORA_GRAPH_CREDENTIAL"] == "managed-identity"
    assert {"STORA_GRAPH_DRIVE_ID", "STORA_GRAPH_ITEM_ID", "STORA_GRAPH_GROUP_ID"} <= set(settings)


def test_the_port_is_the_one_the_image_listens_on() -> None:
    dockerfile = (AZURE.parents[1] / "Dockerfile").read_text(encoding="utf-8")
    assert f"EXPOSE {app_settings()['WEBSITES_PORT']}" in dockerfile


def test_the_parameters_file_fits_the_declared_parameters_and_holds_no_secret() -> None:
    declared = template()["parameters"]
    given = parameters_file()
    assert set(given) <= set(declared)
    for name, value in given.items():
        decorators = {d["type"]: d.get("argument") for d in declared[name]["decorators"]}
        assert "secure" not in decorators, f"{name} is secure: pass it on the command line"
        if "allowed" in decorators:
            assert value["value"] in decorators["allowed"], name
        if "minLength" in decorators:
            assert len(value["value"]) >= int(decorators["minLength"]), name
    required = {name for name, p in declared.items() if p.get("default") is None}
    # teamId too: an authenticated bot will not start without its team (README).
    assert required == {"botAppId", "botAppPassword", "teamId"}
    assert required - set(given) == {"botAppPassword"}


def test_every_name_an_expression_uses_is_declared() -> None:
    text = (AZURE / "main.bicep").read_text(encoding="utf-8")
    declared = (
        set(template()["parameters"]) | set(template()["variables"]) | set(template()["resources"])
    )
    used = set()
    for expression in re.findall(r"\$\{([^}]+)\}", text):
        used.add(re.match(r"\s*([A-Za-z_]\w*)", expression).group(1))  # type: ignore[union-attr]
    for line in text.splitlines():
        code = line.split("//")[0]
        if re.match(r"\s*(param|var|resource|output|@|targetScope)", code):
            code = (
                code.split("=", 1)[1] if "=" in code and not code.lstrip().startswith("@") else ""
            )
        code = re.sub(r"'(?:[^'\\]|\\.)*'", "''", code)
        used |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)\.", code))
        used |= set(re.findall(r"\b([A-Za-z_]\w*)\(", code))
    unknown = used - declared - BICEP_FUNCTIONS - {"properties"}
    assert not unknown, unknown


@pytest.mark.parametrize("doc", ["deploy.md", "setup.md"])
def test_the_outputs_the_docs_use_exist(doc: str) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    used = set(re.findall(r"properties\.outputs\.(\w+)\.value", text))
    assert used <= set(template()["outputs"]), used - set(template()["outputs"])


def test_the_workbook_is_named_by_its_ids_first_then_by_its_path_else_it_stays_local() -> None:
    # empty(driveId) ? (empty(groupId) ? [] : byPath) : byIds, the order Sites.Selected needs.
    chosen = template()["variables"]["workbookLocation"]["value"]["operator"]
    assert chosen["type"] == "conditional"
    outer = chosen["operands"]
    assert outer["condition"]["function"]["parameters"]["item_to_test"] == "workbookDriveId"
    assert outer["false_value"] == "workbookByIds"
    inner = outer["true_value"]["operator"]["operands"]
    assert inner["condition"]["function"]["parameters"]["item_to_test"] == "workbookGroupId"
    assert (inner["true_value"], inner["false_value"]) == ([], "workbookByPath")
    by_ids = {s["name"]: s["value"] for s in template()["variables"]["workbookByIds"]["value"]}
    assert by_ids == {
        "STORA_GRAPH_DRIVE_ID": "workbookDriveId",
        "STORA_GRAPH_ITEM_ID": "workbookItemId",
    }

"""The Teams app package: ``make package``'s zip against the official manifest schema."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import cards
from bot.commands import ADMIN_COMMANDS, Command, parse
from deployment.teams import package
from deployment.teams.package import PackageError, PackageSettings

APP_ID = "5d3c9a1e-7b2f-4c8d-9e0a-1b2c3d4e5f60"
DOMAIN = "stora-arenden-abc123.azurewebsites.net"
HELP_KEY = {
    Command.REGISTER: "register", Command.QUEUE: "queue", Command.MINE: "mine",
    Command.TRIAGE: "triage", Command.EMAIL: "email", Command.HELP: "help",
    Command.STATS: "stats",
}  # fmt: skip


def settings(**values: str) -> PackageSettings:
    return PackageSettings(
        _env_file=None, **{"MicrosoftAppId": APP_ID, "STORA_BOT_DOMAIN": DOMAIN, **values}
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = package.build(tmp_path_factory.mktemp("pkg") / "app.zip", settings())
    with zipfile.ZipFile(out) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def manifest_of(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["manifest.json"])


def test_the_package_holds_the_manifest_the_strings_and_both_icons_at_its_root(
    built: dict[str, bytes],
) -> None:
    assert sorted(built) == ["color.png", "en-us.json", "manifest.json", "outline.png"]


def test_the_packaged_manifest_passes_the_official_schema(built: dict[str, bytes]) -> None:
    manifest = manifest_of(built)
    localizations = {"en-us.json": json.loads(built["en-us.json"])}
    assert package.schema_errors(manifest, localizations) == []
    assert manifest["manifestVersion"] == "1.30"


def test_the_app_id_and_the_domain_come_from_the_settings(built: dict[str, bytes]) -> None:
    manifest = manifest_of(built)
    assert manifest["id"] == APP_ID
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert manifest["validDomains"] == [DOMAIN]
    assert manifest["developer"]["websiteUrl"] == f"https://{DOMAIN}/"
    assert "${{" not in built["manifest.json"].decode()


def test_the_bot_is_in_team_and_personal_scope_with_every_command_in_swedish(
    built: dict[str, bytes],
) -> None:
    (bot,) = manifest_of(built)["bots"]
    assert set(bot["scopes"]) == {"team", "personal"}
    lists = {
        scope: command_list["commands"]
        for command_list in bot["commandLists"]
        for scope in command_list["scopes"]
    }
    assert set(lists) == {"team", "personal"}
    for commands in lists.values():
        assert [c["title"] for c in commands] == [
            c.value for c in Command if c not in ADMIN_COMMANDS
        ]
        for command in commands:
            wanted = cards.texts.t(f"help_{HELP_KEY[Command(command['title'])]}", "sv-SE")
            assert command["description"] == wanted
            assert parse(command["title"]) is Command(command["title"])


def test_english_teams_shows_the_english_commands_the_bot_also_understands(
    built: dict[str, bytes],
) -> None:
    english = json.loads(built["en-us.json"])
    (bot,) = manifest_of(built)["bots"]
    for index, command_list in enumerate(bot["commandLists"]):
        for position, command in enumerate(command_list["commands"]):
            title = english[f"bots[0].commandLists[{index}].commands[{position}].title"]
            assert parse(title) is Command(command["title"]), title
            assert title == cards.texts.t(f"cmd_{HELP_KEY[Command(command['title'])]}", "en-US")


def test_the_color_icon_is_192_square_and_full_color(built: dict[str, bytes]) -> None:
    icon = Image.open(io.BytesIO(built["color.png"]))
    assert icon.format == "PNG" and icon.size == (192, 192)
    colors = icon.convert("RGB").getcolors(maxcolors=192 * 192)
    assert colors is not None and len(colors) > 2  # a symbol on a background, not a blank


def test_the_outline_icon_is_32_square_white_on_transparent(built: dict[str, bytes]) -> None:
    icon = Image.open(io.BytesIO(built["outline.png"]))
    assert icon.format == "PNG" and icon.size == (32, 32) and icon.mode == "RGBA"
    alpha = icon.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # a transparent background and an opaque symbol
    assert 0.1 < sum(1 for a in alpha.tobytes() if a) / (32 * 32) < 0.7
    visible_rgb = {
        icon.getpixel((x, y))[:3] for x in range(32) for y in range(32) if icon.getpixel((x, y))[3]
    }
    assert visible_rgb == {(255, 255, 255)}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda m: m.update(manifestVersion="1.99"), "manifestVersion"),
        (lambda m: m["name"].update(short="S" * 31), "name/short"),
        (lambda m: m["bots"][0].update(scopes=["team", "channel"]), "bots/0/scopes"),
        (lambda m: m["icons"].pop("outline"), "icons"),
        (lambda m: m.update(id="not-a-guid"), "id"),
    ],
    ids=["version", "long name", "scope", "icon", "id"],
)
def test_the_schema_check_catches_a_broken_manifest(
    built: dict[str, bytes], change: Callable[[dict[str, Any]], object], complaint: str
) -> None:
    manifest = manifest_of(built)
    change(manifest)
    errors = package.schema_errors(manifest, {})
    assert any(error.startswith(f"manifest.json: {complaint}") for error in errors), errors


def test_without_an_app_id_or_a_domain_it_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="MicrosoftAppId"):
        package.build(tmp_path / "a.zip", settings(MicrosoftAppId=""))
    with pytest.raises(PackageError, match="STORA_BOT_DOMAIN"):
        package.build(tmp_path / "b.zip", settings(STORA_BOT_DOMAIN=""))
    assert not list(tmp_path.iterdir())


def test_a_url_given_as_the_domain_is_reduced_to_its_host(tmp_path: Path) -> None:
    out = package.build(tmp_path / "app.zip", settings(STORA_BOT_DOMAIN=f"https://{DOMAIN}/"))
    with zipfile.ZipFile(out) as zipped:
        assert json.loads(zipped.read("manifest.json"))["validDomains"] == [DOMAIN]


def test_the_same_settings_give_the_same_bytes(tmp_path: Path) -> None:
    first = package.build(tmp_path / "1.zip", settings()).read_bytes()
    second = package.build(tmp_path / "2.zip", settings()).read_bytes()
    assert first == second


def test_make_package_reads_the_app_id_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer's .env here
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    monkeypatch.setenv("STORA_BOT_DOMAIN", DOMAIN)
    assert package.main(["--version", "1.2.3"]) == 0
    out = tmp_path / "dist" / "stora-arenden-teams.zip"
    with zipfile.ZipFile(out) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    assert (manifest["id"], manifest["version"]) == (APP_ID, "1.2.3")
    assert "Wrote" in capsys.readouterr().out


def test_the_schema_copies_are_the_published_files() -> None:
    source = (package.SCHEMAS / "SOURCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"\| `([\w.]+\.json)` \| `[^`]+` \| `([0-9a-f]{64})` \|", source))
    assert set(listed) == {p.name for p in package.SCHEMAS.glob("*.json")}
    for name, digest in listed.items():
        assert hashlib.sha256((package.SCHEMAS / name).read_bytes()).hexdigest() == digest, name

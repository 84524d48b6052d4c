"""``make package``: the Teams app package (a zip) to upload to Teams.

    python -m deployment.teams.package [--out PATH] [--version X.Y.Z]

Fills ``manifest.json``'s placeholders from the settings (environment or
``.env``, as the bot reads them), validates the result against the official
manifest schema kept in ``schema/``, and writes a zip with the manifest, the
English strings and both icons at its root, as Teams wants them:

- ``${{MICROSOFT_APP_ID}}``: ``MicrosoftAppId``, the bot's Entra app id. It is
  the Teams app id too, so one registration gives one app in the catalogue.
- ``${{BOT_DOMAIN}}``: ``STORA_BOT_DOMAIN``, the host name the bot answers on
  (``stora-arenden-xyz.azurewebsites.net``); the deployment prints it.
- ``${{DEVELOPER_URL}}``: ``STORA_DEVELOPER_URL``, a page about the app for
  the team (intranet, wiki); ``https://<bot domain>/`` when not set.
- ``${{APP_VERSION}}``: the project's version, or ``--version``. Teams updates
  an uploaded app only when this grows.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import Field

from bot.config import Settings

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.json"
SCHEMAS = HERE / "schema"
ICONS = ("color.png", "outline.png")
DEFAULT_OUT = Path("dist/stora-arenden-teams.zip")
_PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
# A fixed time for every file in the zip: the same inputs give the same bytes.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


class PackageSettings(Settings):
    bot_domain: str = Field("", validation_alias="STORA_BOT_DOMAIN")
    developer_url: str = Field("", validation_alias="STORA_DEVELOPER_URL")


class PackageError(Exception):
    """The package cannot be built as asked; the message says what to set."""


def values_from(settings: PackageSettings, version: str | None = None) -> dict[str, str]:
    app_id = settings.app_id.strip()
    if not _GUID.match(app_id):
        raise PackageError(
            "MicrosoftAppId is not set to the bot's app id (a GUID). Set it in the environment or .env: "
            "it is the Application (client) ID of the app registration (docs/setup.md, step 1)."
        )
    domain = (
        settings.bot_domain.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    )
    if not _HOST.match(domain):
        raise PackageError(
            "STORA_BOT_DOMAIN is not set to the bot's host name, e.g. stora-arenden-abc123.azurewebsites.net "
            "(the deployment's output botHost, docs/deploy.md)."
        )
    return {
        "MICROSOFT_APP_ID": app_id.lower(),
        "BOT_DOMAIN": domain,
        "DEVELOPER_URL": settings.developer_url.strip() or f"https://{domain}/",
        "APP_VERSION": version or metadata.version("stora-arenden"),
    }


def render(template: Any, values: Mapping[str, str]) -> Any:
    """``template`` with every ``${{NAME}}`` replaced; a name without a value is an error."""
    if isinstance(template, str):

        def one(match: re.Match[str]) -> str:
            if match.group(1) not in values:
                raise PackageError(
                    f"manifest.json uses ${{{{{match.group(1)}}}}}, which has no value"
                )
            return values[match.group(1)]

        return _PLACEHOLDER.sub(one, template)
    if isinstance(template, list):
        return [render(item, values) for item in template]
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    return template


def build_manifest(values: Mapping[str, str]) -> dict[str, Any]:
    return render(json.loads(MANIFEST.read_text(encoding="utf-8")), values)


def localization_files(manifest: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    info = manifest.get("localizationInfo") or {}
    return {
        entry["file"]: json.loads((HERE / entry["file"]).read_text(encoding="utf-8"))
        for entry in info.get("additionalLanguages", [])
    }


def schema_errors(
    manifest: Mapping[str, Any], localizations: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Every way ``manifest`` (and its language files) breaks the official schema."""
    import jsonschema  # a dev dependency: `make package` runs in the dev environment

    def check(schema_file: str, document: Mapping[str, Any], label: str) -> list[str]:
        schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
        # The files say draft-04 but use draft-06/07 keywords (const, if/then), as
        # Microsoft's own validator (ajv) reads them: check with draft 7.
        validator = jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        return [
            f"{label}: {'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
            for error in sorted(
                validator.iter_errors(document), key=lambda e: list(e.absolute_path)
            )
        ]

    errors = check("MicrosoftTeams.schema.json", manifest, "manifest.json")
    version = manifest.get("manifestVersion")
    if f"/v{version}/" not in str(manifest.get("$schema", "")):
        errors.append(f"manifest.json: $schema does not name manifest version {version}")
    for name, document in localizations.items():
        errors += check("MicrosoftTeams.Localization.schema.json", document, name)
    return errors


def write_package(
    out: Path, manifest: Mapping[str, Any], localizations: Mapping[str, Mapping[str, Any]]
) -> Path:
    files: dict[str, bytes] = {
        "manifest.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(),
        **{
            name: (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
            for name, doc in localizations.items()
        },
        **{name: (HERE / name).read_bytes() for name in ICONS},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, files[name])
    return out


def build(out: Path, settings: PackageSettings, *, version: str | None = None) -> Path:
    manifest = build_manifest(values_from(settings, version))
    localizations = localization_files(manifest)
    errors = schema_errors(manifest, localizations)
    if errors:
        raise PackageError("the manifest does not pass the schema:\n  " + "\n  ".join(errors))
    return write_package(out, manifest, localizations)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make package", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"the zip to write ({DEFAULT_OUT})"
    )
    parser.add_argument("--version", help="the app version (semver); default: the project's")
    args = parser.parse_args(argv)
    try:
        out = build(args.out, PackageSettings(), version=args.version)
    except PackageError as problem:
        print(f"make package: {problem}", file=sys.stderr)
        return 1
    print(f"Wrote {out}: upload it in Teams (docs/setup.md, step 5).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

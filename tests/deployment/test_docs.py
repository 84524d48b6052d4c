"""The guides: every link reaches something in the repository, nothing points outside it,
and what docs/routine.md quotes is what the code writes."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from cases.clock import STOCKHOLM
from cases.email import Change, cab_comment, confirmation_email
from cases.triage import BACKOFFICE_MAX, DIRECT_MAX, Route

ROOT = Path(__file__).resolve().parents[2]
GUIDES = sorted((ROOT / "docs").glob("*.md"))
READABLE = [ROOT / "README.md", *GUIDES]
_LINK = re.compile(r"\]\(([^)\s]+)\)")

# What only a reader with a copy of the build machine could follow: the design notes
# and the users' routine kept beside the repository, and the machine's own paths.
# Each pattern is written so that it does not match its own text in this file.
OUTSIDE = re.compile(
    r"DESIGN(\.md|\s*§)"
    r"|\.\./shared"
    r"|shared/(seed|samples)"
    r"|rutin-stora-arenden\.txt"
    r"|/work/(shared|main|wt)\b"
)


def anchors(markdown: Path) -> set[str]:
    """GitHub's ids for the headings: lower case, punctuation dropped, spaces as hyphens."""
    ids = set()
    for line in markdown.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            ids.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return ids


@pytest.mark.parametrize("guide", READABLE, ids=[g.name for g in READABLE])
def test_relative_links_reach_a_file_and_a_heading(guide: Path) -> None:
    broken = []
    for target in _LINK.findall(guide.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        file = (guide.parent / path).resolve() if path else guide
        outside = not file.exists() or not file.is_relative_to(ROOT)
        if outside or (anchor and file.suffix == ".md" and anchor not in anchors(file)):
            broken.append(target)
    assert not broken, broken


def tracked_files() -> list[Path]:
    """The files git tracks; in an exported tree without .git, every file but tools' own."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        skip = {"node_modules", "data", "devTools", "__pycache__"}
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file()
            and not any(
                part.startswith(".") or part in skip for part in path.relative_to(ROOT).parts
            )
        ]
    return [ROOT / name for name in listed.split("\0") if name]


def test_nothing_points_outside_the_repository() -> None:
    """A reader of the repository can check every reference: none names a file it lacks."""
    found = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # pictures; a file deleted but not yet committed
        for number, line in enumerate(text.splitlines(), 1):
            if match := OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert not found, "\n".join(found)


def test_the_readme_lists_the_routine_and_the_architecture_first() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## More documentation", 1)[1].split("\n## ", 1)[0]
    links = _LINK.findall(section)
    assert links[:2] == ["docs/routine.md", "docs/architecture.md"], links
    assert "docs/setup.md" in links and "docs/deploy.md" in links


def test_the_readme_layout_shows_both_ledger_adapters_side_by_side() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    names = [line.split()[0] for line in layout.splitlines() if re.match(r"^[a-z_]+/ ", line)]
    assert {"bot/", "cards/", "cases/", "local_workbook/", "graph/"} <= set(names), names
    assert abs(names.index("local_workbook/") - names.index("graph/")) == 1, names
    for module in ("ledger.py", "table.py", "template.py", "convert.py"):
        assert module in layout and (ROOT / "local_workbook" / module).exists(), module


def _guide(name: str) -> str:
    path = ROOT / "docs" / name
    assert path.exists(), f"docs/{name} is missing"
    return path.read_text(encoding="utf-8")


def _routine() -> str:
    return _guide("routine.md")


def _code_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```text\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


def test_the_routine_quotes_the_email_the_bot_writes() -> None:
    """The routine's example, made by ``confirmation_email``: the page and the code agree."""
    changed = [f"735999102{n:09d}" for n in range(1, 7)]
    others = [f"735999102{n:09d}" for n in range(7, 10)]
    made = confirmation_email(
        "Företaget", Change.invoice_address("Gatunamnet 123, 111 111 Staden"), changed, others
    )
    masked = re.sub(r"735999102[0-9]{9}", "735999102xxxxxxxxx", made)
    shown = next(block for block in _code_blocks(_routine()) if block.startswith("Hej "))
    # Blank lines between paragraphs are layout, not words.
    assert [line for line in shown.splitlines() if line] == [
        line for line in masked.splitlines() if line
    ]


def test_the_routine_quotes_the_cab_comment_and_the_routes_the_code_has() -> None:
    routine = _routine()
    comment = cab_comment(datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))
    assert any(block.strip() == comment for block in _code_blocks(routine)), comment
    missing = [route.name for route in Route if f"`{route.name}`" not in routine]
    assert not missing, missing
    assert f"`DIRECT_MAX = {DIRECT_MAX}`" in routine
    assert f"`BACKOFFICE_MAX = {BACKOFFICE_MAX}`" in routine


_SOURCE_PATH = re.compile(r"`((?:bot|cards|cases|graph|local_workbook|tests)/[\w/.]*)`")


@pytest.mark.parametrize("guide", ["routine.md", "architecture.md"])
def test_every_file_the_guide_names_exists(guide: str) -> None:
    text = _guide(guide)
    named = set(_SOURCE_PATH.findall(text))
    assert named, "the guide names no file"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, missing

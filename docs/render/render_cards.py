"""Draw the bot's cards with the official Adaptive Cards renderer in headless Chromium.

    make pictures            # or: python docs/render/render_cards.py OUT_DIR

Needs npm (for the renderer, `npm install` in this folder) and Chromium
(Debian: `apt-get install chromium`). The cards are built by the bot's own
builders from example data, so the pictures show what Teams will show.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from microsoft_teams.cards import AdaptiveCard

import cards
from cases import lifecycle
from cases.clock import STOCKHOLM
from cases.model import Case

HERE = Path(__file__).resolve().parent
RENDERER = HERE / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"
WIDTH = 560

# Close to Teams' light theme: Segoe UI, its purple accent, compact spacing.
HOST_CONFIG = {
    "fontFamily": "'Segoe UI', 'Helvetica Neue', 'DejaVu Sans', sans-serif",
    "containerStyles": {
        "default": {
            "backgroundColor": "#FFFFFF",
            "foregroundColors": {
                "default": {"default": "#242424", "subtle": "#616161"},
                "accent": {"default": "#5B5FC7", "subtle": "#6264A7"},
                "attention": {"default": "#C4314B", "subtle": "#C4314B"},
                "good": {"default": "#237B4B", "subtle": "#237B4B"},
                "warning": {"default": "#835C00", "subtle": "#835C00"},
            },
        },
        "emphasis": {
            "backgroundColor": "#F5F5F5",
            "foregroundColors": {"default": {"default": "#242424", "subtle": "#616161"}},
        },
    },
    "actions": {"actionsOrientation": "horizontal", "buttonSpacing": 8, "maxActions": 6},
}

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>body{{margin:0;background:#EBEBEB;font-family:'Segoe UI','DejaVu Sans',sans-serif}}
#card{{width:{width}px;margin:16px;background:#fff;border-radius:6px;padding:4px;
box-shadow:0 1px 3px rgba(0,0,0,.2)}}
.ac-pushButton{{border:1px solid #D1D1D1;border-radius:4px;background:#fff;padding:6px 12px;
font-weight:600;cursor:pointer}} .ac-input{{border:1px solid #D1D1D1;border-radius:4px;padding:5px}}
</style><script>{renderer}</script></head><body><div id="card"></div><script>
const card = new AdaptiveCards.AdaptiveCard();
card.hostConfig = new AdaptiveCards.HostConfig({host});
card.parse({card});
document.getElementById("card").appendChild(card.render());
document.body.dataset.height = document.getElementById("card").offsetHeight + 32;
</script></body></html>"""


def examples() -> dict[str, dict]:
    now = datetime(2026, 11, 23, 14, 5, tzinfo=STOCKHOLM)
    new = lifecycle.register(
        "5012345",
        "9876543",
        "22 anläggningar: ny fakturaadress och kvartalsfakturering. Elin och CAB.",
        actor="xanna",
        now=now - timedelta(hours=5),
        change_count=16,
        change_kind="faktura",
        customer_kind="företag",
    )
    case = lifecycle.claim(new.with_id("SA-000042"), actor="xbo", now=now - timedelta(hours=2))
    names = {"xanna": "Anna Andersson", "xbo": "Bo Berg", "xcia": "Cia Carlsson"}
    return {
        "register-form": cards.to_json(cards.register_form("sv-SE")),
        "case-card": cards.to_json(
            cards.case_card(case, viewer="xbo", locale="sv-SE", now=now, names=names)
        ),
        "queue": cards.to_json(queue_example(now, names)),
        "close-confirm": cards.to_json(
            cards.close_confirm_card(
                case, "sv-SE", {"changedIds": "…", "greeting": "Fastighets AB"}, ids=5
            )
        ),
        **stall_examples(),
        "stats": stats_example(),
    }


def stats_example() -> dict:
    """`statistik` on a generated year of cases (tests/cases/generated_year.py).

    This renderer has no Chart.* elements: it draws each chart's fallback, the
    table and the facts that clients without charts show.
    """
    from cases.stalls import StallRules
    from cases.stats import team_stats
    from tests.cases.generated_year import CAL, NOW, year_of_cases

    stats = team_stats(year_of_cases(), now=NOW, calendar=CAL, rules=StallRules())
    return cards.to_json(cards.stats_card(stats, CAL, "sv-SE"))


def queue_example(now: datetime, names: dict[str, str]) -> AdaptiveCard:
    """`kö` as Cia sees it: one new case, one Bo is on, one handed over to take."""

    def registered(number: int, hours: float) -> Case:
        new = lifecycle.register(
            "5012345", "9876543", "Fakturaadresser", actor="xanna", now=now - timedelta(hours=hours),
            change_count=20, change_kind="faktura", customer_kind="företag",
        )  # fmt: skip
        return new.with_id(f"SA-{number:06d}")

    fresh = registered(44, 1)
    started = lifecycle.claim(registered(43, 6), actor="xbo", now=now - timedelta(hours=3))
    handed = lifecycle.hand_over(
        lifecycle.claim(registered(41, 30), actor="xanna", now=now - timedelta(hours=26)),
        actor="xanna",
        note="Hälften klara",
        now=now - timedelta(hours=20),
    )
    return cards.queue_card(
        [handed, started, fresh],
        now=now,
        locale="sv-SE",
        title=cards.texts.t("queue_title", "sv-SE"),
        viewer="xcia",
        names=names,
        workbook_url="https://contoso.sharepoint.com/sites/Backoffice/Shared%20Documents/Stora%20%C3%A4renden.xlsx",
    )


def stall_examples() -> dict[str, dict]:
    """A stall notice and a morning digest (docs/notifications.md)."""
    from cases.business_time import BusinessCalendar
    from cases.stalls import Stall, StallRules, observe, stall_of

    calendar, rules = BusinessCalendar(), StallRules()

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)

    def registered(number: int, when: datetime) -> Case:
        new = lifecycle.register("5012345", "9876543", "Exempel", actor="xanna", now=when)
        return new.with_id(f"SA-{number:06d}")

    new = registered(41, at(23, 9, 10))
    started = lifecycle.claim(registered(42, at(20, 9)), actor="xbo", now=at(20, 10))
    taken = lifecycle.claim(registered(43, at(23, 9)), actor="xcia", now=at(23, 10))
    handed = lifecycle.hand_over(taken, actor="xcia", note="Exempel", now=at(23, 14, 30))

    def stall(case: Case, now: datetime) -> Stall | None:
        return stall_of(case, observe(None, case, now), rules, calendar, now)

    morning = at(24, 8)
    digest = [stall(case, morning) for case in (new, started, handed)]
    return {
        "stall-notice": cards.to_json(
            cards.stall_notice(stall(new, at(23, 13, 10)), "sv-SE", now=at(23, 13, 10))
        ),
        "stall-digest": cards.to_json(cards.stall_digest(digest, "sv-SE", now=morning)),
    }


def render(out_dir: Path) -> list[Path]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Chromium not found: apt-get install chromium")
    if not RENDERER.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, card in examples().items():
            page = Path(tmp) / f"{name}.html"
            page.write_text(
                PAGE.format(
                    width=WIDTH,
                    renderer=RENDERER.read_text(encoding="utf-8"),
                    host=json.dumps(HOST_CONFIG),
                    card=json.dumps(card, ensure_ascii=False),
                ),
                encoding="utf-8",
            )
            target = out_dir / f"{name}.png"
            # First pass measures the rendered card, second pass shoots it at that size.
            dom = _chromium(chromium, tmp, [f"--window-size={WIDTH + 32},2000", "--dump-dom"], page)
            height = int(re.search(r'data-height="(\d+)"', dom).group(1))  # type: ignore[union-attr]
            _chromium(
                chromium,
                tmp,
                [f"--window-size={WIDTH + 32},{height}", f"--screenshot={target}"],
                page,
            )
            written.append(target)
    return written


def _chromium(chromium: str, tmp: str, args: list[str], page: Path) -> str:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp}/profile",
    ]
    done = subprocess.run(
        [chromium, *flags, *args, page.as_uri()], check=True, capture_output=True, text=True
    )
    return done.stdout


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "img"
    for path in render(target):
        print(path)

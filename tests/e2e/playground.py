"""A real Teams-like client against the bot: the Microsoft 365 Agents Playground in Chromium.

    make playground-e2e      # or: python -m tests.e2e.playground [--artefacts DIR]

Starts the bot (loopback, no App ID, a fresh workbook and state) and the
Playground headless, then drives the Playground's web UI with Playwright in
Debian's Chromium: Alex registers a case in the team channel and gives his
signature, starts it and hands it over; Megan takes it over with hers and
closes it, confirming the close on the step that says what is deleted. After each step the workbook is read with openpyxl. A screenshot per
step, the bot's and the Playground's logs stay in the artefact folder.

Needs Node.js (npx fetches the Playground from npm), Chromium
(``apt-get install chromium``; ``STORA_E2E_CHROMIUM`` for another path) and
the ``e2e`` extra (``pip install -e '.[e2e]'``). Playwright's own browser
download is not used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from cases.installations import gsrn_check_digit
from cases.triage import ChangeKind, CustomerKind
from tests.fakes.cardwalk import walk

from . import workbook
from .client import LOCALE, UI_TIMEOUT_MS, Client, case_card, choose, give_signature, press, text
from .processes import Child, free_port, start_as_user, start_bot, start_playground

PLAYGROUND_VERSION = os.environ.get("PLAYGROUND_VERSION", "0.2.28")
# Debian's Chromium. The flags keep it off the network it would otherwise call
# (component updates, sync, field trials): on a closed network those calls fail
# by the hundred and slow every page.
CHROMIUM = os.environ.get("STORA_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# The Playground's own user, and a member of its team whose tab goes through
# tests.e2e.as_user, as the README's second agent does.
ALEX, MEGAN = "user-id-0", "user-id-1"
ALEX_SIGNATURE, MEGAN_SIGNATURE = "xanna", "xbo"
# The Playground's own mock user, named as the cards name agents: "Name (signature)".
ALEX = f"Alex Wilber ({ALEX_SIGNATURE})"
CUSTOMER_NUMBER, CAB_NUMBER = "5012345", "9876543"
DESCRIPTION = "22 anläggningar: ny fakturaadress."
NOTE = "Klar med rad 1-10, kvar är rad 11-22."
# Two GSRNs with their right check digits: the close form checks them.
INSTALLATIONS = [b + str(gsrn_check_digit(b)) for b in ("73599900000000011", "73599900000000012")]
CUSTOMER_DATA = (CUSTOMER_NUMBER, CAB_NUMBER, DESCRIPTION, NOTE, *INSTALLATIONS)

KUND, CAB, BESKRIVNING = "Kundnummer", "Ärendenummer CAB", "Vad gäller ärendet"
STATUS, HANDLER, REGISTERED_BY = "Status", "Hanteras av", "Registrerat av"
COMMENT, HANDED_OVER = "Eventuell kommentar", "Överlämnad"
# What the registration said: kept through the close (not customer data).
REGISTERED = {"Antal ändringar": "22", "Typ av ändring": "faktura", "Kundtyp": "företag"}


class Run:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.book = workdir / "stora-arenden.xlsx"
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def step(self, name: str, *clients: Client) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings.append((name, time.monotonic() - started))
            for client in clients:
                client.screenshot(f"{len(self.timings):02d}-{name}-{client.user}")

    def row(self, case_id: str, **expected: str) -> dict[str, str]:
        found = workbook.row(self.book, case_id)
        wrong = {h: (found.get(h), want) for h, want in expected.items() if found.get(h) != want}
        assert not wrong, f"{case_id} in the workbook, (found, expected): {wrong}"
        return found


def channel_card(client: Client, case_id: str, status_key: str, handler: str) -> None:
    """The case card as a member who did not click sees it: the channel message itself.

    Such a tab gets only the bot's redraws; this waits for the one of the last step.
    """
    card = case_card(client, case_id, status_key)
    expect(card).to_have_count(1)
    expect(card).to_contain_text(handler or text("nobody_yet"))
    for value in CUSTOMER_DATA:
        expect(card).not_to_contain_text(value)


def scenario(run: Run, alex: Client, megan: Client) -> None:
    case_id = "SA-000001"
    with run.step("register", alex, megan):
        alex.post_to_bot("registrera")
        form = alex.card(text("register_title")).last
        form.get_by_label(text("customer_number")).fill(CUSTOMER_NUMBER)
        form.get_by_label(text("cab_number")).fill(CAB_NUMBER)
        form.get_by_label(text("description")).fill(DESCRIPTION)
        form.get_by_label(text("change_count")).fill("22")
        choose(form, "change_kind", ChangeKind.INVOICE.label(LOCALE))
        choose(form, "customer_kind", CustomerKind.FORETAG.label(LOCALE))
        press(form, "btn_register")
        give_signature(alex, ALEX_SIGNATURE)  # the first click asks for it, then registers
        expect(alex.card(text("registered_title", case_id=case_id))).to_be_visible()
        # The case card, a post of its own in the channel, reaches every member's tab.
        channel_card(megan, case_id, "status_Ny", "")
        assert len(workbook.rows(run.book)) == 1
        typed = {KUND: CUSTOMER_NUMBER, CAB: CAB_NUMBER, BESKRIVNING: DESCRIPTION}
        new = {
            STATUS: "Ny",
            HANDLER: "",
            REGISTERED_BY: ALEX_SIGNATURE,
            COMMENT: "",
            HANDED_OVER: "",
        }
        run.row(case_id, **typed, **new, **REGISTERED)

    with run.step("claim", alex, megan):
        with alex.changing_click():
            press(case_card(alex, case_id, "status_Ny"), "btn_claim")
        run.row(case_id, **{STATUS: "Påbörjad", HANDLER: ALEX_SIGNATURE, HANDED_OVER: ""})
        channel_card(megan, case_id, "status_Påbörjad", ALEX_SIGNATURE)

    with run.step("handover", alex, megan):
        mine = alex.own_view(case_card(alex, case_id, "status_Påbörjad"), "btn_handover")
        press(mine, "btn_handover")
        form = alex.card(text("handover_title", case_id=case_id)).last
        form.get_by_label(text("note")).fill(NOTE)
        with alex.changing_click():
            press(form, "btn_handover")
        found = run.row(case_id, **{STATUS: "Påbörjad", HANDLER: ALEX_SIGNATURE, COMMENT: NOTE})
        assert found[HANDED_OVER], "a handed-over case has its Överlämnad time"
        channel_card(megan, case_id, "status_Påbörjad", ALEX_SIGNATURE)
        expect(case_card(megan, case_id, "status_Påbörjad")).to_contain_text(text("handed_over"))
        # The notice in the case's thread: free to take, and no customer data.
        notice = megan.card(text("handover_notice", case_id=case_id, handler=ALEX))
        expect(notice).to_have_count(1)
        for value in CUSTOMER_DATA:
            expect(notice).not_to_contain_text(value)

    with run.step("takeover", megan, alex):
        press(case_card(megan, case_id, "status_Påbörjad"), "btn_takeover")
        # Her first click: the take-over goes on once she has given her signature.
        with megan.changing_click():
            give_signature(megan, MEGAN_SIGNATURE)
        run.row(
            case_id,
            **{STATUS: "Påbörjad", HANDLER: MEGAN_SIGNATURE, COMMENT: NOTE, HANDED_OVER: ""},
        )
        channel_card(alex, case_id, "status_Påbörjad", MEGAN_SIGNATURE)
        # Alex is told in the case's thread, @mentioned: who took it and when, nothing more.
        # (The Playground's log panel shows the same text with its raw "<at>" tags.)
        told = alex.page.get_by_text(f"took over {case_id} from you").filter(has_not_text="<at>")
        expect(told).to_have_count(1)
        expect(told).to_contain_text(f"({MEGAN_SIGNATURE})")
        for value in CUSTOMER_DATA:
            expect(told).not_to_contain_text(value)

    with run.step("close", megan, alex):
        mine = megan.own_view(case_card(megan, case_id, "status_Påbörjad"), "btn_close")
        press(mine, "btn_close")
        form = megan.card(text("close_title", case_id=case_id)).last
        form.get_by_label(text("changed_ids")).fill("\n".join(INSTALLATIONS))
        form.get_by_label(text("greeting")).fill("Bolaget AB")
        choose(form, "email_change", text("email_change_fakturaadress"))
        form.get_by_label(text("email_value")).fill("Gatunamnet 123, 111 11 Staden")
        press(form, "btn_close_submit")  # Fortsätt: the confirmation step, nothing stored
        sure = megan.card(text("close_confirm_title", case_id=case_id)).last
        two, changes = text("close_ids_many", n=2), text("close_changes_many", n=22)
        expect(sure).to_contain_text(text("close_mismatch", ids=two, changes=changes))
        expect(sure).to_contain_text(text("btn_close_confirm"))
        run.row(case_id, **{STATUS: "Påbörjad", KUND: CUSTOMER_NUMBER})

    with run.step("confirm", megan, alex):
        with megan.changing_click():
            press(sure, "btn_close_confirm")
        run.row(
            case_id, **{STATUS: "Hanterad", HANDLER: MEGAN_SIGNATURE, KUND: "", CAB: "",
                        BESKRIVNING: "", COMMENT: "", HANDED_OVER: ""}, **REGISTERED
        )  # fmt: skip
        # The e-mail to send, with the installations: in Megan's answer only.
        draft = str(megan.answers[-1])
        assert text("draft_closed", case_id=case_id) in draft and INSTALLATIONS[0] in draft, draft
        # In a block to copy, paragraphs apart; the Playground shows the block's fallback.
        (block,) = [n for n in walk(megan.answers[-1]) if n.get("id") == "emailDraft"]
        assert block["type"] == "CodeBlock", block
        assert block["codeSnippet"].startswith("Hej Bolaget AB\n\nVi har nu ändrat"), block
        if not megan.last_was_redraw:
            expect(megan.card(text("draft_closed", case_id=case_id))).to_contain_text(
                INSTALLATIONS[1]
            )
        channel_card(alex, case_id, "status_Hanterad", MEGAN_SIGNATURE)
        expect(case_card(alex, case_id, "status_Hanterad")).to_contain_text(text("handled"))


def leaks(run: Run, bot: Child) -> list[str]:
    """Customer data where it must never be: the bot's log, and its state after the close."""
    found = []
    for path in [bot.log, *sorted((run.workdir / "state").rglob("*"))]:
        if path.is_file():
            content = path.read_text("utf-8", errors="replace")
            found += [f"{path.name}: {value!r}" for value in CUSTOMER_DATA if value in content]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--artefacts",
        type=Path,
        help="an empty folder for screenshots and logs (default: a new temp dir)",
    )
    args = parser.parse_args(argv)
    workdir = args.artefacts or Path(tempfile.mkdtemp(prefix="stora-playground-e2e-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if any(workdir.iterdir()):
        # The bot's workbook and state live there too: a run starts from none.
        print(f"playground e2e: {workdir} is not empty", file=sys.stderr)
        return 2
    if not shutil.which("npx") or not Path(CHROMIUM).exists():
        print(f"playground e2e: needs npx and Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    expect.set_options(timeout=UI_TIMEOUT_MS)
    # A CI timeout stops us with SIGTERM: unwind, so that the children are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run, started, children = Run(workdir), time.monotonic(), []
    outcome, clients = "FAILED", []
    try:
        with run.step("start"):
            bot = start_bot(workdir, port := free_port())
            children.append(bot)
            playground, url = start_playground(workdir, port, PLAYGROUND_VERSION)
            children.append(playground)
            as_megan, megan_url = start_as_user(workdir, url, MEGAN)
            children.append(as_megan)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                alex = Client(browser, url, ALEX, workdir)
                megan = Client(browser, megan_url, MEGAN, workdir)
                clients = [alex, megan]
                with run.step("open", alex, megan):
                    alex.open_channel()  # first: his tab's installation binds the team
                    megan.open_channel()
                scenario(run, alex, megan)
            finally:
                browser.close()
        found = leaks(run, bot)
        assert not found, f"customer data left behind: {found}"
        outcome = "passed"
    except BaseException:
        for child in children:
            print(f"--- {child.name} log (tail) ---\n{child.tail()}", file=sys.stderr)
        raise
    finally:
        for child in reversed(children):
            child.stop()
        steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in run.timings)
        redraws_last = sum(c.redraw_came_last for c in clients)
        print(
            f"playground e2e {outcome} in {time.monotonic() - started:.1f} s ({steps}); "
            f"redraw shown over the clicker's answer {redraws_last}x; "
            f"Playground {PLAYGROUND_VERSION}; screenshots and logs in {workdir}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

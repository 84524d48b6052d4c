"""One mock user's tab of the Agents Playground, and what a click there leads to.

Two things the Playground 0.2.28 does that the scenario has to follow:

- It has no way to switch user in its UI. A tab opened through
  ``tests.e2e.as_user`` (``make playground-as``, as the README tells a reader to)
  acts as another team member, in the same channel.
- A click on a card gets two answers in the clicking tab: the invoke's answer
  (the clicker's own view) and, pushed to every tab over the Playground's
  websocket, the bot's redraw of the channel message (the card without
  customer data). The bot redraws inside the click, but the tab may apply the
  two in either order, and the last one stays on screen. The Playground does
  no per-user refresh (Teams would), so when the redraw comes last the agent
  asks for their own view with "Show details" (Visa uppgifter), as by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Response, expect

from cards.texts import t

# The Playground sends every activity with locale en-US, so the bot answers in English.
LOCALE = "en-US"
UI_TIMEOUT_MS = 20_000
INVOKE_PATH = "/_conversation/v1/invoke"

# In the page, before its own scripts: note, in the order the page's app got
# them, each invoke answer and each redraw of a message. The note is taken in
# a later task, so the app has handled the event by then.
RECORDER = """(() => {
  const seen = (window.__storaSeen = []);
  const note = (what) => setTimeout(() => seen.push(what), 0);
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("_ws_conversation")) return;
      // When the app's reader fails (on a reply to a post this tab never saw),
      // it starts again on a new socket and leaves the old one open, unread.
      window.__storaSocket = this;
      this.addEventListener("message", (event) => {
        if (window.__storaSocket !== this) return;
        try { if (JSON.parse(event.data).action === "updateMessage") note("redraw"); } catch (e) {}
      });
    }
  };
  window.__storaAsked = 0;
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (String(url).endsWith("INVOKE_PATH")) {
      window.__storaAsked += 1;
      this.addEventListener("loadend", () => note("answer"));
    }
    return open.call(this, method, url, ...rest);
  };
})();""".replace("INVOKE_PATH", INVOKE_PATH)


def text(key: str, **params: object) -> str:
    return t(key, LOCALE, **params)


class Client:
    """One mock user's Playground tab, in the team's General channel."""

    def __init__(self, browser: Browser, url: str, user: str, shots: Path) -> None:
        """``url``: the Playground's own for its current user, another's (``as_user``) for them."""
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        context.set_default_timeout(UI_TIMEOUT_MS)
        context.add_init_script(RECORDER)
        self.page: Page = context.new_page()
        self.url, self.user, self.shots = url, user, shots
        self.last_was_redraw = False
        self.redraw_came_last = 0  # clicks whose own answer the channel's redraw replaced
        self.answers: list[dict] = []

    def open_channel(self) -> None:
        """Opening the channel installs the bot in the mock team; the bot greets there.

        The page installs the bot in its personal chat first, and a click on
        the channel before that is done is lost.
        """
        with self.page.expect_response(_installation):
            self.page.goto(self.url)
        with self.page.expect_response(_installation):
            self.page.get_by_text("General", exact=True).click()
        expect(self.page.get_by_role("button", name="Post", exact=True)).to_be_visible()
        expect(self.card(text("help_title")).last).to_be_visible()

    def card(self, title: str) -> Locator:
        """The rendered Adaptive Cards showing ``title``, oldest first."""
        return self.page.locator(".ac-adaptiveCard").filter(has_text=title)

    def post_to_bot(self, command: str) -> None:
        """A new channel post that @mentions the bot: the only posts Teams gives a bot."""
        self.page.get_by_role("textbox").first.click()
        self.page.keyboard.type("@Test")
        self.page.get_by_role("menuitem", name="Test Bot").click()
        self.page.keyboard.type(f" {command}")
        self.page.get_by_role("button", name="Post", exact=True).click()

    @contextmanager
    def changing_click(self) -> Iterator[None]:
        """Around a click that changes the case: wait for its answer and the channel's redraw.

        Afterwards ``last_was_redraw`` tells which of the two the tab shows, and
        ``answers`` ends with the answer as the Playground got it from the bot.
        """
        # The answers to earlier clicks (a form, the signature question) noted first.
        self.page.wait_for_function(
            "() => window.__storaSeen.filter((x) => x === 'answer').length === window.__storaAsked"
        )
        before = self.page.evaluate("window.__storaSeen.length")
        with self.page.expect_response(lambda r: r.url.endswith(INVOKE_PATH)) as answer:
            yield
        self.answers.append(answer.value.json())
        self.page.wait_for_function(
            "([n]) => ['answer', 'redraw'].every((x) => window.__storaSeen.slice(n).includes(x))",
            arg=[before],
        )
        self.last_was_redraw = self.page.evaluate("window.__storaSeen.at(-1) === 'redraw'")
        self.redraw_came_last += self.last_was_redraw

    def own_view(self, card: Locator, button_key: str) -> Locator:
        """The agent's view of ``card``, with ``button_key``: asked for if the redraw came last."""
        if self.last_was_redraw:
            press(card, "btn_details")
        expect(card.get_by_role("button", name=text(button_key), exact=True)).to_be_visible()
        return card

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=self.shots / f"{name}.png")


def _installation(response: Response) -> bool:
    return response.url.endswith("/installation")


def press(card: Locator, key: str) -> None:
    card.get_by_role("button", name=text(key), exact=True).click()


def choose(card: Locator, label_key: str, option: str) -> None:
    card.get_by_role("combobox", name=text(label_key)).click()
    card.page.get_by_role("option", name=option, exact=True).click()


def give_signature(client: Client, signature: str) -> None:
    form = client.card(text("signature_title")).last
    form.get_by_label(text("signature")).fill(signature)
    press(form, "save")


def case_card(client: Client, case_id: str, status_key: str) -> Locator:
    return client.card(text("case_title", case_id=case_id, status=text(status_key)))

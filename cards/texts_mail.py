"""The close's line about the draft in the team's mailbox (``STORA_MAILBOX``).

Merged into ``cards.texts.TEXTS``. Shown to the closing agent only, on the
card with the e-mail: the mailbox's address, never the e-mail's text.
"""

from __future__ import annotations

MAIL_TEXTS: dict[str, tuple[str, str]] = {
    "mail_draft_made": (
        "Mejlet ligger som utkast i {mailbox}. Öppna det, lägg till mottagaren och skicka.",
        "The e-mail is a draft in {mailbox}. Open it, add the recipient and send it.",
    ),
    "mail_draft_failed": (
        "Utkastet kunde inte skapas i {mailbox}. Kopiera texten nedan till Outlook.",
        "The draft could not be created in {mailbox}. Copy the text below into Outlook.",
    ),
    # Graph's answer was lost (the draft may be there), or this is Ja pressed again.
    "mail_draft_maybe": (
        "Titta efter ett utkast i {mailbox} innan du kopierar texten nedan: det kan redan finnas.",
        "Look for a draft in {mailbox} before you copy the text below: it may be there already.",
    ),
    "btn_open_draft": ("Öppna utkastet", "Open the draft"),
}

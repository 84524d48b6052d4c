"""What the agent reads about the channel card and a click's fate: posted, pending, in doubt.

Merged into ``cards.texts.TEXTS``; kept apart so that the table of the forms'
own words stays readable. Never customer data: ids and statuses only.
"""

from __future__ import annotations

POSTING_TEXTS: dict[str, tuple[str, str]] = {
    "card_not_posted": (
        "Ärendet är sparat i Stora ärenden, men kortet kom inte ut i kanalen.",
        "The case is saved in Stora ärenden, but its card did not reach the channel.",
    ),
    "card_pending": (
        "Ärendet är sparat i Stora ärenden. Kortet har inte kommit ut i kanalen än; jag fortsätter att försöka.",
        "The case is saved in Stora ärenden. Its card has not reached the channel yet; I keep trying.",
    ),
    "card_unclear": (
        "Ärendet är sparat i Stora ärenden, men det är oklart om kortet kom ut i kanalen. "
        "Titta i kanalen. Jag postar det inte igen, så att det inte blir två.",
        "The case is saved in Stora ärenden, but it is unclear whether its card reached the channel. "
        "Look in the channel. I will not post it again, so that there are not two.",
    ),
    "already_running": (
        "Det här klicket behandlas redan. Titta i kön om en stund.",
        "This click is already being handled. Check the queue in a moment.",
    ),
    "still_in_doubt": (
        "Det är fortfarande oklart om {case_id} sparades: arbetsboken svarar inte. "
        "Titta i kön innan du försöker igen.",
        "It is still unclear whether {case_id} was saved: the workbook is not answering. "
        "Check the queue before you try again.",
    ),
    "not_recorded": (
        "Stora ärenden kan inte spara just nu. Inget sparades – försök igen om en stund.",
        "Stora ärenden cannot save right now. Nothing was saved – try again in a moment.",
    ),
    "form_lost": (
        (
            "Det är oklart om formuläret registrerades: svaret kom bort. Titta i kön. "
            "Finns ärendet inte där, registrera det här."
        ),
        (
            "It is unclear whether the form was registered: its answer was lost. Check the queue. "
            "If the case is not there, register it here."
        ),
    ),
    "closed_already": (
        "{case_id} är stängt, av dig. Här är mejlutkastet.",
        "{case_id} is closed, by you. Here is the e-mail draft.",
    ),
    "redraw_pending": (
        "Ändringen är sparad, men kanalen visar den inte än. Jag fortsätter att försöka.",
        "The change is saved, but the channel does not show it yet. I keep trying.",
    ),
    "redraw_pending_closed": (
        "{case_id} är stängt och kunduppgifterna raderade ur arbetsboken, men kanalen visar det som öppet än. Jag fortsätter försöka uppdatera kortet.",
        "{case_id} is closed and the customer data deleted from the workbook, but the channel card still shows it as open. I keep trying to update it.",
    ),
    "redraw_unkept": (
        "Ändringen är sparad, men kanalen visar den inte än, och jag kunde inte anteckna att försöka igen. "
        "Kortet i kanalen visar den först vid nästa ändring av ärendet.",
        "The change is saved, but the channel does not show it yet, and I could not note down to try again. "
        "The channel's card shows it only at the case's next change.",
    ),
    "redraw_unkept_closed": (
        "{case_id} är stängt och kunduppgifterna raderade ur arbetsboken, men kanalen visar det som öppet än, "
        "och jag kunde inte anteckna att försöka igen. Säg till den som administrerar boten.",
        "{case_id} is closed and the customer data deleted from the workbook, but the channel card still "
        "shows it as open, and I could not note down to try again. Tell whoever administers the bot.",
    ),
}

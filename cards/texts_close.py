"""The close's confirmation step: which case, how many IDs, and what is deleted for good.

Merged into ``cards.texts.TEXTS``. Shown to the closing agent only (an invoke
answer): Ärende-ID and counts, never a customer value.
"""

from __future__ import annotations

CLOSE_TEXTS: dict[str, tuple[str, str]] = {
    "close_confirm_title": ("Stänga {case_id}?", "Close {case_id}?"),
    "close_confirm_case": ("Ärende", "Case"),
    "close_confirm_count": ("Registrerat antal ändringar", "Registered number of changes"),
    "close_confirm_unknown": ("Okänt", "Unknown"),
    "close_ids_one": ("1 anläggnings-ID", "1 installation ID"),
    "close_ids_many": ("{n} anläggnings-ID", "{n} installation IDs"),
    "close_changes_one": ("1 ändring", "1 change"),
    "close_changes_many": ("{n} ändringar", "{n} changes"),
    "close_mismatch": (
        "Du har angett {ids} men ärendet registrerades med {changes}.",
        "You entered {ids}, but the case was registered with {changes}.",
    ),
    "close_mismatch_hint": (
        "Kontrollera listan innan du stänger. Stämmer den ändå kan du stänga.",
        "Check the list before you close. If it is right all the same, you can close.",
    ),
    "close_count_matches": (
        "Det stämmer med antalet ändringar som ärendet registrerades med.",
        "That matches the number of changes the case was registered with.",
    ),
    "close_count_unknown": (
        (
            "Antalet ändringar är okänt: ärendet registrerades innan boten sparade det. "
            "Kontrollera själv att listan är komplett."
        ),
        (
            "The number of changes is unknown: the case was registered before the bot stored it. "
            "Check yourself that the list is complete."
        ),
    ),
    "close_wipe_warning": (
        (
            "När du stänger blir {case_id} Hanterad och kunduppgifterna raderas ur Stora ärenden "
            "(kundnummer, ärendenummer i CAB, beskrivning och kommentar). De går inte att få tillbaka."
        ),
        (
            "When you close, {case_id} becomes Hanterad and the customer data is deleted from Stora "
            "ärenden (customer number, CAB case number, description and comment). It cannot be "
            "restored."
        ),
    ),
    "btn_close_confirm": ("Ja, stäng och radera", "Yes, close and delete"),
    "btn_close_back": ("Tillbaka", "Back"),
    "close_too_many_ids": (
        (
            "Högst {max} anläggnings-ID sammanlagt får plats i bekräftelsen. Ta med färre här och "
            "skriv mejlet för resten med kommandot mejl."
        ),
        (
            "At most {max} installation IDs in all fit in the confirmation. Include fewer here, and "
            "write the e-mail for the rest with the mejl command."
        ),
    ),
}

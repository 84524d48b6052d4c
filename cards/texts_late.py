"""What the agent reads when a person's edit in Excel landed on the row right after theirs.

Merged into ``cards.texts.TEXTS``. Posted in the channel (the case card's
thread): only the Ärende-ID, column headers and the agent's name, never a
cell's value.
"""

from __future__ import annotations

LATE_EDIT_TEXTS: dict[str, tuple[str, str]] = {
    "late_edit": (
        (
            "{who} {case_id} ändrades i Excel samtidigt som du sparade ({columns}). Kortet visar "
            "nu det som står i arbetsboken. Titta på ärendet och gör om ditt steg om det behövs."
        ),
        (
            "{who} {case_id} was changed in Excel at the same moment you saved ({columns}). The card "
            "now shows what the workbook holds. Look at the case and redo your step if needed."
        ),
    ),
    "late_edit_gone": (
        (
            "{who} {case_id} togs bort ur arbetsboken i Excel samtidigt som du sparade. "
            "Titta i Excel om raden ska finnas kvar."
        ),
        (
            "{who} {case_id} was deleted from the workbook in Excel at the same moment you saved. "
            "Check in Excel whether the row should be there."
        ),
    ),
    "late_edit_rewiped": (
        (
            "{who} {case_id} ändrades i Excel samtidigt som du stängde det ({columns}). Ärendet är "
            "fortfarande Hanterad, så jag raderade kunduppgifterna igen. Titta på raden i Excel om "
            "något mer behöver göras."
        ),
        (
            "{who} {case_id} was changed in Excel at the same moment you closed it ({columns}). The "
            "case is still Hanterad, so I deleted the customer data again. Look at the row in Excel "
            "in case more needs doing."
        ),
    ),
    "late_edit_data_left": (
        (
            "{who} {case_id} ändrades i Excel samtidigt som du stängde det ({columns}), och "
            "kunduppgifter finns i raden igen. Titta på raden i Excel: radera dem för hand om "
            "ärendet är klart, och meddela ansvarig."
        ),
        (
            "{who} {case_id} was changed in Excel at the same moment you closed it ({columns}), and "
            "customer data is in the row again. Look at the row in Excel: delete it by hand if the "
            "case is done, and tell the person in charge."
        ),
    ),
}

"""Every text the cards show, in Swedish (the default) and English.

One table of (sv, en) pairs, looked up by key with ``t``. Swedish follows the
routine's own words where it has them; English keeps the team's Swedish terms
(Stora ärenden, CAB, Hanterad, MAICCDIS) where agents meet them in other systems.
"""

from __future__ import annotations

from cases.language import is_english

from .texts_access import ACCESS_TEXTS
from .texts_close import CLOSE_TEXTS
from .texts_forms import FORM_TEXTS
from .texts_late import LATE_EDIT_TEXTS
from .texts_mail import MAIL_TEXTS
from .texts_posting import POSTING_TEXTS
from .texts_queue import QUEUE_TEXTS
from .texts_stats import STATS_TEXTS
from .texts_takeover import TAKEOVER_TEXTS

TEXTS: dict[str, tuple[str, str]] = {
    # -- shared ------------------------------------------------------------
    "cancel": ("Avbryt", "Cancel"),
    "save": ("Spara", "Save"),
    "choose": ("Välj", "Choose"),
    "stale": (
        "Ärendet har ändrats sedan du såg det. Här är läget nu.",
        "The case has changed since you saw it. Here is where it stands now.",
    ),
    "signature_saved": (
        "Din signatur {signature} är sparad.",
        "Your signature {signature} is saved.",
    ),
    "unknown_action": (
        "Den knappen känner jag inte igen. Skriv hjälp för att se vad jag kan.",
        "I don't recognise that button. Type help to see what I can do.",
    ),
    "no_case": (
        "Knappen hör inte till något ärende i Stora ärenden. Skriv kö för att se ärendena.",
        "That button belongs to no case in Stora ärenden. Type queue to see the cases.",
    ),
    "internal_error": (
        "Något gick fel hos mig. Försök igen om en stund.",
        "Something went wrong on my side. Try again in a moment.",
    ),
    "btn_details": ("Visa uppgifter", "Show details"),
    "glance_details_on_card": (
        "Kundens uppgifter finns på ärendekortet i kanalen (Visa uppgifter).",
        "The customer's details are on the case card in the channel (Show details).",
    ),
    "no_identity": (
        "Jag kan inte se vem du är. Försök igen i Teams.",
        "I cannot tell who you are. Try again in Teams.",
    ),
    # -- the case's fields -------------------------------------------------
    "customer_number": ("Kundnummer", "Customer number"),
    "cab_number": ("Ärendenummer CAB", "CAB case number"),
    "description": ("Vad gäller ärendet", "What the case is about"),
    "description_hint": (
        "Kort förklaring: vad som ska ändras, hur många ändringar och vilka system som behövs.",
        "Short explanation: what to change, how many changes and which systems are needed.",
    ),
    "comment": ("Eventuell kommentar", "Comment"),
    "status": ("Status", "Status"),
    "handler": ("Hanteras av", "Handled by"),
    "nobody_yet": ("ingen än", "nobody yet"),
    "registered_by": ("Registrerat av", "Registered by"),
    "registered_at": ("Registrerad", "Registered"),
    "changed_at": ("Senast ändrad", "Last changed"),
    "status_Ny": ("Ny", "New"),
    "status_Påbörjad": ("Påbörjad", "In progress"),
    "status_Hanterad": ("Hanterad", "Handled"),
    "change_count": ("Antal ändringar", "Number of changes"),
    "change_kind": ("Typ av ändring", "Kind of change"),
    "customer_kind": ("Kundtyp", "Kind of customer"),
    "need_customer_number": ("Fyll i kundnumret.", "Enter the customer number."),
    "need_cab_number": ("Fyll i ärendenumret i CAB.", "Enter the CAB case number."),
    "need_description": ("Beskriv vad ärendet gäller.", "Describe what the case is about."),
    "need_change_count": (
        "Fyll i antal ändringar, 1–10 000.",
        "Enter the number of changes, 1–10,000.",
    ),
    "need_change_kind": ("Välj typ av ändring.", "Choose the kind of change."),
    "need_customer_kind": ("Välj kundtyp.", "Choose the kind of customer."),
    # -- age and time ------------------------------------------------------
    "at_age": ("{when} ({age})", "{when} ({age})"),
    "age_now": ("nyss", "just now"),
    "age_minutes": ("för {n} min sedan", "{n} min ago"),
    "age_hours": ("för {n} h sedan", "{n} h ago"),
    "age_days": ("för {n} d sedan", "{n} d ago"),
    # -- case card ---------------------------------------------------------
    "case_title": ("{case_id} · {status}", "{case_id} · {status}"),
    "handed_over": ("Lämnat över – ledigt att ta över", "Handed over – free to take over"),
    "handed_over_by": ("Lämnat av {handler} {when}.", "Handed over by {handler} {when}."),
    "handled": (
        "Hanterad – kunduppgifterna är raderade",
        "Handled – the customer data has been deleted",
    ),
    "btn_claim": ("Påbörja", "Start"),
    "btn_handover": ("Lämna över", "Hand over"),
    "btn_close": ("Klar", "Done"),
    "btn_takeover": ("Ta över", "Take over"),
    "btn_correct": ("Rätta", "Correct"),
    # -- register ----------------------------------------------------------
    "register_title": ("Registrera stort ärende", "Register a large case"),
    "register_intro": (
        "För ärenden med fler än 15 ändringar. Är de färre visar jag vad rutinen säger i stället.",
        "For cases with more than 15 changes. If there are fewer, I show what the routine says "
        "instead.",
    ),
    "btn_register": ("Registrera", "Register"),
    "registered_title": ("{case_id} är registrerat", "{case_id} is registered"),
    "registered_intro": (
        "Ärendet finns nu i Stora ärenden.",
        "The case is now in Stora ärenden.",
    ),
    "cab_comment_intro": (
        "Lägg till den här kommentaren i ärendet i CAB:",
        "Add this comment to the case in CAB:",
    ),
    # -- hand over ---------------------------------------------------------
    "handover_title": ("Lämna över {case_id}", "Hand over {case_id}"),
    "handover_intro": (
        "Skriv kort hur långt du har kommit, så att en kollega kan ta över.",
        "Write briefly how far you got, so that a colleague can take over.",
    ),
    "note": ("Notering", "Note"),
    "note_hint": (
        "T.ex. klar med rad 1–40 i kundens lista, kvar är rad 41–80.",
        "E.g. done with rows 1–40 of the customer's list, rows 41–80 are left.",
    ),
    "need_note": ("Skriv en notering.", "Write a note."),
    "handover_notice": (
        "{case_id} är ledigt att ta över (lämnat av {handler})",
        "{case_id} is free to take over (handed over by {handler})",
    ),
    # -- the channel lagging behind a stored change (bot/redraws.py) --------
    # The outbox could not be written either: nothing will try again, so nothing is promised.
    # -- close and the confirmation e-mail ---------------------------------
    "close_title": ("Stäng {case_id}", "Close {case_id}"),
    "close_intro": (
        "Fyll i uppgifterna till mejlet till kunden. Innan något raderas visar jag vad som "
        "händer, och du får bekräfta.",
        "Fill in the details for the e-mail to the customer. Before anything is deleted, I show "
        "what will happen, and you confirm.",
    ),
    "btn_close_submit": ("Fortsätt", "Continue"),
    "changed_ids": ("Ändrade anläggningar", "Changed installations"),
    "changed_ids_hint": (
        "Klistra in anläggnings-ID, ett per rad eller med komma emellan.",
        "Paste the installation IDs, one per line or separated by commas.",
    ),
    "other_ids": (
        "Övriga anläggningar utan ändring (valfritt)",
        "Other installations, not changed (optional)",
    ),
    "other_ids_hint": (
        "Kundens andra anläggningar. De nämns i mejlet.",
        "The customer's other installations. The e-mail names them.",
    ),
    "greeting": ('Hälsning (efter "Hej")', 'Greeting (after "Hej")'),
    "greeting_hint": ("T.ex. företagets namn", "E.g. the company's name"),
    "email_change": ("Vad har ändrats", "What was changed"),
    "email_change_fakturaadress": ("Fakturaadress", "Invoice address"),
    "email_change_faktureringsintervall": ("Faktureringsintervall", "Billing interval"),
    "email_change_utskickssatt": ("Utskickssätt för fakturor", "Invoice delivery"),
    "email_change_annat": ("Annat", "Other"),
    "email_value": (
        'Ny uppgift (vid Annat: texten efter "Vi har nu ändrat")',
        'New value (for Other: the text after "Vi har nu ändrat")',
    ),
    "email_value_hint": (
        "T.ex. Gatunamnet 123, 111 11 Staden",
        "E.g. Gatunamnet 123, 111 11 Staden",
    ),
    "email_offer": (
        'Bara vid Annat: texten efter "Om ni önskar göra ändring av"',
        'Only for Other: the text after "Om ni önskar göra ändring av"',
    ),
    "email_offer_hint": ("T.ex. kontaktpersonen", "E.g. kontaktpersonen"),
    "need_changed_ids": (
        "Klistra in minst ett anläggnings-ID.",
        "Paste at least one installation ID.",
    ),
    "need_greeting": ("Fyll i hälsningen.", "Enter the greeting."),
    "need_email_change": ("Välj vad som har ändrats.", "Choose what was changed."),
    "need_email_value": ("Fyll i den nya uppgiften.", "Enter the new value."),
    "draft_title": ("Mejl till kunden", "E-mail to the customer"),
    "draft_closed": (
        "{case_id} är hanterat och kunduppgifterna är raderade ur Stora ärenden.",
        "{case_id} is handled and the customer data is deleted from Stora ärenden.",
    ),
    "draft_intro": (
        "Kopiera texten och skicka den till kunden.",
        "Copy the text (Swedish, as in the routine) and send it to the customer.",
    ),
    "checklist_title": ("Kvar att göra", "Still to do"),
    "btn_done": ("Klart", "Done"),
    "email_title": ("Bekräftelsemejl", "Confirmation e-mail"),
    "email_intro": (
        "För ärenden med 5–15 ändringar som Backoffice hanterar som vanligt. Fyll i, så skriver "
        "jag mejlet till kunden.",
        "For cases with 5–15 changes that Backoffice handles as usual. Fill in, and I write the "
        "e-mail to the customer.",
    ),
    "btn_email": ("Skapa mejl", "Create e-mail"),
    # -- correct -----------------------------------------------------------
    "correct_title": ("Rätta {case_id}", "Correct {case_id}"),
    "correct_intro": (
        "Ändra det som blev fel. Det går bara tills någon har påbörjat ärendet.",
        "Fix what went wrong. This is possible only until someone starts the case.",
    ),
    # -- queue -------------------------------------------------------------
    "queue_title": ("Kö – öppna ärenden", "Queue – open cases"),
    "mine_title": ("Mina ärenden", "My cases"),
    "queue_empty": ("Inga öppna ärenden just nu.", "No open cases right now."),
    "mine_empty": ("Du har inga öppna ärenden.", "You have no open cases."),
    "queue_group": ("{status} ({n})", "{status} ({n})"),
    "queue_row_new": ("registrerat {age}", "registered {age}"),
    "queue_row_started": ("{handler} · ändrat {age}", "{handler} · changed {age}"),
    "queue_row_handed_over": (
        "lämnat över av {handler} {age} – ledigt att ta över",
        "handed over by {handler} {age} – free to take over",
    ),
    # -- triage ------------------------------------------------------------
    "triage_title": ("Vilken rutin gäller?", "Which routine applies?"),
    "triage_intro": (
        "Fyll i, så visar jag vem som hanterar ärendet och vad du ska göra.",
        "Fill in, and I show who handles the request and what to do.",
    ),
    "btn_triage": ("Visa rutinen", "Show the routine"),
    "changes_one": ("1 ändring", "1 change"),
    "changes_many": ("{n} ändringar", "{n} changes"),
    "triage_result_title": ("{changes}: {route}", "{changes}: {route}"),
    "steps_title": ("Gör så här", "What to do"),
    "cab_title": ("Ärendet i CAB", "The case in CAB"),
    "cab_case_title": ("Titel", "Title"),
    "cab_code": ("Ärendehanteringskod", "Case handling code"),
    "cab_code_any": ("den kod som passar ändringen", "the code that fits the change"),
    "cab_group": ("Ärendehanteringsgrupp", "Case handling group"),
    "cab_status": ("Status", "Status"),
    "triage_hint_register": (
        "Skriv registrera för att registrera ärendet.",
        "Type register to register the case.",
    ),
    "triage_hint_email": (
        "Skriv mejl när ändringarna är gjorda, så skriver jag bekräftelsemejlet.",
        "Type email when the changes are done, and I write the confirmation e-mail.",
    ),
    # -- signature ---------------------------------------------------------
    "signature_title": ("Din Elin-signatur", "Your Elin signature"),
    "signature_intro": (
        "Jag behöver din Elin-signatur en gång. Den sparas för ditt Teams-konto och skrivs i "
        "Stora ärenden när du registrerar eller hanterar ärenden.",
        "I need your Elin signature once. It is saved for your Teams account and written to "
        "Stora ärenden when you register or handle cases.",
    ),
    "signature": ("Elin-signatur (börjar på x)", "Elin signature (starts with x)"),
    "need_signature": ("Fyll i din Elin-signatur.", "Enter your Elin signature."),
    "try_again": ("Försök igen", "Try again"),
    # -- help --------------------------------------------------------------
    "help_title": ("Stora ärenden – det här kan jag", "Stora ärenden – what I can do"),
    "help_intro": (
        "I kanalen: nämn mig med @ och skriv sedan kommandot.",
        "In the channel: @mention me, then type the command.",
    ),
    "cmd_register": ("registrera", "register"),
    "cmd_queue": ("kö", "queue"),
    "cmd_mine": ("mina", "mine"),
    "cmd_triage": ("triage", "triage"),
    "cmd_email": ("mejl", "email"),
    "cmd_help": ("hjälp", "help"),
    "help_register": (
        "Registrera ett ärende med fler än 15 ändringar.",
        "Register a case with more than 15 changes.",
    ),
    "help_queue": (
        "Visa öppna ärenden, nya och påbörjade.",
        "Show open cases, new and in progress.",
    ),
    "help_mine": (
        "Visa dina öppna ärenden: de du hanterar eller har registrerat.",
        "Show your open cases: those you handle or registered.",
    ),
    "help_triage": (
        "Se vilken rutin som gäller för ett visst antal ändringar.",
        "See which routine applies to a number of changes.",
    ),
    "help_email": (
        "Skriv bekräftelsemejl för ett ärende med 5–15 ändringar.",
        "Write the confirmation e-mail for a case with 5–15 changes.",
    ),
    "help_help": ("Visa den här hjälpen.", "Show this help."),
    "help_aliases": (
        "Kommandona fungerar också på engelska: register, queue, mine, triage, email, stats, help.",
        "The Swedish commands work too: registrera, kö, mina, triage, mejl, statistik, hjälp.",
    ),
    # -- stall notices and the morning digest (cards/stall.py) ---------------
    "stall_new_1": (
        "{case_id} · {status} har inte påbörjats på {limit}.",
        "{case_id} · {status} has not been started in {limit}.",
    ),
    "stall_new_2": (
        "Påminnelse: {case_id} · {status} har fortfarande inte påbörjats, efter {limit}.",
        "Reminder: {case_id} · {status} has still not been started, after {limit}.",
    ),
    "stall_started_1": (
        "{case_id} · {status} har inte ändrats på {limit}.",
        "{case_id} · {status} has not changed in {limit}.",
    ),
    "stall_started_2": (
        "Påminnelse: {case_id} · {status} har fortfarande inte ändrats, efter {limit}.",
        "Reminder: {case_id} · {status} has still not changed, after {limit}.",
    ),
    "stall_handed_over_1": (
        "{case_id} · {status} är överlämnat och ingen har tagit över det på {limit}.",
        "{case_id} · {status} was handed over and nobody has taken it over in {limit}.",
    ),
    "stall_handed_over_2": (
        "Påminnelse: {case_id} · {status} är överlämnat och ingen har tagit över det, efter {limit}.",
        "Reminder: {case_id} · {status} was handed over and nobody has taken it over, after {limit}.",
    ),
    "stall_last_activity": ("Senaste aktivitet", "Last activity"),
    "stall_still_for": ("Stilla i", "Still for"),
    "dur_day": ("1 arbetsdag", "1 business day"),
    "dur_days": ("{n} arbetsdagar", "{n} business days"),
    "dur_hour": ("1 h arbetstid", "1 business hour"),
    "dur_hours": ("{h} h arbetstid", "{h} business hours"),
    "dur_hours_minutes": ("{h} h {m} min arbetstid", "{h} h {m} min of business time"),
    "dur_minutes": ("{m} min arbetstid", "{m} min of business time"),
    "digest_title": ("Stillastående ärenden {date}", "Stalled cases {date}"),
    "digest_intro_one": (
        "Ett ärende har stått still längre än rutinen säger.",
        "One case has been still for longer than the routine says.",
    ),
    "digest_intro_many": (
        "{n} ärenden har stått still längre än rutinen säger.",
        "{n} cases have been still for longer than the routine says.",
    ),
    "digest_group_new": ("Inte påbörjade ({n})", "Not started ({n})"),
    "digest_group_handed_over": (
        "Överlämnade, inte övertagna ({n})",
        "Handed over, not taken ({n})",
    ),
    "digest_group_started": ("Påbörjade utan ändring ({n})", "In progress without a change ({n})"),
    "digest_row": (
        "stilla i {still} · sedan {since}",
        "still for {still} · since {since}",
    ),
    "digest_row_handler": (
        "{handler} · stilla i {still} · sedan {since}",
        "{handler} · still for {still} · since {since}",
    ),
    "digest_more": (
        "… och {n} till. Skriv kö för hela listan.",
        "… and {n} more. Type queue for the whole list.",
    ),
    **ACCESS_TEXTS,
    **POSTING_TEXTS,
    **LATE_EDIT_TEXTS,
    **QUEUE_TEXTS,
    **FORM_TEXTS,
    **TAKEOVER_TEXTS,
    **CLOSE_TEXTS,
    **STATS_TEXTS,
    **MAIL_TEXTS,
}


def t(key: str, locale: str | None, **params: object) -> str:
    """The text for ``key`` in the agent's language, with ``params`` filled in.

    English when ``locale`` starts with "en", else Swedish. An unknown key is a
    programming error and raises ``KeyError``.
    """
    sv, en = TEXTS[key]
    text = en if is_english(locale) else sv
    return text.format(**params) if params else text

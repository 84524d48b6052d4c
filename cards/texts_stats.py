"""What the team lead reads on the statistics card ("statistik") and in its CSV.

Merged into ``cards.texts.TEXTS``. Team figures only: no names, no signatures,
no customer data.
"""

from __future__ import annotations

STATS_TEXTS: dict[str, tuple[str, str]] = {
    "cmd_stats": ("statistik", "stats"),
    "help_stats": (
        "Visa hur teamet ligger till: ärenden per vecka, ledtider, öppna ärenden. Inga namn.",
        "Show how the team is doing: cases per week, lead times, open cases. No names.",
    ),
    "stats_title": ("Statistik", "Statistics"),
    "stats_intro": (
        "Hela teamet, de senaste {weeks} veckorna. Tider räknas i arbetstid ({opens}–{closes}, "
        "vardagar). Inga namn.",
        "The whole team, the last {weeks} weeks. Times count working hours ({opens}–{closes}, "
        "weekdays). No names.",
    ),
    "stats_weeks": ("Ärenden per vecka", "Cases per week"),
    "stats_week": ("Vecka", "Week"),
    "stats_week_label": ("v{week}", "w{week}"),
    "stats_registered": ("Registrerade", "Registered"),
    "stats_handled": ("Hanterade", "Handled"),
    "stats_lead": ("Ledtid, registrerad till hanterad", "Lead time, registered to handled"),
    "stats_lead_median": ("Median", "Median"),
    "stats_lead_p90": ("9 av 10 klara inom", "9 in 10 done within"),
    "stats_lead_count": ("Hanterade ärenden", "Cases handled"),
    "stats_lead_none": ("Inga hanterade ärenden än.", "No cases handled yet."),
    "stats_hours": ("{hours} h", "{hours} h"),
    "stats_open": ("Öppna ärenden efter ålder ({n})", "Open cases by age ({n})"),
    "stats_age_0": ("under 1 dag", "under 1 day"),
    "stats_age_1": ("1–3 dagar", "1–3 days"),
    "stats_age_2": ("3–5 dagar", "3–5 days"),
    "stats_age_3": ("5 dagar eller mer", "5 days or more"),
    "stats_stalled": ("Fastnat just nu ({n})", "Stalled right now ({n})"),
    "stats_stalled_new": ("Nya, inte påbörjade", "New, not started"),
    "stats_stalled_started": ("Påbörjade utan ändring", "In progress without a change"),
    "stats_stalled_handed_over": ("Överlämnade, inte övertagna", "Handed over, not taken"),
    "stats_stalled_escalated": ("varav länge", "of which long"),
    "stats_stalled_note": (
        "Avslutade ärenden räknas inte: arbetsboken sparar inte när de fastnade.",
        "Closed cases are not counted: the workbook does not keep when they stalled.",
    ),
    "stats_export": ("Exportera CSV", "Export CSV"),
    "stats_csv_title": ("Statistik som CSV", "Statistics as CSV"),
    "stats_csv_help": (
        "Kopiera texten och spara den som en .csv-fil, eller klistra in den i Excel.",
        "Copy the text and save it as a .csv file, or paste it into Excel.",
    ),
    "stats_csv_header": ("avsnitt;etikett;värde", "section;label;value"),
    "stats_csv_lead_median": ("ledtid median (h)", "lead time median (h)"),
    "stats_csv_lead_p90": ("ledtid 90:e percentil (h)", "lead time 90th percentile (h)"),
    "stats_csv_open": ("Öppna efter ålder", "Open by age"),
    "stats_csv_stalled": ("Fastnat just nu", "Stalled right now"),
    "stats_csv_escalated": ("fastnat länge", "stalled long"),
    "stats_back": ("Tillbaka", "Back"),
}

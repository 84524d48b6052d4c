"""What the queue ("kö", "mina") and its search say: buttons, the search field, the answers.

Merged into ``cards.texts.TEXTS``. The queue is a channel message: ids,
statuses, names and times only. The search's answers go to the searcher alone.
"""

from __future__ import annotations

QUEUE_TEXTS: dict[str, tuple[str, str]] = {
    "query": ("Sök ärende", "Find a case"),
    "query_hint": ("Kundnummer eller CAB-nummer", "Customer number or CAB number"),
    "btn_search": ("Sök", "Search"),
    "btn_workbook": ("Öppna arbetsboken", "Open the workbook"),
    "btn_back_queue": ("Tillbaka till kön", "Back to the queue"),
    "btn_back_mine": ("Tillbaka till mina ärenden", "Back to my cases"),
    "queue_more": (
        "Knappar finns på de {n} första. Sök fram ett ärende ovan, eller använd dess kort i kanalen.",
        "The first {n} have buttons. Find a case with the search above, or use its card in the channel.",
    ),
    "search_none": (
        "Inget öppet ärende har det Kundnumret eller CAB-numret.",
        "No open case has that customer number or CAB number.",
    ),
    "search_title": ("Sökresultat", "Search results"),
    "search_many": (
        "{n} öppna ärenden har det numret.",
        "{n} open cases have that number.",
    ),
    "search_more": (
        "… och {n} till, de yngsta. Öppna dem från kön eller arbetsboken.",
        "… and {n} more, the newest. Open them from the queue or the workbook.",
    ),
}

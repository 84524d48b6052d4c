"""Texts about who may use the bot: refusals at the gate, signatures and the admins' commands.

Kept apart from the cards' own texts (cards/texts.py, which merges these in) so
that each file stays one thing; the same (sv, en) pairs, looked up with ``t``.
"""

from __future__ import annotations

ACCESS_TEXTS: dict[str, tuple[str, str]] = {
    # -- the gate (bot/gate.py): one sentence, no case id, no data --------------
    "refused_not_member": (
        "Stora ärenden är bara för Backoffice-teamet. Be teamets ägare lägga till dig om du ska arbeta med stora ärenden.",
        "Stora ärenden is for the Backoffice team only. Ask the team's owner to add you if you work with large cases.",
    ),
    "refused_team": (
        "Stora ärenden arbetar bara i Backoffice-teamet, inte här.",
        "Stora ärenden works in the Backoffice team only, not here.",
    ),
    "refused_tenant": (
        "Stora ärenden arbetar bara i sin egen organisation.",
        "Stora ärenden works in its own organisation only.",
    ),
    "refused_not_set_up": (
        "Stora ärenden är inte installerat i Backoffice-teamet än. Be teamets ägare lägga till appen där.",
        "Stora ärenden is not installed in the Backoffice team yet. Ask the team's owner to add the app there.",
    ),
    "refused_group_chat": (
        "Jag svarar inte i gruppchattar: där kan fler än Backoffice-teamet läsa. Skriv till mig i teamets kanal eller i en chatt med bara mig.",
        "I don't answer in group chats: people outside the Backoffice team may read them. Write to me in the team's channel or in a chat with me alone.",
    ),
    "refused_unknown": (
        "Jag kunde inte kontrollera att du är med i Backoffice-teamet. Försök igen om en stund.",
        "I could not check that you are in the Backoffice team. Try again in a moment.",
    ),
    # -- signatures from the directory (bot/directory_signatures.py) -----------
    "directory_signature_missing": (
        "Din Elin-signatur hämtas ur katalogen, men jag får ingen giltig för dig där. Be din "
        "administratör lägga in den och klicka sedan Försök igen.",
        "Your Elin signature comes from the directory, but I get no valid one for you there. "
        "Ask your admin to add it, then click Try again.",
    ),
    # -- signatures, for the admins (bot/admin.py) ---------------------------
    "signatures_title": ("Bundna signaturer", "Bound signatures"),
    "signatures_empty": ("Ingen signatur är bunden ännu.", "No signature is bound yet."),
    "signatures_active": ("{name} · används", "{name} · in use"),
    "signatures_kept": (
        "{name} · vilande, ingen annan kan ta den",
        "{name} · resting, nobody else can take it",
    ),
    "signatures_no_name": ("namn okänt", "name unknown"),
    "signatures_release_hint": ("Frigör en med: släpp xanna", "Free one with: release xanna"),
    "signature_released": (
        "{signature} är släppt: {name} kan binda en ny, och någon annan kan ta {signature}.",
        "{signature} is released: {name} can bind a new one, and someone else can take {signature}.",
    ),
    "signature_not_bound": (
        "{signature} är inte bunden till någon. Den som anger den först får den nu.",
        "{signature} is not bound to anyone. Whoever enters it first now gets it.",
    ),
    "release_needs_signature": (
        "Skriv signaturen efter släpp.",
        "Type the signature after release.",
    ),
    "admins_only": (
        "Det kommandot är bara för administratörer.",
        "That command is for admins only.",
    ),
}

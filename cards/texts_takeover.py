"""What a take-over says: the question before taking a recently touched case, and the
message to whoever had it.

Merged into ``cards.texts.TEXTS``. The question is the clicker's own view; the
message goes to the case card's thread, so it holds names, signatures, the
Ärende-ID and a time only, never customer data or the hand-over note.
"""

from __future__ import annotations

TAKEOVER_TEXTS: dict[str, tuple[str, str]] = {
    "takeover_confirm_title": ("Ta över {case_id}?", "Take over {case_id}?"),
    "takeover_confirm_holder": (
        "{handler} har ärendet och ändrade det senast {when}.",
        "{handler} has the case and last changed it {when}.",
    ),
    "takeover_confirm_question": (
        "Hen kan arbeta med det just nu. Ta över ändå?",
        "They may be working on it right now. Take it over anyway?",
    ),
    "takeover_confirm_told": (
        "Tar du över får hen ett meddelande i ärendets tråd.",
        "If you take it over, they get a message in the case's thread.",
    ),
    "btn_takeover_confirm": ("Ja, ta över", "Yes, take over"),
    # In the thread, @mentioning the one who had it: {who} is the mention.
    "takeover_told": (
        "{who}: {actor} tog över {case_id} från dig {when}.",
        "{who}: {actor} took over {case_id} from you at {when}.",
    ),
    "takeover_maybe_not_told": (
        (
            "{previous} har kanske inte fått något meddelande om att du tog över {case_id}: "
            "Teams svarade inte säkert. Säg till hen."
        ),
        (
            "{previous} may not have been told that you took over {case_id}: Teams gave no "
            "clear answer. Tell them yourself."
        ),
    ),
    "takeover_not_told": (
        (
            "{previous} fick inget meddelande, eftersom {case_id} inte har något kort i kanalen. "
            "Säg till hen att du tog över."
        ),
        (
            "{previous} was not told, because {case_id} has no card in the channel. "
            "Let them know that you took it over."
        ),
    ),
    "takeover_yours_already": ("Du har tagit över {case_id}.", "You have taken over {case_id}."),
}

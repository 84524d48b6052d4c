"""The texts that close a case: the customer's confirmation e-mail and the CAB comment.

The e-mail follows the routine's template word for word ("Hej Företaget ...");
agents compare it with the routine, so do not reword it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from . import validation
from .clock import to_stockholm
from .errors import InvalidInput
from .language import Bilingual

# Between the e-mail's paragraphs: a blank line, so that they stay apart when
# pasted into a mail (and on the card, which shows a blank line as a gap).
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True, slots=True)
class Change:
    """What was changed, as two phrases of the template.

    ``changed`` follows "Vi har nu ändrat "; ``offer`` follows
    "Om ni önskar göra ändring av ".
    """

    changed: str
    offer: str

    @classmethod
    def invoice_address(cls, new_address: str) -> Change:
        return cls(f"er fakturaadress till {_phrase(new_address)}", "fakturaadressen")

    @classmethod
    def billing_interval(cls, interval: str) -> Change:
        return cls(f"ert faktureringsintervall till {_phrase(interval)}", "faktureringsintervallet")

    @classmethod
    def invoice_delivery(cls, delivery: str) -> Change:
        return cls(
            f"ert utskickssätt för fakturor till {_phrase(delivery)}",
            "utskickssättet för fakturor",
        )

    @classmethod
    def custom(cls, changed: str, offer: str) -> Change:
        """Any other change, both phrases written by the agent."""
        return cls(_phrase(changed), _phrase(offer, "offer"))


def _phrase(raw: str, field: str = "change") -> str:
    # The phrase sits inside one sentence of the e-mail: an address typed on
    # two lines ("Gatan 1" / "111 11 Staden") reads best joined by a comma.
    text = validation.free_text(raw, field, max_length=validation.CHANGE_MAX)
    return ", ".join(line.strip() for line in text.split("\n") if line.strip())


def confirmation_email(
    greeting: str,
    change: Change,
    changed_ids: Sequence[str],
    other_ids: Sequence[str] = (),
) -> str:
    """The routine's e-mail confirming the changes, as the agent pastes it.

    Its lines are the routine's, word for word. A blank line ("\\n\\n") goes
    between its paragraphs (the greeting; what was changed, with the IDs; the
    offer for the other installations), as an e-mail reads; lines within a
    paragraph are joined by "\\n". IDs given twice are named once, and an ID
    among ``changed_ids`` is not also offered as one of the customer's other
    installations.
    """
    changed = list(dict.fromkeys(changed_ids))
    if not changed:
        raise InvalidInput(
            "changed_ids",
            "Ange minst en anläggning som har ändrats.",
            "Give at least one installation that was changed.",
        )
    changed_set = set(changed)
    others = [i for i in dict.fromkeys(other_ids) if i not in changed_set]
    paragraphs = [
        [f"Hej {_greeting(greeting)}"],
        [
            f"Vi har nu ändrat {change.changed} på följande {_installation_word(changed)}",
            _join(changed, "samt"),
        ],
    ]
    if others:
        where = (
            f"anläggningen {others[0]}"
            if len(others) == 1
            else f"anläggningarna {_join(others, 'och')}"
        )
        paragraphs.append(
            [
                f"Jag kan se att ni även har avtal för {where}.",
                (
                    f"Om ni önskar göra ändring av {change.offer} även där "
                    "återkom gärna till oss så hjälper vi er med det."
                ),
            ]
        )
    return PARAGRAPH_BREAK.join("\n".join(lines) for lines in paragraphs)


def _greeting(raw: str) -> str:
    text = validation.free_text(raw, "greeting", max_length=validation.GREETING_MAX)
    return " ".join(text.split())  # "Hej" and the name share one line


def _installation_word(ids: list[str]) -> str:
    return "anläggning" if len(ids) == 1 else "anläggningar"


def _join(items: list[str], last_word: str) -> str:
    """ "a, b, c samt d": commas, and the routine's word before the last one."""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last_word} {items[-1]}"


def cab_comment(when: datetime) -> str:
    """The comment the routine puts on the CAB case once it is in Stora ärenden."""
    return f"Ärendet registrerat i Stora ärenden, {to_stockholm(when).date().isoformat()}"


CLOSE_CHECKLIST: tuple[Bilingual, ...] = (
    Bilingual("Avsluta ärendet i CAB.", "Close the case in CAB."),
    Bilingual(
        "Logga mejlet på kundbilden med ärendehanteringskod MAICCDIS. "
        "Ärendet ska ha status avslutat.",
        "Log the e-mail on the customer (kundbilden) with case handling code MAICCDIS. "
        "The case must have status avslutat.",
    ),
)

REGISTER_REMINDER = Bilingual(
    'Ändra statusen på ärendet i CAB till "I arbete" utan datum.',
    'Set the status of the CAB case to "I arbete" without a date.',
)

"""Who handles a request for many changes, and the routine's steps for it (docs/routine.md).

The routine has two points of view: customer service, who takes the call or
mail and hands large requests over in CAB, and Backoffice, who handles them.
``Stage`` picks the point of view; the bot lives in the Backoffice channel,
so Backoffice is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from .email import cab_comment
from .errors import InvalidInput
from .language import Bilingual, is_english

DIRECT_MAX = 5  # "max 5 konfigs": customer service does it at once
BACKOFFICE_MAX = 15  # "5-15": Backoffice as usual; above, Stora ärenden


class CustomerKind(StrEnum):
    PRIVAT = "privat"
    FORETAG = "företag"
    FASTIGHETSAGARE = "fastighetsägare"
    BOSTADSRATTSFORENING = "bostadsrättsförening"
    FORVALTARE = "förvaltare"

    def label(self, locale: str | None) -> str:
        sv, en = _CUSTOMER_LABELS[self]
        return en if is_english(locale) else sv


_CUSTOMER_LABELS = {
    CustomerKind.PRIVAT: ("Privatkund", "Private customer"),
    CustomerKind.FORETAG: ("Företag", "Business"),
    CustomerKind.FASTIGHETSAGARE: ("Fastighetsägare", "Property owner"),
    CustomerKind.BOSTADSRATTSFORENING: ("Bostadsrättsförening", "Housing cooperative"),
    CustomerKind.FORVALTARE: ("Förvaltare", "Property manager"),
}


class ChangeKind(StrEnum):
    INVOICE = "faktura"  # fakturaadress, faktureringsintervall, utskickssätt
    MOVE = "flytt"
    OTHER = "annat"

    def label(self, locale: str | None) -> str:
        sv, en = _CHANGE_LABELS[self]
        return en if is_english(locale) else sv


_CHANGE_LABELS = {
    ChangeKind.INVOICE: (
        "Faktura (adress, intervall, utskickssätt)",
        "Invoice (address, interval, delivery)",
    ),
    ChangeKind.MOVE: ("Flytt", "Move"),
    ChangeKind.OTHER: ("Annat", "Other"),
}


class Route(StrEnum):
    DIRECT = "direct"
    CAB_HANDOVER = "cab_handover"
    KUNDAVTAL = "kundavtal"
    BACKOFFICE = "backoffice"
    STORA_ARENDEN = "stora_arenden"

    def label(self, locale: str | None) -> str:
        sv, en = _ROUTE_LABELS[self]
        return en if is_english(locale) else sv


_ROUTE_LABELS = {
    Route.DIRECT: ("Kundservice gör ändringen direkt", "Customer service makes the change at once"),
    Route.CAB_HANDOVER: (
        "Läggs över till KS Privat/KS Företag i CAB",
        "Handed over to KS Privat/KS Företag in CAB",
    ),
    Route.KUNDAVTAL: ("Hanteras av kundavtal", "Handled by Kundavtal"),
    Route.BACKOFFICE: ("Backoffice hanterar som vanligt", "Backoffice handles it as usual"),
    Route.STORA_ARENDEN: ("Registreras i Stora ärenden", "Registered in Stora ärenden"),
}


class Stage(StrEnum):
    """Whose step it is: the first line that took the request, or Backoffice."""

    CUSTOMER_SERVICE = "kundservice"
    BACKOFFICE = "backoffice"


@dataclass(frozen=True, slots=True)
class CabFields:
    """How the case in CAB is set up when customer service hands it over."""

    title: str
    code: str | None  # None: no code fits every "other" change; the agent picks one
    group: str
    status: str


@dataclass(frozen=True, slots=True)
class Triage:
    """Where a request goes, and what the agent does, in both languages."""

    route: Route
    cab: CabFields | None
    steps_sv: tuple[str, ...]
    steps_en: tuple[str, ...]
    sends_confirmation_email: bool

    def steps(self, locale: str | None) -> tuple[str, ...]:
        return self.steps_en if is_english(locale) else self.steps_sv


def triage(
    count: int,
    customer: CustomerKind | str,
    change: ChangeKind | str,
    *,
    stage: Stage | str = Stage.BACKOFFICE,
    when: datetime | None = None,
) -> Triage:
    """The route and steps for ``count`` changes.

    ``when`` dates the CAB comment of a Stora ärenden case; without it the
    step shows the routine's placeholder.
    """
    if isinstance(count, bool) or count < 1:
        raise InvalidInput(
            "change_count",
            "Antal ändringar ska vara minst 1.",
            "The number of changes must be at least 1.",
        )
    customer = _kind(CustomerKind, customer, "customer_kind")
    change = _kind(ChangeKind, change, "change_kind")
    stage = _kind(Stage, stage, "stage")

    if count <= DIRECT_MAX:
        return _build(Route.DIRECT, None, _DIRECT_STEPS)
    # The routine's one exception: property owners' moves go to kundavtal.
    if customer is CustomerKind.FASTIGHETSAGARE and change is ChangeKind.MOVE:
        steps: tuple[Bilingual, ...] = _KUNDAVTAL_STEPS
        if stage is Stage.CUSTOMER_SERVICE:
            steps += (_MAIL_REMINDER,)
        return _build(Route.KUNDAVTAL, None, steps)

    cab = _cab_fields(count, customer, change)
    if stage is Stage.CUSTOMER_SERVICE:
        return _build(Route.CAB_HANDOVER, cab, _handover_steps(cab))
    if count <= BACKOFFICE_MAX:
        return _build(Route.BACKOFFICE, cab, _BACKOFFICE_STEPS + _CONFIRM_STEPS, confirms=True)
    return _build(
        Route.STORA_ARENDEN, cab, _stora_arenden_steps(when) + _CONFIRM_STEPS, confirms=True
    )


_K = TypeVar("_K", bound=StrEnum)


def _kind(enum: type[_K], value: _K | str, field: str) -> _K:
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(
            field, "Välj ett av alternativen.", "Choose one of the options."
        ) from None


def _cab_fields(count: int, customer: CustomerKind, change: ChangeKind) -> CabFields:
    code = {ChangeKind.INVOICE: "INVOICE", ChangeKind.MOVE: "MOVEINFO"}.get(change)
    group = "KS Privat" if customer is CustomerKind.PRIVAT else "KS Företag"
    return CabFields(title=f"{count} konfigs", code=code, group=group, status="Upprättat")


def _build(
    route: Route, cab: CabFields | None, steps: tuple[Bilingual, ...], *, confirms: bool = False
) -> Triage:
    return Triage(
        route=route,
        cab=cab,
        steps_sv=tuple(step.sv for step in steps),
        steps_en=tuple(step.en for step in steps),
        sends_confirmation_email=confirms,
    )


# The Swedish follows the routine's own words where it has them, so agents
# recognise them.

_MAIL_REMINDER = Bilingual(
    "OBS! Gäller även mail, kom ihåg att besvara kunden att vi tagit ärendet vidare!",
    "Note: this applies to e-mail too. Remember to tell the customer that we have "
    "passed the case on!",
)

_DIRECT_STEPS = (
    Bilingual(
        "Max 5 konfigs: Kundservice gör ändringen under samtalets/mejlets gång. "
        "Inget ärende behövs.",
        "At most 5 installations: customer service makes the change during the call or "
        "e-mail. No case is needed.",
    ),
)

_KUNDAVTAL_STEPS = (
    Bilingual(
        "En fastighetsägare som vill göra flytt på fler än 5 anläggningar hanteras av kundavtal.",
        "A property owner who wants to move more than 5 installations is handled by Kundavtal.",
    ),
    Bilingual(
        'Följ rutinen "Fastighetsägare vill göra flytt".',
        'Follow the routine "Fastighetsägare vill göra flytt".',
    ),
)


def _handover_steps(cab: CabFields) -> tuple[Bilingual, ...]:
    if cab.code:
        code = Bilingual(
            f"Använd ärendehanteringskoden {cab.code}.",
            f"Use the case handling code {cab.code}.",
        )
    else:
        code = Bilingual(
            "Välj den ärendehanteringskod som passar ändringen.",
            "Choose the case handling code that fits the change.",
        )
    return (
        Bilingual(
            f'Upprätta ett ärende med titel "{cab.title}".',
            f'Create a case in CAB titled "{cab.title}".',
        ),
        code,
        Bilingual(
            'Klicka på "Lägg till ny kommentar" och skriv en utförlig beskrivning över vad '
            "kunden vill ha ändrat.",
            'Click "Lägg till ny kommentar" (add new comment) and describe in detail what the '
            "customer wants changed.",
        ),
        Bilingual(
            f'Bocka i rutan "Ärendehanteringsgrupp" och välj sedan {cab.group} i rullisten.',
            f'Tick the box "Ärendehanteringsgrupp" (case handling group) and choose '
            f"{cab.group} in the list.",
        ),
        Bilingual(
            f'Ärendet ska ha status "{cab.status}".',
            f'The case must have the status "{cab.status}".',
        ),
        _MAIL_REMINDER,
    )


_BACKOFFICE_STEPS = (
    Bilingual(
        "Backoffice hanterar ändringarna som vanligt.", "Backoffice makes the changes as usual."
    ),
)


def _stora_arenden_steps(when: datetime | None) -> tuple[Bilingual, ...]:
    comment = cab_comment(when) if when else "Ärendet registrerat i Stora ärenden, [datum]"
    return (
        Bilingual(
            "Registrera ärendet i Stora ärenden: kundnummer, ärendenummer i CAB och en kortare "
            "förklaring av vad ärendet gäller (hur många ändringar/utskick/flyttar och vilka "
            "system som behöver användas).",
            "Register the case in Stora ärenden: customer number, CAB case number and a short "
            "description (how many changes/mailings/moves, and which systems are needed).",
        ),
        Bilingual(
            f"Lägg även till följande kommentar i ärendet i CAB: {comment}",
            f"Also add this comment to the case in CAB: {comment}",
        ),
        Bilingual(
            'Ändra statusen till "I arbete" utan datum.',
            'Set the status to "I arbete" without a date.',
        ),
        Bilingual(
            "Påbörja ärendet när du börjar hantera det. Hinner du inte klart under ditt pass, "
            "lämna över det med en kort notering om hur långt du kommit.",
            "Start the case when you begin working on it. If you cannot finish it during your "
            "shift, hand it over with a short note on how far you got.",
        ),
        Bilingual(
            'När ärendet är klart: avsluta det i Stora ärenden (status "Hanterad", samtliga '
            "kunduppgifter raderas ur Excel-dokumentet) och avsluta ärendet i CAB.",
            'When the case is done, close it in Stora ärenden (status "Hanterad"; all customer '
            "data is deleted from the workbook) and close the case in CAB.",
        ),
    )


_CONFIRM_STEPS = (
    Bilingual(
        "När ärendet är hanterat skall ett mejl skickas till kunden där vi bekräftar att vi "
        "genomfört ändringarna.",
        "When the case is handled, send the customer an e-mail confirming that we have made "
        "the changes.",
    ),
    Bilingual(
        "Om kunden har fler anläggningar som de inte begärt ändring på ska även detta framgå "
        "i mejlet.",
        "If the customer has more installations they did not ask to change, say so in the "
        "e-mail too.",
    ),
    Bilingual(
        "OBS! Kom ihåg att logga mejlet på kundbilden med ärendehanteringskod MAICCDIS. "
        "Ärendet ska ha status avslutat.",
        "Remember to log the e-mail on the customer (kundbilden) with case handling code "
        "MAICCDIS. The case must have the status avslutat.",
    ),
)

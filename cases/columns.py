"""The workbook's columns: header texts, and a Case as cell values and back.

Both Ledger adapters (local openpyxl, Microsoft Graph) share this module, so it
knows nothing of openpyxl: a row is a mapping from header text to a cell value.
Writing always produces text; reading accepts what a person may have typed in
Excel (numbers, real dates, stray spaces, another letter case).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeVar

from .clock import STOCKHOLM, to_stockholm
from .errors import DomainError
from .model import Case, Status
from .triage import ChangeKind, CustomerKind

TABLE_NAME: Final = "StoraArenden"
SHEET_NAME: Final = "Stora ärenden"
ID_PREFIX: Final = "SA-"
ID_DIGITS: Final = 6

# The bot's own state lives on a "veryHidden" sheet that Excel's UI cannot
# unhide: A1/B1 hold the highest Ärende-ID number ever issued, so IDs are never
# reused even when a person deletes the last rows of the table.
STATE_SHEET: Final = "_bot"
LAST_ID_LABEL: Final = "last_id"
SAVED_AT_LABEL: Final = "saved_at"

KUNDNUMMER: Final = "Kundnummer"
CAB: Final = "Ärendenummer CAB"
BESKRIVNING: Final = "Vad gäller ärendet"
REGISTRERAT_AV: Final = "Registrerat av"
STATUS: Final = "Status"
HANTERAS_AV: Final = "Hanteras av"
KOMMENTAR: Final = "Eventuell kommentar"
ARENDE_ID: Final = "Ärende-ID"
REGISTRERAD: Final = "Registrerad"
SENAST_ANDRAD: Final = "Senast ändrad"
OVERLAMNAD: Final = "Överlämnad"
ANTAL_ANDRINGAR: Final = "Antal ändringar"
TYP_AV_ANDRING: Final = "Typ av ändring"
KUNDTYP: Final = "Kundtyp"

HEADERS: Final[tuple[str, ...]] = (
    KUNDNUMMER,
    CAB,
    BESKRIVNING,
    REGISTRERAT_AV,
    STATUS,
    HANTERAS_AV,
    KOMMENTAR,
    ARENDE_ID,
    REGISTRERAD,
    SENAST_ANDRAD,
    OVERLAMNAD,
    # Added in issue 12: a row registered before has them empty, and reads as unknown.
    ANTAL_ANDRINGAR,
    TYP_AV_ANDRING,
    KUNDTYP,
)
# The routine's columns exist in the team's workbook before the bot does; a
# workbook without them is not "Stora ärenden". The bot's columns are appended
# on the right by the adapter the first time it writes.
REQUIRED_HEADERS: Final[tuple[str, ...]] = HEADERS[:7]
BOT_HEADERS: Final[tuple[str, ...]] = HEADERS[7:]

FIELD_BY_HEADER: Final[Mapping[str, str]] = {
    KUNDNUMMER: "customer_number",
    CAB: "cab_number",
    BESKRIVNING: "description",
    REGISTRERAT_AV: "registered_by",
    STATUS: "status",
    HANTERAS_AV: "handler",
    KOMMENTAR: "comment",
    ARENDE_ID: "case_id",
    REGISTRERAD: "registered_at",
    SENAST_ANDRAD: "changed_at",
    OVERLAMNAD: "handed_over_at",
    ANTAL_ANDRINGAR: "change_count",
    TYP_AV_ANDRING: "change_kind",
    KUNDTYP: "customer_kind",
}
HEADER_BY_FIELD: Final[Mapping[str, str]] = {f: h for h, f in FIELD_BY_HEADER.items()}

_TEXT_HEADERS = (KUNDNUMMER, CAB, BESKRIVNING, KOMMENTAR)
_SIGNATURE_HEADERS = (REGISTRERAT_AV, HANTERAS_AV)
_TIME_HEADERS = (REGISTRERAD, SENAST_ANDRAD, OVERLAMNAD)

# Excel starts a formula on these when the cell is edited by hand; the bot keeps them text.
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot carry these control characters at all; Excel would refuse the file.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# ASCII digits, at most 18: "\d" also takes Arabic-Indic digits, and int()
# refuses more than 4,300 digits with a ValueError that no caller expects.
_ID_PATTERN = re.compile(re.escape(ID_PREFIX) + r"([0-9]{1,18})", re.IGNORECASE)
_EXCEL_EPOCH = datetime(1899, 12, 30)


class WorkbookLayoutError(DomainError):
    """The workbook is not shaped as the bot needs it: fixing it is a person's job."""

    def __init__(self, problem_sv: str, problem_en: str) -> None:
        super().__init__(
            f"Arbetsboken Stora ärenden går inte att använda: {problem_sv}",
            f"The Stora ärenden workbook cannot be used: {problem_en}",
        )


class UnreadableRow(DomainError):
    """A row the bot registered holds a value, typed by hand, that means nothing to it.

    Names the case and the column only: the value may be customer data.
    """

    def __init__(self, case_id: str, header: str) -> None:
        super().__init__(
            f"{case_id} i Stora ärenden har ett värde i kolumnen {header} som boten inte kan läsa.",
            f"{case_id} in Stora ärenden has a value in the column {header} the bot cannot read.",
        )
        self.case_id = case_id
        self.header = header


def normalise_header(text: object) -> str:
    """The comparison form of a header: people retype headers with other spacing and case."""
    if text is None:
        return ""
    collapsed = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return collapsed.casefold()


_CANONICAL = {normalise_header(h): h for h in HEADERS}


def canonical_header(text: object) -> str | None:
    """The bot's spelling of a header cell, or None for a column the bot does not know."""
    if isinstance(text, str) and text in FIELD_BY_HEADER:  # the common case, and cheap
        return text
    return _CANONICAL.get(normalise_header(text))


def map_headers(header_cells: Iterable[object]) -> dict[str, int]:
    """Known header -> position (0-based) in ``header_cells``; unknown columns are left out."""
    positions: dict[str, int] = {}
    for position, text in enumerate(header_cells):
        header = canonical_header(text)
        if header is None:
            continue
        if header in positions:
            raise WorkbookLayoutError(
                f"kolumnen {header} finns två gånger.", f"the column {header} appears twice."
            )
        positions[header] = position
    missing = [h for h in REQUIRED_HEADERS if h not in positions]
    if missing:
        names = ", ".join(missing)
        raise WorkbookLayoutError(f"kolumner saknas: {names}.", f"columns are missing: {names}.")
    return positions


def format_case_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def case_id_number(text: object) -> int | None:
    """The number in an Ärende-ID such as ``SA-000042``, or None for anything else."""
    if not isinstance(text, str):
        return None
    match = _ID_PATTERN.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def id_key(case_id: object) -> str:
    """The lookup form of an Ärende-ID: a hand-typed ``sa-000042 `` still finds its row."""
    return _text(case_id).strip().upper()


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Text as a cell can hold it: one kind of line break, no XML-illegal characters.

    Excel keeps Alt+Enter line breaks as LF, and XML parsers turn a bare CR
    into LF anyway; normalising first makes what we write what we read back.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def format_datetime(moment: datetime | None) -> str:
    return "" if moment is None else to_stockholm(moment).isoformat()


def case_to_cells(case: Case) -> dict[str, str]:
    """Every known column's cell as text; ``""`` means an empty cell."""
    cells = {
        KUNDNUMMER: clean_text(case.customer_number),
        CAB: clean_text(case.cab_number),
        BESKRIVNING: clean_text(case.description),
        REGISTRERAT_AV: _signature(case.registered_by),
        STATUS: Status(case.status).value,
        HANTERAS_AV: _signature(case.handler),
        KOMMENTAR: clean_text(case.comment),
        ARENDE_ID: case.case_id.strip(),
        REGISTRERAD: format_datetime(case.registered_at),
        SENAST_ANDRAD: format_datetime(case.changed_at),
        OVERLAMNAD: format_datetime(case.handed_over_at),
        ANTAL_ANDRINGAR: "" if case.change_count is None else str(case.change_count),
        TYP_AV_ANDRING: "" if case.change_kind is None else ChangeKind(case.change_kind).value,
        KUNDTYP: "" if case.customer_kind is None else CustomerKind(case.customer_kind).value,
    }
    return cells


def row_case_id(cells: Mapping[str, object]) -> str:
    """The row's Ärende-ID, or ``""`` for a row the bot did not register."""
    return _text(_lookup(cells, ARENDE_ID)).strip()


def case_from_cells(cells: Mapping[str, object]) -> Case:
    """The case a row holds. Keys may be any spelling of the headers.

    Raises ``UnreadableRow`` when a value cannot be understood; callers should
    skip rows without an Ärende-ID (``row_case_id``) before calling this.
    """
    by_header: dict[str, object] = {}
    for key, value in cells.items():
        header = canonical_header(key)
        if header is not None:
            by_header[header] = value
    case_id = row_case_id(by_header)
    if not case_id:
        raise UnreadableRow("(utan Ärende-ID)", ARENDE_ID)

    def when(header: str) -> datetime | None:
        try:
            return parse_datetime(by_header.get(header))
        except ValueError:
            raise UnreadableRow(case_id, header) from None

    registered_at = when(REGISTRERAD)
    if registered_at is None:
        raise UnreadableRow(case_id, REGISTRERAD)
    status = parse_status(by_header.get(STATUS))
    if status is None:
        raise UnreadableRow(case_id, STATUS)
    text = {h: _text(by_header.get(h)) for h in _TEXT_HEADERS}
    return Case(
        case_id=case_id,
        customer_number=text[KUNDNUMMER],
        cab_number=text[CAB],
        description=text[BESKRIVNING],
        registered_by=_signature(_text(by_header.get(REGISTRERAT_AV))),
        status=status,
        handler=_signature(_text(by_header.get(HANTERAS_AV))),
        comment=text[KOMMENTAR],
        registered_at=registered_at,
        # A person who retyped the row may have left it empty: it then last
        # changed when it was registered, as far as anyone can tell.
        changed_at=when(SENAST_ANDRAD) or registered_at,
        handed_over_at=when(OVERLAMNAD),
        change_count=_count(by_header.get(ANTAL_ANDRINGAR)),
        change_kind=_kind(ChangeKind, by_header.get(TYP_AV_ANDRING)),
        customer_kind=_kind(CustomerKind, by_header.get(KUNDTYP)),
    )


# The count and the two kinds only inform the close's confirmation ("16
# registered, 5 typed"), so a value the bot cannot read is unknown, as an empty
# one is: refusing the row would hide an open case from kö and the search and
# block its close. The stores write only the cells that change, so what the
# person typed stays in the workbook.


def _count(value: object) -> int | None:
    """Antal ändringar: a whole number, as the bot wrote it or Excel turned it
    into a float; empty or anything else (a row from before the column, "ca 20")
    is unknown."""
    text = _text(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


_E = TypeVar("_E", ChangeKind, CustomerKind)


def _kind(kind: type[_E], value: object) -> _E | None:
    """A kind as the bot writes it, or as a person retyped it ("Företag ", "foretag");
    anything else is unknown."""
    if value is None or value == "":  # most rows: a case closed or from before the column
        return None
    by_fold: dict[str, _E] = _KIND_BY_FOLD[kind]
    return by_fold.get(_fold(_text(value)))


def _fold(text: str) -> str:
    """Casefolded, without diacritics: "Paborjad" and "PÅBÖRJAD " both mean Påbörjad."""
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STATUS_BY_FOLD = {_fold(s.value): s for s in Status}
# Folded once per kind, not once per member and row (issue 13).
_KIND_BY_FOLD: dict[type, dict[str, Any]] = {
    kind: {_fold(member.value): member for member in kind} for kind in (ChangeKind, CustomerKind)
}


def parse_status(value: object) -> Status | None:
    return _STATUS_BY_FOLD.get(_fold(_text(value)))


def parse_datetime(value: object) -> datetime | None:
    """A timestamp cell as an aware Stockholm datetime to the second; None if empty.

    Accepts the bot's ISO text, a date a person typed (openpyxl gives a
    datetime, Graph an Excel serial number), and assumes Stockholm when no
    offset is given. Raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 < value < 2958466:  # Excel's own range: 1900-01-01 to 9999-12-31
            raise ValueError("not a timestamp")
        moment = _EXCEL_EPOCH + timedelta(days=float(value))
        moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    else:
        moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return to_stockholm(moment)


def _signature(text: str) -> str:
    return text.strip().lower()


def _text(value: object) -> str:
    """A cell as text: empty is ``""``, a number a person typed keeps its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _lookup(cells: Mapping[str, object], header: str) -> object:
    if header in cells:
        return cells[header]
    for key, value in cells.items():
        if canonical_header(key) == header:
            return value
    return None

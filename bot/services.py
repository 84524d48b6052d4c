"""What the handlers need, wired once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cases.business_time import BusinessCalendar
from cases.ledger import Ledger

from .case_cards import CaseCards
from .config import Settings
from .late_edits import LateEditChecks
from .mail_drafts import Drafts
from .membership import TeamRoster
from .queue_cards import QueueCards
from .redelivery import Redelivery
from .signature_source import SignatureSource
from .team_channel import TeamChannelBook


@dataclass(frozen=True)
class Services:
    settings: Settings
    ledger: Ledger
    signatures: SignatureSource
    case_cards: CaseCards
    team_channels: TeamChannelBook
    roster: TeamRoster
    clock: Callable[[], datetime]
    redelivery: Redelivery
    # Reads a row back a few seconds after each write (bot/late_edits.py); None
    # for a store without co-authors in Excel for the web.
    late_edits: LateEditChecks | None = None
    # Business hours (STORA_BUSINESS_*), for rules measured in them: the take-over question.
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    # The queue cards drawn lately, by what they show (bot/queue_cards.py).
    queue_cards: QueueCards = field(default_factory=QueueCards)
    # The team's mailbox for the close's e-mail draft (bot/mail_drafts.py); None: not set.
    drafts: Drafts | None = None

"""Adaptive Cards for the Stora ärenden bot: pure functions from domain objects to cards.

Each builder returns a typed ``microsoft_teams.cards.AdaptiveCard`` (version 1.5,
what Teams renders); ``to_json`` gives the dict the bot sends. Cards import
``cases`` only. Texts are Swedish, English for an ``en*`` locale (``texts.t``).

The protocol with the bot: every button is ``Action.Execute`` with one verb;
case buttons carry ``{"caseId", "version"}`` and nothing else, but for the
close's confirmation (``close_confirm_card``), an answer to its closer alone,
whose buttons also carry what the close form held.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from . import texts
from .case import MAX_REFRESH_USERS, case_card
from .close import MailboxDraft, close_form, email_draft_card
from .close_confirm import CLOSE_CONFIRMED, close_confirm_card
from .correct import correct_form
from .email import EMAIL_CHANGES, email_form
from .glance import NOTICE_VIEW, case_glance, notice_data
from .handover import handover_form, handover_notice
from .help import help_card
from .identity import directory_signature_card, signature_list_card
from .notice import notice_card
from .queue import (
    MINE_VIEW,
    QUERY_ID,
    QUEUE_VERB,
    QUEUE_VIEW,
    QUEUE_VIEWS,
    SEARCH_VERB,
    queue_card,
)
from .register import register_form
from .registered import registered_card
from .search import queue_case_view, search_results_card
from .signature import signature_form
from .stall import stall_digest, stall_notice
from .stats import STATS_CSV_VERB, STATS_VERB, stats_card, stats_csv, stats_csv_card
from .takeover import takeover_confirm
from .triage import triage_card, triage_form

__all__ = [
    "CLOSE_CONFIRMED",
    "EMAIL_CHANGES",
    "MAX_REFRESH_USERS",
    "MINE_VIEW",
    "NOTICE_VIEW",
    "QUERY_ID",
    "QUEUE_VERB",
    "QUEUE_VIEW",
    "QUEUE_VIEWS",
    "SEARCH_VERB",
    "STATS_CSV_VERB",
    "STATS_VERB",
    "MailboxDraft",
    "case_card",
    "case_glance",
    "close_confirm_card",
    "close_form",
    "correct_form",
    "directory_signature_card",
    "email_draft_card",
    "email_form",
    "handover_form",
    "handover_notice",
    "help_card",
    "notice_card",
    "notice_data",
    "queue_card",
    "queue_case_view",
    "register_form",
    "registered_card",
    "search_results_card",
    "signature_form",
    "signature_list_card",
    "stall_digest",
    "stall_notice",
    "stats_card",
    "stats_csv",
    "stats_csv_card",
    "takeover_confirm",
    "texts",
    "to_json",
    "triage_card",
    "triage_form",
]


def to_json(card: AdaptiveCard) -> dict[str, Any]:
    """The card as the bot sends it: camelCase keys, no empty properties."""
    return _tidy(card.model_dump(mode="json", by_alias=True, exclude_none=True))


def _tidy(node: Any) -> Any:
    # The models type every number as float; 17 reads better than 17.0 in an
    # input and in a log.
    if isinstance(node, dict):
        return {key: _tidy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if isinstance(node, float) and node.is_integer():
        return int(node)
    return node

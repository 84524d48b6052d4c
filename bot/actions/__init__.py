"""Universal Actions: one handler per verb.

A card button sends ``Action.Execute`` with a verb; Teams wraps it in an
``adaptiveCard/action`` invoke. ``dispatch`` finds the verb's handler, makes
sure the agent has a signature when the verb acts on the workbook, and turns
what the handler returns into the documented invoke response.
"""

from __future__ import annotations

from . import (  # noqa: F401  (they register their verbs)
    case_verbs,
    close_review,
    form_verbs,
    queue_verbs,
    stats_verbs,
    takeover_verbs,
)
from .routing import Turn, dispatch

__all__ = ["Turn", "dispatch"]

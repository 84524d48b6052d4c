"""Domain errors. Each carries a short Swedish message meant for the agent.

The bot shows ``message`` as it is (or its English twin, ``message_en``, when the
agent's Teams runs in English). Messages never contain customer data, so they
are safe to log as well.
"""

from __future__ import annotations

from .language import is_english


class DomainError(Exception):
    """An action the routine does not allow, or input it cannot accept."""

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message

    def text(self, locale: str | None) -> str:
        """The message in the agent's language: English for ``en*``, else Swedish."""
        return self.message_en if is_english(locale) else self.message


class InvalidInput(DomainError):
    """A field the agent typed does not pass validation."""

    def __init__(self, field: str, message: str, message_en: str | None = None) -> None:
        super().__init__(message, message_en)
        self.field = field


class InvalidInputs(DomainError):
    """Several fields failed at once; shown next to each field in the form."""

    def __init__(self, errors: list[InvalidInput]) -> None:
        super().__init__(
            " ".join(e.message for e in errors), " ".join(e.message_en for e in errors)
        )
        self.errors = errors

    def by_field(self) -> dict[str, InvalidInput]:
        return {e.field: e for e in self.errors}


class NotAllowed(DomainError):
    """The case is not in a state, or the agent not in a role, that permits the action."""


class CaseNotFound(DomainError):
    def __init__(self, case_id: str) -> None:
        super().__init__(
            f"Ärendet {case_id} finns inte i Stora ärenden.",
            f"Case {case_id} is not in Stora ärenden.",
        )
        self.case_id = case_id

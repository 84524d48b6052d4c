"""The close form's submit: checked, then the confirmation step; nothing is stored here.

"Fortsätt" on the close form lands here. Bad input brings the form back with
what was typed and each error under its input; a stale card or a refusal
shows the case as it is now. Otherwise the answer is the confirmation card
(``cards.close_confirm_card``), whose "Ja" button carries the checked values
to the ``close`` verb and whose "Tillbaka" brings them back to the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cards
from cases import installations, validation
from cases.errors import InvalidInput, InvalidInputs
from cases.ledger import LedgerUnavailable
from cases.lifecycle import Action
from cases.model import CaseRef

from .case_verbs import _closed_by_me_already, _form_guard
from .checks import form_check
from .email_input import EMAIL_FIELDS, draft_from_form
from .inputs import errors_by_input, typed_text
from .routing import Turn, verb

Json = dict[str, Any]
_LISTS = ("changedIds", "otherIds")
# The free text as the form shows it again (``maxLength``), and as the e-mail
# reads it (``validation.clean_text``): an offer typed for a change that needs
# none is not checked, so it is cut here, not carried whatever its length.
_TEXTS = {
    "greeting": validation.GREETING_MAX,
    "emailValue": validation.CHANGE_MAX,
    "emailOffer": validation.CHANGE_MAX,
}


# Checked before the signature question too: a bad ID list comes back at once.
@verb(
    "close.review", check=form_check(cards.close_form, EMAIL_FIELDS, lambda t: confirmable(t.data))
)
async def review_close(turn: Turn) -> Json:
    typed = turn.values(*EMAIL_FIELDS)
    try:
        case, answer = await _form_guard(turn, Action.CLOSE)
    except LedgerUnavailable as unavailable:
        drawn = CaseRef(turn.case_id, turn.field("version"))
        notice = unavailable.text(turn.locale)
        return cards.to_json(cards.close_form(drawn, turn.locale, typed, notice=notice))
    if answer:
        # "Unclear whether it was saved" brought the form back, and the close
        # had taken: Fortsätt again is how the agent asks for the draft.
        return await _closed_by_me_already(turn) or answer
    try:
        values, ids = confirmable(turn.data)
    except InvalidInputs as bad:
        errors = errors_by_input(bad, turn.locale)
        return cards.to_json(cards.close_form(case, turn.locale, typed, errors))
    return cards.to_json(cards.close_confirm_card(case, turn.locale, values, ids))


def confirmable(data: Mapping[str, Any]) -> tuple[dict[str, str], int]:
    """The close form's values as the confirmation carries them, and the count of changed IDs.

    Raises ``InvalidInputs`` as the close itself would. What travels is what
    the e-mail is made of, so it makes the same e-mail: the ID lists as their
    valid IDs, one a line, each once; the texts tidied. Two copies of all of it
    must fit in one card (``installations.CONFIRM_MAX``).
    """
    draft_from_form(data)
    parse = installations.parse_installation_ids
    lists = {name: parse(typed_text(data.get(name))).valid for name in _LISTS}
    total = sum(len(ids) for ids in lists.values())
    if total > installations.CONFIRM_MAX:
        raise InvalidInputs(
            [
                InvalidInput(
                    "changedIds",
                    cards.texts.t("close_too_many_ids", "sv-SE", max=installations.CONFIRM_MAX),
                    cards.texts.t("close_too_many_ids", "en-US", max=installations.CONFIRM_MAX),
                )
            ]
        )
    values = {name: "\n".join(ids) for name, ids in lists.items()}
    values["emailChange"] = typed_text(data.get("emailChange"))
    for name, most in _TEXTS.items():
        values[name] = validation.clean_text(typed_text(data.get(name)))[:most]
    return {name: text for name, text in values.items() if text}, len(lists["changedIds"])

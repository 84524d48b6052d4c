"""The close's confirmation step: the last card before the customer data is deleted.

It names the case, counts the installation IDs against the count the case was
registered with, and says what the close deletes. It has no inputs: both
buttons carry what the close form held, so "Ja" closes with exactly what was
confirmed and "Tillbaka" shows the form again with all of it.
"""

from __future__ import annotations

from collections.abc import Mapping

from microsoft_teams.cards import AdaptiveCard, CardElement, ExecuteAction, Fact, FactSet

from cases.model import Case

from . import parts
from .parts import button, case_data, notice, para, title
from .texts import t

# In the "Ja" button's data: the close verb wipes only a click that carries it.
CLOSE_CONFIRMED = "confirmed"


def close_confirm_card(
    case: Case, locale: str | None, values: Mapping[str, str], ids: int
) -> AdaptiveCard:
    """``values``: the close form's inputs, checked; ``ids``: how many changed installations."""
    count = case.change_count
    ids_text = _plural("close_ids", ids, locale)
    body: list[CardElement] = []
    if count is not None and count != ids:
        changes = _plural("close_changes", count, locale)
        body.append(notice(t("close_mismatch", locale, ids=ids_text, changes=changes)))
    body.append(title(t("close_confirm_title", locale, case_id=case.case_id)))
    body.append(
        FactSet(
            facts=[
                Fact(title=t("close_confirm_case", locale), value=case.case_id),
                Fact(title=t("changed_ids", locale), value=ids_text),
                Fact(
                    title=t("close_confirm_count", locale),
                    value=t("close_confirm_unknown", locale) if count is None else str(count),
                ),
            ]
        )
    )
    if count is None:
        body.append(para(t("close_count_unknown", locale)))
    elif count == ids:
        body.append(para(t("close_count_matches", locale), color="Good"))
    else:
        body.append(para(t("close_mismatch_hint", locale)))
    body.append(notice(t("close_wipe_warning", locale, case_id=case.case_id), style="attention"))
    carried = {**values, **case_data(case)}
    actions = [
        # Red, as Teams draws a destructive action: this is the step that cannot be undone.
        ExecuteAction(
            title=t("btn_close_confirm", locale),
            verb="close",
            data={**carried, CLOSE_CONFIRMED: "1"},
            style="destructive",
        ),
        button(t("btn_close_back", locale), "close.form", carried),
    ]
    return parts.card(locale, body, actions)


def _plural(key: str, n: int, locale: str | None) -> str:
    return t(f"{key}_one", locale) if n == 1 else t(f"{key}_many", locale, n=n)

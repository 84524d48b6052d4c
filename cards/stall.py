"""Stalled cases: the notice for one stall, and the morning digest of all of them.

Both name a case by its Ärende-ID and status, with the handler's signature
and times: never customer data, since they stay in the channel after the case
is closed. Their buttons are the case card's own (Påbörja for a new case, Ta
över for a started or handed-over one), with the same ``{"caseId", "version"}``
data, so a click goes through the ordinary guard: a case that moved on since
the notice was drawn is shown as it is now, and nothing is applied. The data
also says the click came from a notice, so the answer is a glance at the case
(cards/glance.py), never a copy of the case card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    TextBlock,
)

from cases.stalls import Stall, StallRule

from . import parts
from .case import status_text
from .glance import notice_data
from .names import NO_NAMES, who, who_markdown
from .parts import (
    button,
    heading,
    literal,
    para,
    title,
    when,
    when_and_age,
)
from .texts import t

# A card holds about 28 KB in Teams; the digest stops listing well before that.
DIGEST_MAX_ROWS = 25
# The digest's groups, in the order a team works them: unclaimed first.
DIGEST_GROUPS = (StallRule.NEW, StallRule.HANDED_OVER, StallRule.STARTED)
NOTICE_ID = "stallNotice"
DIGEST_ID = "stallDigest"


def business_duration(duration: timedelta, business_day: timedelta, locale: str | None) -> str:
    """ "4 h arbetstid", "2 h 30 min arbetstid", "1 arbetsdag" (whole days when exact)."""
    minutes = round(duration.total_seconds() / 60)
    day_minutes = round(business_day.total_seconds() / 60)
    if day_minutes and minutes >= day_minutes and minutes % day_minutes == 0:
        days = minutes // day_minutes
        return t("dur_day", locale) if days == 1 else t("dur_days", locale, n=days)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return t("dur_minutes", locale, m=rest)
    if rest:
        return t("dur_hours_minutes", locale, h=hours, m=rest)
    return t("dur_hour", locale) if hours == 1 else t("dur_hours", locale, h=hours)


def stall_status(stall: Stall, locale: str | None) -> str:
    return status_text(stall.case.status, locale)


def headline(stall: Stall, locale: str | None) -> str:
    """The notice in one sentence: also the message's summary in Teams' activity feed."""
    return t(
        f"stall_{stall.rule.value}_{min(stall.level, 2)}",
        locale,
        case_id=stall.case.case_id,
        status=stall_status(stall, locale),
        limit=business_duration(stall.limit, stall.business_day, locale),
    )


def stall_notice(
    stall: Stall, locale: str | None, *, now: datetime, names: Mapping[str, str] = NO_NAMES
) -> AdaptiveCard:
    """One stall, posted once when it reaches its threshold and once more when escalated."""
    case = stall.case
    facts = [Fact(title=t("status", locale), value=stall_status(stall, locale))]
    if case.handler:
        facts.append(Fact(title=t("handler", locale), value=who_markdown(case.handler, names)))
    facts += [
        Fact(title=t("stall_last_activity", locale), value=when_and_age(stall.since, now, locale)),
        Fact(
            title=t("stall_still_for", locale),
            value=business_duration(stall.stalled_for, stall.business_day, locale),
        ),
    ]
    body: list[CardElement] = [
        Container(
            id=NOTICE_ID,
            style="attention" if stall.level >= 2 else "warning",
            items=[TextBlock(text=headline(stall, locale), weight="Bolder", wrap=True)],
        ),
        FactSet(facts=facts),
    ]
    return parts.card(locale, body, [_action(stall, locale)])


def stall_digest(
    stalls: Sequence[Stall],
    locale: str | None,
    *,
    now: datetime,
    names: Mapping[str, str] = NO_NAMES,
) -> AdaptiveCard:
    """The start of the business day: every stalled case, grouped by rule, oldest first."""
    count = len(stalls)
    intro = t("digest_intro_one", locale) if count == 1 else t("digest_intro_many", locale, n=count)
    body: list[CardElement] = [
        Container(
            id=DIGEST_ID, items=[title(t("digest_title", locale, date=now.date().isoformat()))]
        ),
        para(intro),
    ]
    shown = 0
    for rule in DIGEST_GROUPS:
        group = sorted((s for s in stalls if s.rule is rule), key=lambda s: s.since)
        room = DIGEST_MAX_ROWS - shown
        if not group or room <= 0:
            continue
        body.append(heading(t(f"digest_group_{rule.value}", locale, n=len(group)), separator=True))
        for stall in group[:room]:
            body.append(_row(stall, locale, names))
        shown += min(len(group), room)
    if count > shown:
        body.append(para(t("digest_more", locale, n=count - shown), subtle=True))
    return parts.card(locale, body)


def _row(stall: Stall, locale: str | None, names: Mapping[str, str]) -> Container:
    case = stall.case
    still = business_duration(stall.stalled_for, stall.business_day, locale)
    if case.handler:
        detail = t(
            "digest_row_handler",
            locale,
            handler=who(case.handler, names),
            still=still,
            since=when(stall.since),
        )
    else:
        detail = t("digest_row", locale, still=still, since=when(stall.since))
    return Container(
        spacing="Medium",
        items=[
            TextBlock(
                text=t(
                    "case_title", locale, case_id=case.case_id, status=stall_status(stall, locale)
                ),
                weight="Bolder",
                wrap=True,
            ),
            literal(detail, subtle=True, spacing="None"),
            ActionSet(actions=[_action(stall, locale)]),
        ],
    )


def _action(stall: Stall, locale: str | None) -> ExecuteAction:
    """What the case card offers anyone for this state: Påbörja, else Ta över."""
    if stall.rule is StallRule.NEW:
        return button(t("btn_claim", locale), "claim", notice_data(stall.case), positive=True)
    return button(t("btn_takeover", locale), "takeover", notice_data(stall.case), positive=True)

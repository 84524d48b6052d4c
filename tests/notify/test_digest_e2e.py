"""The morning digest, and notices under the case's own card, with buttons that work."""

from __future__ import annotations

from tests.bot.conftest import ANNA, BO, CIA
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.cards.schema import assert_teams_card
from tests.fakes.cardwalk import texts, verbs
from tests.fakes.teams import CHANNEL

from .conftest import CUSTOMER_VALUES, Team, at


def actions(card: dict) -> list[dict]:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body"))
    return found


async def test_the_digest_at_the_start_of_the_day_lists_the_stalls_with_buttons_that_act(
    team: Team,
) -> None:
    bot = await team.start()
    office = team.office(bot)
    await team.install(bot)
    team.clock.now = at(2026, 11, 23, 8)
    await team.scan(bot)  # Monday 08:00: nothing stalled, so no digest
    assert team.digests() == []

    # Anna registers in the channel: the case gets its card there.
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera")
    card_of(await office.click(ANNA, form, "register", REGISTRATION))
    (card_post,) = [p for p in team.connector.top_level_posts() if "claim" in verbs(p.cards[0])]

    team.clock.now = at(2026, 11, 23, 13)
    await team.scan(bot)
    (notice,) = team.notices()
    # The notice goes under the case's card: its thread in the team's channel.
    assert notice.conversation_id == f"{CHANNEL};messageid={card_post.activity_id}"
    assert_teams_card(notice.card)

    team.clock.now = at(2026, 11, 24, 7, 59)
    assert (await team.scan(bot))["digest"] is False
    team.clock.now = at(2026, 11, 24, 8)
    assert (await team.scan(bot))["digest"] is True
    (digest,) = team.digests()
    assert digest.conversation_id == CHANNEL and digest.reply_to is None  # a post of its own
    assert_teams_card(digest.card)
    shown = texts(digest.card)
    assert "Stillastående ärenden 2026-11-24" in shown and "SA-000001 · Ny" in shown
    for value in CUSTOMER_VALUES:
        assert value not in shown
    (claim,) = actions(digest.card)
    assert claim["verb"] == "claim" and set(claim["data"]) == {"caseId", "version", "view"}

    team.clock.now = at(2026, 11, 24, 8, 5)
    assert (await team.scan(bot))["digest"] is False  # once a day
    assert len(team.digests()) == 1

    # Bo clicks Påbörja in the digest: the ordinary claim, on the case as it is.
    await office.sign_up(BO, "xbo")
    answer = card_of(await office.invoke(BO, digest, "claim", claim["data"]))
    # Answered in the digest's place: where the case stands, not a copy of its card.
    assert verbs(answer) == set() and "SA-000001 · Påbörjad" in texts(answer)
    assert not any(value in str(answer) for value in CUSTOMER_VALUES)
    assert (await team.ledger.get("SA-000001")).handler == "xbo"

    # A day later it has not moved: Wednesday's digest lists it as started, with Ta över.
    team.clock.now = at(2026, 11, 25, 8, 10)
    assert (await team.scan(bot))["digest"] is True
    latest = team.digests()[-1]
    assert "SA-000001 · Påbörjad" in texts(latest.card)
    assert [a["verb"] for a in actions(latest.card)] == ["takeover"]

    # Cia takes it over from Wednesday's digest.
    await office.sign_up(CIA, "xcia")
    takeover = actions(latest.card)[0]
    card_of(await office.invoke(CIA, latest, "takeover", takeover["data"]))
    assert (await team.ledger.get("SA-000001")).handler == "xcia"


async def test_a_stale_button_in_a_digest_applies_nothing(team: Team) -> None:
    bot = await team.start()
    office = team.office(bot)
    await team.install(bot)
    case = await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 24, 8)
    await team.scan(bot)
    (digest,) = team.digests()
    await team.claim(case.case_id, "xanna")  # someone got there first
    await office.sign_up(BO, "xbo")
    (claim,) = actions(digest.card)
    answer = card_of(await office.invoke(BO, digest, "claim", claim["data"]))
    assert "xanna" in texts(answer)
    assert (await team.ledger.get(case.case_id)).handler == "xanna"


async def test_no_digest_on_weekends_holidays_or_late_in_the_day(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()
    await team.scan(bot)
    for moment in (
        at(2026, 11, 28, 8),
        at(2026, 11, 29, 9),  # the weekend
        at(2026, 12, 24, 8),
        at(2026, 12, 25, 8),  # Julafton, juldagen
    ):
        team.clock.now = moment
        assert (await team.scan(bot))["digest"] is False, moment
    team.clock.now = at(2026, 12, 28, 10, 0)  # past the digest's window (08:00–10:00)
    assert (await team.scan(bot))["digest"] is False
    assert team.digests() == []
    team.clock.now = at(2026, 12, 29, 9, 59)
    assert (await team.scan(bot))["digest"] is True


async def test_notices_wait_until_the_bot_knows_the_team_channel(team: Team) -> None:
    bot = await team.start()
    await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 13)
    report = await team.scan(bot)
    assert (report["stalled"], report["notices"], report["skipped"]) == (1, 0, "no-channel")
    await team.install(bot)
    team.clock.now = at(2026, 11, 23, 13, 5)
    assert (await team.scan(bot))["notices"] == 1


async def test_stalls_already_there_at_the_very_first_scan_are_left_to_the_digest(
    team: Team,
) -> None:
    bot = await team.start()
    await team.install(bot)
    await team.register()  # Monday 09:00, and the bot has never scanned
    team.clock.now = at(2026, 11, 24, 9)
    report = await team.scan(bot)
    assert (report["stalled"], report["notices"]) == (
        1,
        0,
    )  # no flood when the feature is switched on
    team.clock.now = at(2026, 11, 25, 8)
    assert (await team.scan(bot))["digest"] is True

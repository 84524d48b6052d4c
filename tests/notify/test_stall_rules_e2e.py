"""Each rule fires at its threshold in business time, not before, once, and escalates at double.

Scans are triggered as an outside scheduler would (``POST /api/notify``) with
the clock set; the fake Bot Connector holds what the channel shows.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.fakes.cardwalk import buttons, texts

from .conftest import CUSTOMER_VALUES, Instance, Team, at


async def scan_at(team: Team, instance: Instance, moment: datetime) -> dict:
    team.clock.now = moment
    return await team.scan(instance)


async def test_a_new_case_gets_a_notice_at_four_business_hours_and_an_escalation_at_eight(
    team: Team,
) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()  # Monday 09:00
    await team.scan(bot)

    report = await scan_at(team, bot, at(2026, 11, 23, 12, 59, 59))
    assert (report["stalled"], report["notices"]) == (0, 0) and team.notices() == []

    report = await scan_at(team, bot, at(2026, 11, 23, 13))
    assert (report["stalled"], report["notices"]) == (1, 1)
    (notice,) = team.notices()
    shown = texts(notice.card)
    assert "SA-000001 · Ny har inte påbörjats på 4 h arbetstid." in shown
    assert notice.activity["summary"] == "SA-000001 · Ny har inte påbörjats på 4 h arbetstid."
    assert buttons(notice.card)["claim"]["data"] == {
        "caseId": case.case_id,
        "version": case.version,
        "view": "notice",
    }
    assert notice.conversation_id.startswith("19:")  # in the team's channel

    for moment in (at(2026, 11, 23, 13, 5), at(2026, 11, 23, 16, 59, 59)):
        assert (await scan_at(team, bot, moment))["notices"] == 0
    assert len(team.notices()) == 1  # never repeated for the same stall

    assert (await scan_at(team, bot, at(2026, 11, 23, 17)))["notices"] == 1
    _, second = team.notices()
    assert (
        "Påminnelse: SA-000001 · Ny har fortfarande inte påbörjats, efter 8 h arbetstid."
        in texts(second.card)
    )
    assert second.card["body"][0]["style"] == "attention"

    for moment in (at(2026, 11, 23, 18), at(2026, 11, 24, 12), at(2026, 11, 27, 16)):
        await scan_at(team, bot, moment)
    assert len(team.notices()) == 2
    for value in CUSTOMER_VALUES:
        assert value not in team.connector.all_text()
        assert value not in team.state_text()


async def test_a_started_case_gets_a_notice_after_one_business_day_without_change(
    team: Team,
) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()
    team.clock.now = at(2026, 11, 23, 10)
    await team.claim(case.case_id)
    await team.scan(bot)

    assert (await scan_at(team, bot, at(2026, 11, 24, 9, 59, 59)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 24, 10)))["notices"] == 1
    (notice,) = team.notices()
    assert "SA-000001 · Påbörjad har inte ändrats på 1 arbetsdag." in texts(notice.card)
    assert "xbo" in texts(notice.card) and set(buttons(notice.card)) == {"takeover"}

    assert (await scan_at(team, bot, at(2026, 11, 25, 9, 59, 59)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 25, 10)))["notices"] == 1
    assert "efter 2 arbetsdagar" in texts(team.notices()[-1].card)


async def test_a_handed_over_case_gets_a_notice_after_two_business_hours(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()
    await team.claim(case.case_id)
    team.clock.now = at(2026, 11, 23, 15, 30)
    await team.hand_over(case.case_id)
    await team.scan(bot)

    for moment in (at(2026, 11, 23, 17), at(2026, 11, 23, 21), at(2026, 11, 24, 8, 29, 59)):
        assert (await scan_at(team, bot, moment))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 24, 8, 30)))["notices"] == 1
    (notice,) = team.notices()
    shown = texts(notice.card)
    assert (
        "SA-000001 · Påbörjad är överlämnat och ingen har tagit över det på 2 h arbetstid." in shown
    )
    assert "Klar med 10" not in team.connector.all_text()  # the hand-over note is customer data


@pytest.mark.parametrize(
    ("registered", "quiet", "due"),
    [
        pytest.param(
            at(2026, 11, 27, 16),  # Friday, an hour before closing
            [
                at(2026, 11, 27, 17),
                at(2026, 11, 28, 12),
                at(2026, 11, 29, 20),
                at(2026, 11, 30, 10, 59),
            ],
            at(2026, 11, 30, 11),
            id="weekend",
        ),
        pytest.param(
            at(2026, 11, 23, 16, 30),  # Monday afternoon
            [
                at(2026, 11, 23, 20),
                at(2026, 11, 24, 3),
                at(2026, 11, 24, 7, 59),
                at(2026, 11, 24, 11, 29),
            ],
            at(2026, 11, 24, 11, 30),
            id="evening-and-night",
        ),
        pytest.param(
            at(2026, 12, 23, 15),  # Julafton, juldagen, annandag jul, then the weekend
            [
                at(2026, 12, 24, 12),
                at(2026, 12, 25, 12),
                at(2026, 12, 27, 12),
                at(2026, 12, 28, 9, 59),
            ],
            at(2026, 12, 28, 10),
            id="christmas",
        ),
        pytest.param(
            at(2027, 1, 5, 16),  # the day before trettondedag jul
            [at(2027, 1, 6, 12), at(2027, 1, 7, 10, 59)],
            at(2027, 1, 7, 11),
            id="trettondedag-jul",
        ),
    ],
)
async def test_weekends_evenings_and_holidays_are_not_counted(
    team: Team, registered: datetime, quiet: list[datetime], due: datetime
) -> None:
    bot = await team.start()
    await team.install(bot)
    team.clock.now = registered
    await team.register()
    await team.scan(bot)
    for moment in quiet:
        assert (await scan_at(team, bot, moment))["notices"] == 0, moment
    assert (await scan_at(team, bot, due))["notices"] == 1
    assert len(team.notices()) == 1


async def test_thresholds_come_from_the_settings(team: Team) -> None:
    bot = await team.start(
        STORA_STALL_NEW_HOURS=1, STORA_STALL_ESCALATION=3, STORA_BUSINESS_OPENS="07:00"
    )
    await team.install(bot)
    team.clock.now = at(2026, 11, 23, 6, 30)
    await team.register()
    await team.scan(bot)
    assert (await scan_at(team, bot, at(2026, 11, 23, 7, 59)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 23, 8)))["notices"] == 1
    assert (await scan_at(team, bot, at(2026, 11, 23, 9, 59)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 23, 10)))["notices"] == 1  # 3 × 1 h


async def test_a_change_made_in_excel_restarts_the_stall(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()
    await team.claim(case.case_id)  # Monday 09:00, by xbo: due Tuesday 09:00 if nothing happens
    await team.scan(bot)

    team.clock.now = at(2026, 11, 23, 15)
    team.edit_in_excel(
        case.case_id, "Hanteras av", "xcia"
    )  # Cia takes it over by hand, as the routine says
    await team.scan(bot)

    assert (await scan_at(team, bot, at(2026, 11, 24, 9)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 24, 14, 59, 59)))["notices"] == 0
    assert (await scan_at(team, bot, at(2026, 11, 24, 15)))["notices"] == 1
    (notice,) = team.notices()
    assert "xcia" in texts(notice.card)


async def test_retyping_a_cell_as_it_was_is_no_activity(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()
    await team.claim(case.case_id)
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 15)
    team.edit_in_excel(case.case_id, "Status", "påbörjad")  # other letter case, same status
    await team.scan(bot)
    assert (await scan_at(team, bot, at(2026, 11, 24, 9)))["notices"] == 1


async def test_closing_the_case_ends_its_stall(team: Team) -> None:
    bot = await team.start()
    await team.install(bot)
    case = await team.register()
    await team.scan(bot)
    team.clock.now = at(2026, 11, 23, 12)
    claimed = await team.claim(case.case_id)
    from cases import lifecycle

    await team.ledger.update(claimed, lifecycle.close(claimed, actor="xbo", now=team.clock()))
    await scan_at(team, bot, at(2026, 11, 30, 12))
    assert team.notices() == []
    assert (await team.book())["cases"] == {}

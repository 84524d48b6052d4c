"""Only members of the Backoffice team see or change a case, wherever they write from.

Olle is in the tenant but not in the team. He chats with the bot 1:1 and in a
group chat, and clicks a case card he got hold of: every answer is a short
refusal, with no case id, no customer value, and nothing written anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import Settings
from tests.bot.conftest import ANNA, BO, OUTSIDER, Office, serve
from tests.bot.test_lifecycle_e2e import CUSTOMER_VALUES, case_post, register_case, workbook_rows
from tests.fakes import teams
from tests.fakes.connector import Post

ERROR = "application/vnd.microsoft.error"


async def _registered(office: Office) -> tuple[str, Post]:
    case_id = await register_case(office)
    return case_id, case_post(office)


def _assert_told_nothing(answer: Post | dict, case_id: str) -> None:
    shown = json.dumps(answer.activity if isinstance(answer, Post) else answer, ensure_ascii=False)
    assert case_id not in shown
    assert not any(value in shown for value in CUSTOMER_VALUES)


async def _state_files(office: Office) -> dict[str, str]:
    folder = office.workbook.parent / "state"
    return {p.name: p.read_text() for p in folder.glob("*.json")}


@pytest.mark.parametrize("where", ["personal", "group"])
async def test_an_outsider_in_a_chat_sees_nothing_and_changes_nothing(
    office: Office, where: str
) -> None:
    case_id, card = await _registered(office)
    rows_before, state_before = workbook_rows(office), await _state_files(office)

    make = teams.personal_message if where == "personal" else teams.group_message
    for text in ("kö", "mina", "registrera", "hjälp"):
        before = set(office.connector.posts)
        status, _ = await office.post(make(OUTSIDER, office.connector.url, text))
        assert status in (200, 201)
        (answer,) = [p for k, p in office.connector.posts.items() if k not in before]
        expected = "bara för Backoffice-teamet" if where == "personal" else "gruppchattar"
        assert answer.cards == [] and expected in answer.text
        _assert_told_nothing(answer, case_id)

    chat = office.connector.last()
    for verb, data in [
        ("refresh", {"caseId": case_id}),
        ("details", {"caseId": case_id}),
        ("signature", {"signature": "xolle", "pending": {}}),
        ("claim", card.card["actions"][0]["data"]),
        ("takeover", card.card["actions"][0]["data"]),
        ("close", {"caseId": case_id, "installations": "735999000000000000"}),
        ("close.review", {"caseId": case_id, "changedIds": "735999000000000000"}),
    ]:
        body = await office.invoke(OUTSIDER, chat, verb, data)
        assert (body["type"], body["statusCode"]) == (ERROR, 403), verb
        _assert_told_nothing(body, case_id)

    assert workbook_rows(office) == rows_before
    assert await _state_files(office) == state_before  # no signature, no viewer kept


async def test_a_member_in_a_group_chat_is_not_served_either(office: Office) -> None:
    # Outsiders may read a group chat: not even a case id goes there.
    case_id, _card = await _registered(office)
    await office.post(teams.group_message(BO, office.connector.url, "kö"))
    answer = office.connector.last()
    assert answer.cards == [] and "gruppchattar" in answer.text
    _assert_told_nothing(answer, case_id)


async def test_a_member_clicking_in_a_chat_is_served(office: Office) -> None:
    case_id, _card = await _registered(office)
    await office.sign_up(BO, "xbo")
    answer = await office.say(BO, "kö", personal=True)
    assert case_id in json.dumps(answer.card)


async def test_the_roster_is_asked_once_per_user_not_once_per_click(office: Office) -> None:
    await _registered(office)
    lookups = len(office.connector.member_lookups())
    for _ in range(3):
        await office.say(ANNA, "kö")
    assert len(office.connector.member_lookups()) == lookups  # Anna's answer is cached


async def test_a_roster_that_does_not_answer_refuses_and_is_asked_again(office: Office) -> None:
    office.connector.fail_member_lookups(10)  # past the connector client's own retries
    refused = await office.say(BO, "kö", personal=True)
    assert refused.cards == [] and "kunde inte kontrollera" in refused.text
    office.connector.heal_member_lookups()
    served = await office.say(BO, "kö", personal=True)
    assert served.cards  # the failure was not remembered as "not a member"


@pytest.mark.parametrize(
    ("status", "code"),
    [(403, "BotNotInConversationRoster"), (400, "BadSyntax"), (401, "Unauthorized")],
)
async def test_a_roster_refusal_that_is_not_about_the_person_is_not_a_no(
    office: Office, status: int, code: str
) -> None:
    office.connector.fail_member_lookups(1, status, code)
    refused = await office.say(BO, "kö", personal=True)
    assert "kunde inte kontrollera" in refused.text  # "try again", not "you are not in the team"
    assert (await office.say(BO, "kö", personal=True)).cards  # and nothing was remembered


async def test_a_members_teams_id_with_someone_elses_account_is_not_served(office: Office) -> None:
    case_id, card = await _registered(office)
    forged = teams.card_action(
        OUTSIDER,
        office.connector.url,
        conversation_id=card.conversation_id,
        reply_to=card.activity_id,
        verb="details",
        data={"caseId": case_id},
    )
    forged["from"]["id"] = BO.mri  # a member's Teams id, the outsider's own account
    status, body = await office.post(forged)
    assert (status, body["statusCode"]) == (200, 403)
    _assert_told_nothing(body, case_id)


async def test_a_removed_member_loses_access_once_the_cache_expires(
    tmp_path: Path, office: Office
) -> None:
    # The fixture's bot trusts a roster answer for the default 5 minutes; this one doesn't.
    settings = Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "state2",
        STORA_WORKBOOK=tmp_path / "wb2.xlsx", STORA_TENANT_ID=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
        STORA_MEMBERSHIP_TTL_SECONDS=0,
    )  # fmt: skip
    async with serve(settings, office.connector, office.session) as other:
        assert (await other.say(BO, "kö", personal=True)).cards
        office.connector.remove_member(teams.TEAM, BO.mri)
        refused = await other.say(BO, "kö", personal=True)
        assert refused.cards == [] and "bara för Backoffice-teamet" in refused.text


# -- which team ---------------------------------------------------------------


def test_with_an_app_id_the_bot_will_not_start_without_a_team(tmp_path: Path) -> None:
    base = {
        "_env_file": None, "MicrosoftAppId": "11111111-2222-3333-4444-555555555555",
        "MicrosoftAppPassword": "x", "MicrosoftAppTenantId": teams.TENANT,
        "STORA_STATE_DIR": tmp_path / "s",
    }  # fmt: skip
    with pytest.raises(ValueError, match="STORA_TEAM_ID"):
        create_app(Settings(**base))
    with pytest.raises(ValueError, match="tenant"):
        create_app(Settings(**{**base, "MicrosoftAppTenantId": ""}, STORA_TEAM_BIND_FIRST=True))
    create_app(Settings(**base, STORA_TEAM_BIND_FIRST=True))
    create_app(Settings(**base, STORA_TEAM_ID=teams.TEAM))


OTHER_TEAM, OTHER_GROUP = "19:sales-team@thread.tacv2", "00000000-0000-0000-0000-000000000077"


async def test_the_first_team_binds_and_another_team_is_refused(
    tmp_path: Path, office: Office
) -> None:
    settings = Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "unbound",
        STORA_WORKBOOK=tmp_path / "wb3.xlsx", STORA_TENANT_ID=teams.TENANT,
    )  # fmt: skip
    connector = office.connector
    connector.add_member(OTHER_TEAM, OUTSIDER.account())
    async with serve(settings, connector, office.session) as bot:
        # Before any installation nobody is served.
        waiting = await bot.say(ANNA, "kö", personal=True)
        assert "inte installerat" in waiting.text
        await bot.post(teams.installed_in_team(ANNA, connector.url))
        # Sales installs it too: refused, and it does not become "the team channel".
        before = set(connector.posts)
        await bot.post(
            teams.installed_in_other_team(OUTSIDER, connector.url, OTHER_TEAM, OTHER_GROUP)
        )
        (refusal,) = [p for k, p in connector.posts.items() if k not in before]
        assert refusal.cards == [] and "bara i Backoffice-teamet" in refusal.text
        # A Sales member is not served, in Sales' channel or in a chat.
        assert "bara för Backoffice-teamet" in (await bot.say(OUTSIDER, "kö", personal=True)).text
        # A case registered by Anna from a chat goes to the Backoffice channel.
        await register_case(bot)
        (card,) = [p for p in connector.top_level_posts() if p.cards and "refresh" in p.card]
        assert card.conversation_id == teams.CHANNEL

"""The team's channel is learnt at installation and used for cards from a 1:1 chat."""

from __future__ import annotations

from pathlib import Path

from tests.bot.conftest import ANNA, Office
from tests.bot.test_lifecycle_e2e import REGISTRATION, card_of
from tests.fakes import teams
from tests.fakes.cardwalk import verbs


async def _register_in_personal_chat(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    form = await office.say(ANNA, "registrera", personal=True)
    card_of(await office.click(ANNA, form, "register", REGISTRATION))


async def test_a_case_registered_in_a_chat_gets_its_card_in_the_teams_channel(
    office: Office,
) -> None:
    status, _ = await office.post(teams.installed_in_team(ANNA, office.connector.url))
    assert status in (200, 201)
    (greeting,) = office.connector.top_level_posts()
    assert "registrera" in str(greeting.card)
    await _register_in_personal_chat(office)
    card_post = office.connector.top_level_posts()[-1]
    assert card_post.conversation_id == teams.CHANNEL
    assert verbs(card_post.card) == {"claim", "details"}


async def test_a_conversation_update_adding_the_bot_is_enough(office: Office) -> None:
    await office.post(teams.bot_added_to_team(ANNA, office.connector.url))
    await _register_in_personal_chat(office)
    (card_post,) = office.connector.top_level_posts()
    assert card_post.conversation_id == teams.TEAM  # the team's General channel


async def test_without_a_known_team_the_card_stays_in_the_chat(office: Office) -> None:
    await _register_in_personal_chat(office)
    assert office.connector.top_level_posts() == []
    cards_in_chat = [
        p for p in office.connector.posts.values() if p.conversation_id.startswith("a:")
    ]
    assert any(verbs(p.cards[0]) == {"claim", "details"} for p in cards_in_chat if p.cards)


async def test_once_bound_the_teams_id_cannot_be_swapped_under_its_group_id(tmp_path: Path) -> None:
    from botbuilder.schema import Activity

    from bot.storage import JsonFileStorage
    from bot.team_channel import TeamChannelBook

    book = TeamChannelBook(JsonFileStorage(tmp_path), configured_team=teams.TEAM_GROUP)
    real = Activity().deserialize(teams.installed_in_team(ANNA, "http://127.0.0.1:9/"))
    assert await book.remember(real)
    assert await book.served_team() == teams.TEAM
    # The same group id with another team id: not the team that was bound.
    forged = Activity().deserialize(
        teams.installed_in_other_team(
            ANNA, "http://127.0.0.1:9/", "19:evil@thread.tacv2", teams.TEAM_GROUP
        )
    )
    assert not await book.remember(forged)
    assert await book.served_team() == teams.TEAM
    # A reinstall in the bound team may still pick another channel.
    assert await book.remember(real)

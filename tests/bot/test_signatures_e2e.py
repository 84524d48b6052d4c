"""Signatures over HTTP: nobody takes another's, the directory's when set, the admins' commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.bot.conftest import ANNA, BO, CIA, Office, serve
from tests.bot.test_lifecycle_e2e import (
    REGISTRATION,
    card_of,
    case_post,
    register_case,
    workbook_rows,
)
from tests.cards.forms import error_under
from tests.fakes import teams
from tests.fakes.cardwalk import buttons, inputs, texts, verbs
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import FixedToken

TAKEN = "Signaturen används redan av en kollega. Ange din egen."
ATTRIBUTE = "onPremisesExtensionAttributes/extensionAttribute3"


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp_path / "own-state",
        STORA_WORKBOOK=tmp_path / "own.xlsx", STORA_TENANT_ID=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
        **extra,
    )  # fmt: skip


async def try_signature(office: Office, agent: Any, typed: str) -> dict[str, Any]:
    post = await office.say(agent, "hjälp")
    return card_of(
        await office.invoke(agent, post, "signature", {"signature": typed, "pending": {}})
    )


def refused_as_taken(card: dict[str, Any], typed: str) -> bool:
    return error_under(card, "signature") == TAKEN and inputs(card)["signature"]["value"] == typed


# -- one signature, one person -------------------------------------------------------


async def test_another_account_cannot_take_a_bound_signature(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    assert refused_as_taken(await try_signature(office, BO, "xAnna"), "xAnna")
    # Bo is still without one: his next click asks again.
    asked = card_of(
        await office.click(BO, await office.say(BO, "registrera"), "register", REGISTRATION)
    )
    assert "signature" in inputs(asked)


async def test_after_a_rebind_the_old_signature_still_cannot_be_taken(office: Office) -> None:
    await office.sign_up(ANNA, "xanna")
    saved = await try_signature(office, ANNA, "xanna2")
    assert "xanna2" in texts(saved) and "signature" not in inputs(saved)
    assert refused_as_taken(await try_signature(office, BO, "xanna"), "xanna")
    # Anna acts as xanna2 now.
    await register_case(office)
    assert workbook_rows(office)[0]["Registrerat av"] == "xanna2"


async def test_no_rebind_while_holding_an_open_case(office: Office) -> None:
    case_id = await register_case(office)  # as xanna
    refused = await try_signature(office, ANNA, "xanna2")
    assert error_under(refused, "signature") == (
        "Du har öppna ärenden som xanna. Byt signatur när de är klara."
    )
    assert inputs(refused)["signature"]["value"] == "xanna2"
    mine = await office.say(ANNA, "mina")
    assert case_id in texts(mine.card)
    # Someone else handling it keeps it open for xanna too (she registered it).
    await office.sign_up(BO, "xbo")
    card_of(await office.click(BO, case_post(office), "claim"))
    assert error_under(await try_signature(office, ANNA, "xanna2"), "signature") is not None


# -- from the directory ------------------------------------------------------------


@pytest.fixture
async def directory() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    await fake.start()
    fake.add_user(
        ANNA.aad_object_id, onPremisesExtensionAttributes={"extensionAttribute3": "XAnna"}
    )
    fake.add_user(BO.aad_object_id, onPremisesExtensionAttributes={"extensionAttribute3": None})
    yield fake
    await fake.stop()


@pytest.fixture
async def directory_office(
    tmp_path: Path, office: Office, directory: FakeGraph
) -> AsyncIterator[Office]:
    settings = settings_for(
        tmp_path, STORA_SIGNATURE_ATTRIBUTE=ATTRIBUTE, STORA_GRAPH_BASE_URL=directory.base_url
    )
    async with serve(
        settings, office.connector, office.session, graph_credential=FixedToken()
    ) as other:
        yield other


async def test_with_the_attribute_set_an_agent_is_never_asked_and_acts_under_it(
    directory_office: Office, directory: FakeGraph
) -> None:
    office = directory_office
    form = await office.say(ANNA, "registrera")
    answer = card_of(await office.click(ANNA, form, "register", REGISTRATION))
    assert "signature" not in verbs(answer) and "signature" not in inputs(answer)
    claimed = card_of(await office.click(ANNA, case_post(office), "claim"))
    assert "xanna" in texts(claimed)
    (row,) = workbook_rows(office)
    assert (row["Registrerat av"], row["Hanteras av"]) == ("xanna", "xanna")
    # The top-level property only, and once for both clicks.
    assert directory.user_selects == ["onPremisesExtensionAttributes"]


async def test_without_a_value_in_the_directory_the_agent_is_refused_and_loses_nothing(
    directory_office: Office, directory: FakeGraph
) -> None:
    office = directory_office
    form = await office.say(BO, "registrera")
    refused = card_of(await office.click(BO, form, "register", REGISTRATION))
    assert not inputs(refused) and "administratör" in texts(refused)
    pending = buttons(refused)["signature"]["data"]["pending"]
    assert pending["verb"] == "register" and REGISTRATION.items() <= pending["data"].items()
    # Typing one is no way round the directory.
    typed = card_of(await office.invoke(BO, form, "signature", {"signature": "xbo", "pending": {}}))
    assert not inputs(typed) and "fortfarande ingen giltig" in texts(typed)
    assert "administratör" in texts((await office.say(BO, "mina")).card)
    assert await office.ledger.list() == []
    # The admin fills it in; "Try again" carries on with the registration.
    directory.users[BO.aad_object_id]["onPremisesExtensionAttributes"] = {
        "extensionAttribute3": "xbo"
    }
    registered = card_of(await office.click(BO, form, "signature", card=refused))
    assert "SA-000001" in texts(registered)
    assert [r["Registrerat av"] for r in workbook_rows(office)] == ["xbo"]


async def test_the_directory_cannot_hand_a_signature_to_a_second_account(
    directory_office: Office, directory: FakeGraph
) -> None:
    office = directory_office
    # Any click of Anna's binds what the directory holds for her.
    triage = {"changeCount": "22", "customerKind": "företag", "changeKind": "faktura"}
    card_of(await office.invoke(ANNA, await office.say(ANNA, "hjälp"), "triage", triage))
    directory.add_user(
        CIA.aad_object_id, onPremisesExtensionAttributes={"extensionAttribute3": "xanna"}
    )
    form = await office.say(CIA, "registrera")
    refused = card_of(await office.click(CIA, form, "register", REGISTRATION))
    assert not inputs(refused) and "admin" in texts(refused)
    assert await office.ledger.list() == []


# -- the admins ---------------------------------------------------------------------


@pytest.fixture
async def admin_office(tmp_path: Path, office: Office) -> AsyncIterator[Office]:
    # Cia is the admin; she reads English.
    settings = settings_for(tmp_path, STORA_ADMINS=f" aad-nobody , {CIA.aad_object_id.upper()} ")
    async with serve(settings, office.connector, office.session) as other:
        yield other


async def test_a_non_admin_is_refused_and_learns_nothing(admin_office: Office) -> None:
    office = admin_office
    await office.sign_up(ANNA, "xanna")
    for command in ("signaturer", "släpp xanna", "release xanna"):
        answer = await office.say(BO, command)
        assert texts(answer.card) == "Det kommandot är bara för administratörer."
    assert refused_as_taken(await try_signature(office, BO, "xanna"), "xanna")


async def test_an_admin_lists_and_releases_and_then_another_account_can_bind(
    admin_office: Office,
) -> None:
    office = admin_office
    await office.sign_up(ANNA, "xanna")
    await office.sign_up(ANNA, "xanna2")
    await office.sign_up(BO, "xbo")
    listed = texts((await office.say(CIA, "signatures")).card)
    assert "xanna\nAnna Andersson · resting" in listed
    assert "xanna2\nAnna Andersson · in use" in listed
    assert "xbo\nBo Berg · in use" in listed
    released = texts((await office.say(CIA, "release XANNA2")).card)
    assert released.startswith("xanna2 is released")
    assert "not bound" in texts((await office.say(CIA, "release xanna2")).card)
    assert "xanna2" not in texts((await office.say(CIA, "signaturer")).card)
    # Anna is asked again; Bo may now take what was hers.
    asked = card_of(
        await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
    )
    assert "signature" in inputs(asked)
    saved = await try_signature(office, BO, "xanna2")
    assert "signature" not in inputs(saved)
    assert "xanna2\nBo Berg · in use" in texts((await office.say(CIA, "signaturer")).card)


async def test_release_needs_a_valid_signature(admin_office: Office) -> None:
    assert "after release" in texts((await admin_office.say(CIA, "release")).card)
    assert "start with x" in texts((await admin_office.say(CIA, "release anna")).card)


IN_WORKBOOK = (
    "Signaturen finns redan i arbetsboken. Be en administratör släppa den åt dig (släpp xanna)."
)


async def test_a_signature_already_in_the_workbook_is_not_taken_by_typing_it(
    admin_office: Office,
) -> None:
    # Day one after the team's workbook was converted: Anna's rows, no binding yet.
    from cases import lifecycle

    office = admin_office
    new = lifecycle.register("5012345", "9876543", "22 adresser", actor="xanna", now=office.clock())
    case = await office.ledger.add(new)
    await office.ledger.update(case, lifecycle.claim(case, actor="xanna", now=office.clock()))
    refused = await try_signature(office, BO, "xanna")
    assert error_under(refused, "signature") == IN_WORKBOOK
    assert inputs(refused)["signature"]["value"] == "xanna"  # what he typed is kept
    # An admin clears it; then the one who enters it first (Anna) binds it, for good.
    assert "not bound" in texts((await office.say(CIA, "release xanna")).card)
    assert "signature" not in inputs(await try_signature(office, ANNA, "xanna"))
    assert refused_as_taken(await try_signature(office, BO, "xanna"), "xanna")

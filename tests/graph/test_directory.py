"""The signature attribute read from the directory: GET /users/{id}?$select=, through msgraph-sdk.

The fake Graph answers as https://learn.microsoft.com/en-us/graph/api/user-get shows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from graph.client import TimedOut
from graph.config import GraphConfig
from graph.deadline import request_budget
from graph.directory import SignatureDirectory
from graph.errors import GraphError
from tests.fakes.graph import TOKEN, FakeGraph

from .conftest import FixedToken

EXTENSION = "extension_0123456789abcdef0123456789abcdef_elinSignature"


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def make_directory(fake_graph: FakeGraph) -> AsyncIterator[Callable[..., SignatureDirectory]]:
    made: list[SignatureDirectory] = []

    def make(attribute: str, **kwargs: Any) -> SignatureDirectory:
        config = GraphConfig(base_url=fake_graph.base_url)
        directory = SignatureDirectory(config, attribute, FixedToken(), **kwargs)
        made.append(directory)
        return directory

    yield make
    for directory in made:
        await directory.aclose()


@pytest.fixture
def people(fake_graph: FakeGraph) -> FakeGraph:
    fake_graph.add_user(
        "aad-anna", displayName="Anna Andersson", employeeId="XAnna",
        onPremisesSamAccountName="xanna", onPremisesExtensionAttributes={
            "extensionAttribute1": None, "extensionAttribute3": "xanna3"},
        **{EXTENSION: "xanna7"},
    )  # fmt: skip
    fake_graph.add_user("aad-bo", displayName="Bo Berg")
    return fake_graph


@pytest.mark.parametrize(
    ("attribute", "selected", "value"),
    [
        ("employeeId", "employeeId", "XAnna"),
        ("onPremisesSamAccountName", "onPremisesSamAccountName", "xanna"),
        (
            "onPremisesExtensionAttributes/extensionAttribute3",
            "onPremisesExtensionAttributes",
            "xanna3",
        ),
        (EXTENSION, EXTENSION, "xanna7"),
    ],
)
async def test_the_attribute_is_read_by_selecting_its_top_level_property(
    people: FakeGraph, make_directory, attribute: str, selected: str, value: str
) -> None:
    directory = make_directory(attribute)
    assert await directory.value_of("aad-anna") == value
    assert people.user_selects == [selected]


@pytest.mark.parametrize(
    "attribute", ["employeeId", "onPremisesExtensionAttributes/extensionAttribute3", EXTENSION]
)
async def test_a_user_without_the_attribute_has_no_value(
    people: FakeGraph, make_directory, attribute: str
) -> None:
    assert await make_directory(attribute).value_of("aad-bo") is None


async def test_an_unknown_user_has_no_value(people: FakeGraph, make_directory) -> None:
    assert await make_directory("employeeId").value_of("aad-nobody") is None


async def test_a_missing_permission_is_an_error_and_not_remembered(
    people: FakeGraph, make_directory
) -> None:
    directory = make_directory("employeeId")
    people.denied.add("user.get")
    with pytest.raises(GraphError) as refused:
        await directory.value_of("aad-anna")
    assert refused.value.denied and refused.value.has_code("Authorization_RequestDenied")
    people.denied.clear()
    assert await directory.value_of("aad-anna") == "XAnna"
    assert people.http["user.get"] == 2


async def test_answers_are_kept_for_a_few_minutes(people: FakeGraph, make_directory) -> None:
    ticks = Ticks()
    directory = make_directory("employeeId", clock=ticks, ttl=300)
    assert await directory.value_of("aad-anna") == "XAnna"
    assert await directory.value_of("aad-bo") is None
    people.users["aad-anna"]["employeeId"] = "xanna2"
    people.add_user("aad-bo", employeeId="xbo")
    ticks.now += 299
    assert await directory.value_of("aad-anna") == "XAnna"
    assert await directory.value_of("aad-bo") is None
    assert people.http["user.get"] == 2
    assert await directory.value_of("aad-bo", fresh=True) == "xbo"
    ticks.now += 2
    assert await directory.value_of("aad-anna") == "xanna2"
    assert people.http["user.get"] == 4


async def test_no_time_left_in_the_click_means_no_request(
    people: FakeGraph, make_directory
) -> None:
    directory = make_directory("employeeId")
    with request_budget(0), pytest.raises(TimedOut):
        await directory.value_of("aad-anna")
    assert people.http["user.get"] == 0


# -- the fake itself, against the doc ----------------------------------------------


async def get(fake: FakeGraph, path: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with session.get(f"{fake.base_url}{path}", headers=headers) as response:
            return response.status, await response.json()


async def test_fake_select_returns_only_what_was_selected_and_the_context(
    people: FakeGraph,
) -> None:
    status, body = await get(people, "/users/aad-anna?$select=employeeId,displayName")
    assert status == 200
    assert body == {
        "@odata.context": f"{people.base_url}/$metadata#users(employeeId,displayName)/$entity",
        "employeeId": "XAnna",
        "displayName": "Anna Andersson",
    }


async def test_fake_without_select_returns_the_default_properties_only(people: FakeGraph) -> None:
    status, body = await get(people, "/users/aad-anna")
    assert status == 200 and body["id"] == "aad-anna" and body["jobTitle"] is None
    assert "employeeId" not in body and EXTENSION not in body
    assert body["@odata.context"].endswith("$metadata#users/$entity")


async def test_fake_refuses_unknown_users_properties_and_paths(people: FakeGraph) -> None:
    status, body = await get(people, "/users/aad-nobody?$select=employeeId")
    assert (status, body["error"]["code"]) == (404, "Request_ResourceNotFound")
    for select in ("elinSignature", "onPremisesExtensionAttributes/extensionAttribute3"):
        status, body = await get(people, f"/users/aad-anna?$select={select}")
        assert (status, body["error"]["code"]) == (400, "Request_BadRequest")
    people.denied.add("user.get")
    status, body = await get(people, "/users/aad-anna?$select=employeeId")
    assert (status, body["error"]["code"]) == (403, "Authorization_RequestDenied")

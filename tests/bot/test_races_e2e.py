"""Races over real HTTP, on both stores: many agents at once, on one case or on many.

Each test prints its figure (shown with ``-s`` or ``-rA``) for the README.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.responses import ERROR
from tests.bot.conftest import ANNA, Office
from tests.bot.races import STORES, Bench, agents, bench_on, timed
from tests.bot.test_lifecycle_e2e import CARD, REGISTRATION, card_of
from tests.fakes.cardwalk import inputs, texts, verbs
from tests.fakes.teams import Agent
from tests.graph.conftest import SDK_NOISE

pytestmark = [pytest.mark.filterwarnings(noise) for noise in SDK_NOISE]


@pytest.fixture(params=STORES)
async def bench(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Bench]:
    async with bench_on(request.param, tmp_path) as bench:
        yield bench


async def first_signatures(office: Office, people: list[Agent], offset: int = 0) -> list[dict]:
    """Each agent's first click, all at once: the signature form, answered."""
    posts = await asyncio.gather(*(office.say(p, "hjälp") for p in people))
    return await asyncio.gather(*(
        office.invoke(p, post, "signature", {"signature": f"xa{offset + n}", "pending": {}})
        for n, (p, post) in enumerate(zip(people, posts, strict=True))
    ))  # fmt: skip


def saved(answers: list[dict]) -> int:
    return sum("sparad" in texts(card_of(a)) for a in answers if a["type"] == CARD)


async def test_sixty_first_time_users_at_once_all_get_their_signature(bench: Bench) -> None:
    people = agents(60)
    bench.seat(*people)
    async with bench.serve() as office:
        answers = await first_signatures(office, people)
    print(f"\n60 first-time users at once on {bench.store}: {saved(answers)} got their signature")
    assert saved(answers) == 60, [a for a in answers if a["type"] != CARD][:2]
    assert len(await bench.bound()) == 60


async def test_sixty_first_time_users_on_two_instances_all_get_their_signature(
    bench: Bench,
) -> None:
    people = agents(60)
    bench.seat(*people)
    async with bench.serve() as one, bench.serve() as other:
        answers = [
            *await asyncio.gather(
                first_signatures(one, people[:30]), first_signatures(other, people[30:], 30)
            )
        ]
    count = saved(answers[0]) + saved(answers[1])
    print(f"\n60 first-time users on two instances on {bench.store}: {count} got their signature")
    assert count == 60
    assert await bench.bound() == {p.aad_object_id: f"xa{n}" for n, p in enumerate(people)}


async def test_a_hundred_claims_of_one_case_have_exactly_one_winner(bench: Bench) -> None:
    people = agents(100)
    bench.seat(ANNA, *people)
    await bench.signed_up([*people, ANNA])
    async with bench.serve() as office:
        card_of(
            await office.click(ANNA, await office.say(ANNA, "registrera"), "register", REGISTRATION)
        )
        (post,) = office.connector.top_level_posts()
        clicks = await asyncio.gather(*(timed(office.click(p, post, "claim")) for p in people))
    # On a loaded machine a click may pass its Graph budget: it is then told
    # plainly that nothing was saved (503), which is a truthful answer too.
    not_done = [a for a, _ in clicks if a["type"] == ERROR and a["statusCode"] == 503]
    answers = [card_of(answer) for answer, _ in clicks if answer not in not_done]
    (row,) = bench.rows()
    winners = [a for a in answers if verbs(a) == {"handover.form", "close.form"}]
    told = [a for a in answers if verbs(a) == {"takeover"} and row["Hanteras av"] in texts(a)]
    print(
        f"\n100 concurrent claims on {bench.store}: {len(winners)} winner, {len(told)} told who won,"
        f" {len(not_done)} told nothing was saved; slowest answer {max(s for _, s in clicks):.2f} s"
    )
    assert (row["Status"], len(winners), len(told) + len(not_done)) == ("Påbörjad", 1, 99)


async def register_at_once(bench: Bench, office: Office, count: int, latency: float = 0) -> str:
    """``count`` agents press Registrera at once; every one is told the truth. The figure.

    ``latency``: how long each Graph request takes meanwhile.
    """
    people = agents(count)
    bench.seat(*people)
    await bench.signed_up(people)
    forms = await asyncio.gather(*(office.say(p, "registrera") for p in people))
    if bench.graph is not None:
        bench.graph.latency = latency
        bench.graph.reset_counts()
    clicks = await asyncio.gather(*(
        timed(office.click(p, form, "register", {**REGISTRATION, "customerNumber": f"50{n:05d}"}))
        for n, (p, form) in enumerate(zip(people, forms, strict=True))
    ))  # fmt: skip
    rows = {row["Kundnummer"]: row["Ärende-ID"] for row in bench.rows()}
    assert len(set(rows.values())) == len(rows) == len(bench.rows())  # unique ids, one row each
    told = doubt = 0
    for n, (answer, _) in enumerate(clicks):
        card, number = card_of(answer), f"50{n:05d}"
        if "oklart om ändringen sparades" in texts(card):
            # The deadline passed with the write on its way: the agent is told it
            # may be there, under which id, and to look before trying again.
            doubt += 1
            assert number not in rows or f"({rows[number]})" in texts(card)
        elif number in rows:  # stored: told so, with its own Ärende-ID
            assert f"{rows[number]} är registrerat" in texts(card)
            told += 1
        else:  # not stored: told so, the form back as typed
            assert "Inget sparades" in texts(card), texts(card)
            assert inputs(card)["customerNumber"]["value"] == number
    graph, requests = bench.graph, ""
    if graph is not None:
        requests = f"; {graph.http['$batch']} Graph batches, {graph.counts['rows.add']} rows/add"
    return (
        f"{count} concurrent registrations on {bench.store}: {len(rows)} rows,"
        f" {len(set(rows.values()))} unique ids, {told} told registered, {doubt} told it may be,"
        f" {count - told - doubt} told nothing was saved;"
        f" slowest answer {max(s for _, s in clicks):.2f} s{requests}"
    )


async def test_a_hundred_registrations_at_once_give_a_hundred_rows_with_unique_ids(
    bench: Bench,
) -> None:
    async with bench.serve() as office:
        figure = await register_at_once(bench, office, 100)
    print(f"\n{figure}")
    # The local ledger queues every add; Graph's are written together while
    # the workbook is busy, so none waits past its deadline.
    assert len(bench.rows()) == 100


async def test_a_slow_graph_registers_forty_at_once_in_a_few_turns(tmp_path: Path) -> None:
    async with bench_on("graph", tmp_path) as bench, bench.serve() as office:
        figure = await register_at_once(bench, office, 40, latency=0.1)  # SharePoint's usual
        assert bench.graph is not None
        batches = bench.graph.http["$batch"]
    print(f"\n{figure} (Graph answering in 100 ms)")
    assert len(bench.rows()) == 40
    # One at a time, each registration would take a read and a write: 80.
    assert batches < 40

"""The draft in the team's mailbox (issue 14): graph.mail against the fake Graph over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from graph.client import TimedOut
from graph.errors import GraphError
from graph.mail import DraftMailbox
from tests.fakes.graph import FakeGraph
from tests.graph.conftest import FixedToken, VirtualTime, config_for

TEAM = "backoffice@contoso.se"


@contextlib.asynccontextmanager
async def mailbox_on(
    fake: FakeGraph, vtime: VirtualTime, **changes: object
) -> AsyncIterator[DraftMailbox]:
    """The team's mailbox, allowed at the fake, closed when the block ends."""
    fake.mail.allow(TEAM)
    mailbox = DraftMailbox(
        config_for(fake, **changes), TEAM, FixedToken(), clock=vtime.clock, sleep=vtime.sleep
    )
    try:
        yield mailbox
    finally:
        await mailbox.aclose()


async def test_a_draft_is_made_in_the_mailbox_with_no_recipient(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    async with mailbox_on(fake_graph, vtime) as mailbox:
        draft = await mailbox.create_draft("Bekräftelse", "Hej AB\n\nVi har nu ändrat ...")
    (made,) = fake_graph.mail.all_drafts()
    assert made["id"] == draft.id and made["isDraft"] is True
    assert draft.web_link == made["webLink"] and draft.web_link.startswith("https://")
    assert made["subject"] == "Bekräftelse"
    assert made["body"] == {"contentType": "text", "content": "Hej AB\n\nVi har nu ändrat ..."}
    assert made["toRecipients"] == [] and made["ccRecipients"] == []


async def test_a_mailbox_out_of_scope_is_refused(fake_graph: FakeGraph, vtime: VirtualTime) -> None:
    async with mailbox_on(fake_graph, vtime) as mailbox:
        with pytest.raises(GraphError) as refused:
            await mailbox.create_draft("s", "t", mailbox="someone.else@contoso.se")
    assert refused.value.status == 403 and refused.value.has_code("ErrorAccessDenied")
    assert fake_graph.mail.all_drafts() == []


async def test_throttling_is_waited_out_and_makes_one_draft(
    fake_graph: FakeGraph, vtime: VirtualTime
) -> None:
    fake_graph.inject("messages.post", status=429, retry_after="1")
    fake_graph.inject("messages.post", status=503)
    async with mailbox_on(fake_graph, vtime) as mailbox:
        await mailbox.create_draft("s", "t")
    assert len(fake_graph.mail.all_drafts()) == 1
    assert fake_graph.http["messages.post"] == 3
    assert vtime.sleeps[0] == 1.0  # Retry-After, as Graph asked


@pytest.mark.parametrize("status", [500, 504])
async def test_an_answer_that_leaves_it_unknown_is_not_resent(
    fake_graph: FakeGraph, vtime: VirtualTime, status: int
) -> None:
    fake_graph.inject("messages.post", status=status, process=True)
    async with mailbox_on(fake_graph, vtime) as mailbox:
        with pytest.raises(GraphError):
            await mailbox.create_draft("s", "t")
    assert fake_graph.http["messages.post"] == 1
    assert len(fake_graph.mail.all_drafts()) == 1  # it took: one, never two


async def test_a_timeout_is_not_resent(fake_graph: FakeGraph, vtime: VirtualTime) -> None:
    fake_graph.inject("messages.post", delay=0.6, process=True)
    async with mailbox_on(fake_graph, vtime, deadline=0.2) as mailbox:
        with pytest.raises(TimedOut):
            await mailbox.create_draft("s", "t")
    assert fake_graph.http["messages.post"] == 1


async def test_the_check_can_delete_its_draft(fake_graph: FakeGraph, vtime: VirtualTime) -> None:
    async with mailbox_on(fake_graph, vtime) as mailbox:
        draft = await mailbox.create_draft("s", "t")
        await mailbox.delete_draft(draft.id)
    assert fake_graph.mail.all_drafts() == []

"""The one channel message per case: posting it, and keeping it true after every change.

Where each card lives (its conversation reference and activity id) is kept in
bot storage, so any agent's action, from any conversation, updates the same
message. Nothing here holds customer data: the card is redrawn from the Ledger.

The first post, every redraw and the "free to take" notice go through the
app's one ``Poster`` (paced per channel, retried on 429 and 503);
``bot.redraws`` decides how long to try and keeps what failed in the outbox
(``bot.redraw_outbox``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from botbuilder.core import CloudAdapterBase, Storage, TurnContext
from botbuilder.schema import Activity, ConversationReference

import cards
from cases.model import Case

from .card_payload import card_message
from .posting import Poster, RetryPolicy
from .redraw_outbox import RedrawOutbox

log = logging.getLogger(__name__)

_VIEWERS_KEY = "viewers"
MAX_REFRESH_USERS = 60  # Teams refreshes a card automatically for at most 60 user MRIs

# {signature: display name}, as the signature book knows them (bot/identity.py).
Names = Callable[[], Awaitable[Mapping[str, str]]]


async def _no_names() -> Mapping[str, str]:
    return {}


class CaseCards:
    def __init__(
        self,
        adapter: CloudAdapterBase,
        storage: Storage,
        *,
        app_id: str,
        clock: Callable[[], datetime],
        poster: Poster | None = None,
        names: Names = _no_names,
    ) -> None:
        """``names``: how the cards name agents ("Anna Agent (xab1234)")."""
        self._storage = storage
        self._clock = clock
        self._names = names
        self._poster = poster or Poster(adapter, app_id=app_id)
        self.outbox = RedrawOutbox(storage, clock)

    # -- the viewers a card refreshes itself for ---------------------------
    async def remember_viewer(self, mri: str) -> None:
        """Keep the most recent users first; only they get the per-user view automatically."""
        if not mri:
            return
        document = (await self._storage.read([_VIEWERS_KEY])).get(_VIEWERS_KEY, {})
        viewers: list[str] = document.get("mris", [])
        if viewers[:1] == [mri]:
            return
        viewers = [mri, *(v for v in viewers if v != mri)][:MAX_REFRESH_USERS]
        await self._storage.write({_VIEWERS_KEY: {"mris": viewers, "e_tag": "*"}})

    async def viewers(self) -> list[str]:
        document = (await self._storage.read([_VIEWERS_KEY])).get(_VIEWERS_KEY, {})
        return document.get("mris", [])

    # -- posting and updating ----------------------------------------------
    @staticmethod
    def target(turn_context: TurnContext, *, channel_id: str, service_url: str) -> dict[str, Any]:
        """Where a new case's card goes, as kept in the outbox: ids and a URL only.

        The channel, as a new thread; without one (a chat outside a team: a
        local test, a group chat) the conversation the click came from.
        """
        if channel_id:
            return {"channel_id": channel_id, "service_url": service_url}
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        return {"reference": reference.serialize()}

    async def post(
        self, case: Case, *, target: dict[str, Any], locale: str, policy: RetryPolicy | None = None
    ) -> None:
        """A new post of the case's card at ``target``, remembered for later updates.

        Raises ``PostFailed`` when Teams did not take it within ``policy``.
        """
        activity = await self._activity(case, locale)
        if target.get("channel_id"):
            reference, activity_id = await self._poster.new_thread(
                target["channel_id"], target["service_url"], activity, policy=policy
            )
        else:
            reference = ConversationReference().deserialize(target["reference"])
            activity_id = await self._poster.reply(reference, activity, policy=policy)
        await self._storage.write(
            {
                _key(case.case_id): {
                    "reference": reference.serialize(),
                    "activity_id": activity_id,
                    "locale": locale,
                    "e_tag": "*",
                }
            }
        )

    async def update(self, case: Case, *, policy: RetryPolicy | None = None) -> bool:
        """Redraw the case's channel message from ``case``. False when it was never posted.

        Raises ``PostFailed`` when Teams did not take it within ``policy``.
        """
        where = (await self._storage.read([_key(case.case_id)])).get(_key(case.case_id))
        if not where:
            log.warning("no channel card to update", extra={"case_id": case.case_id})
            return False
        activity = await self._activity(case, where.get("locale", "sv-SE"))
        activity.id = where["activity_id"]
        reference = ConversationReference().deserialize(where["reference"])
        await self._poster.update(reference, activity, policy=policy)
        return True

    async def posted(self, case_id: str) -> bool:
        return bool((await self._storage.read([_key(case_id)])).get(_key(case_id)))

    async def tell_free_to_take(self, case: Case, *, policy: RetryPolicy | None = None) -> bool:
        """The hand-over notice under the case's card. False when the card was never posted."""
        thread = await self.thread(case.case_id)
        if thread is None:
            return False
        locale = await self.locale_of(case.case_id) or "sv-SE"
        notice = cards.to_json(cards.handover_notice(case, locale, await self._names()))
        activity = card_message(notice)
        await self._poster.reply(thread, activity, policy=policy)
        return True

    async def names(self) -> Mapping[str, str]:
        """``{signature: display name}``, for every card and notice that names an agent."""
        return await self._names()

    async def reply_in_thread(
        self, case_id: str, activity: Activity, *, policy: RetryPolicy | None = None
    ) -> bool:
        """``activity`` as a reply under the case's card. False when the card was never posted."""
        thread = await self.thread(case_id)
        if thread is None:
            return False
        await self._poster.reply(thread, activity, policy=policy)
        return True

    async def locale_of(self, case_id: str) -> str | None:
        where = (await self._storage.read([_key(case_id)])).get(_key(case_id))
        return where.get("locale") if where else None

    async def thread(self, case_id: str) -> ConversationReference | None:
        """The conversation of replies under the case's card; None when it was never posted."""
        where = (await self._storage.read([_key(case_id)])).get(_key(case_id))
        if not where:
            return None
        reference = ConversationReference().deserialize(where["reference"])
        if ";messageid=" not in reference.conversation.id:
            reference.conversation.id = (
                f"{reference.conversation.id};messageid={where['activity_id']}"
            )
        return reference

    async def _activity(self, case: Case, locale: str) -> Activity:
        card = cards.case_card(
            case,
            viewer=None,
            locale=locale,
            now=self._clock(),
            refresh_user_ids=await self.viewers(),
            names=await self._names(),
        )
        return card_message(cards.to_json(card))


def _key(case_id: str) -> str:
    return f"case-card/{case_id}"

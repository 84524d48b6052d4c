"""A card the bot sends goes out as built: not deep-copied, not walked by msrest.

Every card is finished JSON when the bot hands it to botbuilder
(``cards.to_json``: str keys; str, int, float, bool, list and dict values). Yet
botbuilder 4.17.1 deep-copies every outgoing activity, card included
(``TurnContext.send_activities``), and msrest's ``Serializer`` then walks the
card value by value (an attachment's ``content`` is typed ``object``:
``Serializer.serialize_object`` checks the type of each value and builds the dict
anew). For the queue card of 40 cases that is some 1,000 values copied and 1,000
serialized per message: 13 ms of a 26 ms turn under cProfile, more than the
bot's own work for it. msrest is deprecated and takes no fix
(Azure/msrest-for-python#266, as for ``bot.msrest_speedup``).

``CardJson`` marks such a dict. ``copy.deepcopy`` hands back the same object,
since nothing changes a card once it is built (the bot builds a new one for
every redraw), and msrest's ``serialize_object`` returns it as it is, which is
what its walk yields for JSON values anyway. Any other value takes msrest's
own way, unchanged.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity
from msrest.serialization import Serializer


class CardJson(dict[str, Any]):
    """A finished JSON object: only for what ``json.loads`` could have made."""

    def __deepcopy__(self, _memo: dict[int, Any]) -> CardJson:
        return self

    def __copy__(self) -> CardJson:
        return self


def card_message(card: dict[str, Any]) -> Activity:
    """A message with ``card`` (``cards.to_json``'s) as its one Adaptive Card."""
    return MessageFactory.attachment(CardFactory.adaptive_card(CardJson(card)))


_serialize_object = Serializer.serialize_object


def _serialize_object_as_is(self: Serializer, attr: Any, **kwargs: Any) -> Any:
    if type(attr) is CardJson:
        return attr
    return _serialize_object(self, attr, **kwargs)


Serializer.serialize_object = _serialize_object_as_is  # type: ignore[method-assign]

"""Answers to ``adaptiveCard/action`` invokes, in the documented Universal Actions shape.

The body must be a msrest model, not a dict: CloudAdapter serialises it once
more, and botbuilder 4.17.1 turns a dict into HTTP 500 ("'dict' object has
no attribute 'is_xml_model'").
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import AdaptiveCardInvokeResponse

CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"


def card(card_json: dict[str, Any]) -> InvokeResponse:
    return InvokeResponse(
        status=200, body=AdaptiveCardInvokeResponse(status_code=200, type=CARD, value=card_json)
    )


def error(status_code: int, code: str, message: str) -> InvokeResponse:
    # The HTTP status stays 200: the invoke itself was handled; the error
    # travels in the body, where Teams reads it and shows the message.
    return InvokeResponse(
        status=200,
        body=AdaptiveCardInvokeResponse(
            status_code=status_code, type=ERROR, value={"code": code, "message": message}
        ),
    )

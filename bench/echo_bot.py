"""A bare botbuilder echo bot, stock: the yardstick of ``bench.throughput``.

    python -m bench.echo_bot PORT

CloudAdapter from botbuilder-integration-aiohttp, ConfigurationBotFrameworkAuthentication
with no App ID, and an ActivityHandler that sends the text back: the Bot Framework
samples' echo bot, as a team would start from. It must never import ``bot``:
importing anything from it applies ``bot.msrest_speedup``'s patch to msrest, and
the yardstick is botbuilder as shipped. ``bench.throughput`` runs it in its own
process for that reason.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text))


def create_app() -> web.Application:
    # The samples' config.py, with no App ID: requests are not authenticated.
    config = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        # As the samples' app.py does (botbuilder's aiohttp ``CloudAdapter.process``).
        return await adapter.process(request, bot)  # type: ignore[return-value]

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    if "bot" in sys.modules:  # pragma: no cover - a mistake in how it was started
        sys.exit("the echo bot must run without the bot package imported")
    port = int(sys.argv[1])
    web.run_app(create_app(), host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()

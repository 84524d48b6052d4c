"""``python -m bot``: start the bot on the configured port (3978 by default)."""

from __future__ import annotations

import logging

from aiohttp import web

from .app import create_app
from .config import Settings


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings)
    web.run_app(app, host=settings.bind_host, port=settings.port)


if __name__ == "__main__":
    main()

"""``python -m bot``: start the bot on the configured port (3978 by default).

``python -m bot check [--write]``: check the workbook set-up (Graph or local) and
exit; ``--write`` also writes and clears one cell of the bot's hidden sheet.
"""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from .app import create_app, freeze_start_up
from .config import Settings
from .logs import configure_logging

log = logging.getLogger("bot")


def main() -> None:
    settings = Settings()
    if sys.argv[1:2] == ["check"]:
        from .check import main as check

        extra = sys.argv[2:]
        if extra not in ([], ["--write"]):
            sys.exit(f"usage: python -m bot check [--write]  (not: {' '.join(extra)})")
        sys.exit(check(settings, write=extra == ["--write"]))
    configure_logging(settings.log_level, settings.log_format)
    if problem := settings.team_problem():
        log.error("not starting: %s", problem)
        sys.exit(2)
    app = create_app(settings)
    freeze_start_up()
    log.info("listening on http://%s:%s/api/messages", settings.bind_host, settings.port)
    # SIGTERM/SIGINT: stop listening, drain background work, let turns in flight finish.
    # aiohttp's own banner would be the one line of stdout that is not JSON: off.
    web.run_app(
        app, host=settings.bind_host, port=settings.port,
        shutdown_timeout=settings.shutdown_timeout, print=None,
    )  # fmt: skip
    log.info("stopped")


if __name__ == "__main__":
    main()

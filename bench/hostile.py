"""A probe of /api/messages as an attacker would run it: ``python -m bench.hostile``.

Sends a mix of malformed bodies, activities with broken envelopes, forged
tokens, wrong content types and wrong methods (the cases of
``tests/bot/test_hostile_requests.py`` and ``test_bearer_e2e.py``, drawn at
random) to the real app, once without an App ID and once with one (tokens
from the fake Bot Framework issuer). Prints the answers by status, how many
were 5xx, the log bytes per refused request and how many tracebacks were
logged, then the same figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.report import Section, Table
from bot.config import Settings
from tests.bot.conftest import ANNA, seat_team, serve
from tests.bot.hostile import JSON, authenticated_office, log_output, send
from tests.bot.test_bearer_e2e import FORGERIES
from tests.bot.test_hostile_requests import BAD_ENVELOPES, MALFORMED
from tests.fakes import teams
from tests.fakes.connector import FakeConnector

CONTENT_TYPES = ("text/plain;application/json", "text/plain", "application/x-www-form-urlencoded")
METHODS = ("GET", "PUT", "DELETE", "PATCH")


async def _probe_open(requests: int, rng: random.Random, tmp: Path) -> Counter[int]:
    statuses: Counter[int] = Counter()
    connector = FakeConnector()
    await connector.start()
    seat_team(connector)
    settings = Settings(
        _env_file=None, MicrosoftAppId="", STORA_STATE_DIR=tmp / "state", STORA_WORKBOOK=tmp / "wb.xlsx",
        STORA_TENANT_ID=teams.TENANT, STORA_TEAM_ID=teams.TEAM,
    )  # fmt: skip
    async with aiohttp.ClientSession() as session, serve(settings, connector, session) as office:
        for _ in range(requests):
            kind = rng.choice(("body", "envelope", "content type", "method"))
            valid = teams.channel_post(ANNA, connector.url, "hjälp")
            if kind == "body":
                answer = await send(session, office.url, rng.choice(MALFORMED)[1])
            elif kind == "envelope":
                answer = await send(session, office.url, rng.choice(BAD_ENVELOPES)[1](office))
            elif kind == "content type":
                headers = {"Content-Type": rng.choice(CONTENT_TYPES)}
                answer = await send(session, office.url, valid, headers=headers)
            else:
                answer = await send(session, office.url, valid, method=rng.choice(METHODS))
            statuses[answer.status] += 1
    await connector.stop()
    return statuses


async def _probe_authenticated(requests: int, rng: random.Random, tmp: Path) -> Counter[int]:
    statuses: Counter[int] = Counter()
    async with authenticated_office(tmp) as auth:
        office = auth.office
        for _ in range(requests):
            header = rng.choice(FORGERIES)[1](auth)
            headers = JSON if header is None else {**JSON, "Authorization": header}
            activity = teams.channel_post(ANNA, office.connector.url, "hjälp")
            answer = await send(office.session, office.url, activity, headers=headers)
            statuses[answer.status] += 1
    return statuses


async def probe(requests: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    output = log_output()  # this process's only log: every logger, into a buffer
    with tempfile.TemporaryDirectory() as tmp:
        opened = await _probe_open(requests // 2, rng, Path(tmp) / "open")
        forged = await _probe_authenticated(requests - requests // 2, rng, Path(tmp) / "auth")
    log = output.getvalue()
    refused = sum(1 for line in log.splitlines() if '"request refused"' in line)
    statuses = opened + forged
    return {
        "requests": requests,
        "by_status": dict(sorted(statuses.items())),
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "refusal_lines": refused,
        "log_bytes_per_request": round(len(log.encode()) / requests),
        "tracebacks": log.count("Traceback"),
    }


def run(quick: bool = False) -> Section:
    figures = asyncio.run(probe(40 if quick else 300, seed=10))
    answers = ", ".join(f"{n} × {status}" for status, n in figures["by_status"].items())
    table = Table(
        f"Hostile requests to /api/messages: {figures['requests']} malformed, forged or misdirected",
        ("figure", "value"),
        [
            ("answers", answers),
            ("answered 5xx", figures["server_errors"]),
            ("tracebacks logged", figures["tracebacks"]),
            ("log bytes per refused request", figures["log_bytes_per_request"]),
        ],
    )
    return Section("hostile", [table])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    figures = asyncio.run(probe(args.requests, args.seed))
    print(f"hostile requests: {figures['requests']}")
    for status, count in figures["by_status"].items():
        print(f"  HTTP {status}: {count}")
    print(f"5xx answers: {figures['server_errors']}")
    print(f"'request refused' log lines: {figures['refusal_lines']}")
    print(f"log bytes per request (all loggers, DEBUG): {figures['log_bytes_per_request']}")
    print(f"tracebacks logged: {figures['tracebacks']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

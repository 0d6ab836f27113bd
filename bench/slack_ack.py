"""Slack ack latency of `/buddy promise` and `/buddy promises` over 10^5 promises, vs bare Bolt.

Both apps are served the same way (aiohttp on 127.0.0.1, in this process) and receive the same
signed slash commands one after another; the figure is the time until the HTTP answer (the ack).
The bot acks at once and answers through `response_url`: that second time is reported too.
`python -m bench.slack_ack [--quick]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import insert

from bot.adapters.slack import EVENTS_PATH, web_client
from bot.app import build
from bot.config import Settings
from bot.plugins.slack import build_slack
from bot.store.models import ContactRow, PromiseRow
from tests.adapters.slack_fake import FakeSlack

SECRET = "bench-signing-secret"
TEAM = "T1"
MEMBERS = 10_000  # 10^5 promises: ten open ones each
PER_MEMBER = 10
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TARGET_RATIO = 2.0  # the target: p50 within 2x of the bare app


def seed(database_url: str) -> None:
    """10^5 open promises over 10^4 members, written straight into the tables."""
    buddy = build(Settings(_env_file=None, database_url=database_url))  # type: ignore[call-arg]
    contacts = [
        {
            "id": m + 1,
            "platform": "slack",
            "workspace_id": TEAM,
            "owner_id": f"U{m}",
            "name": f"friend of {m}",
            "name_key": f"friend of {m}",
            "member_user_id": None,
            "created_at": NOW,
            "last_touch_at": NOW,
        }
        for m in range(MEMBERS)
    ]
    promises = [
        {
            "platform": "slack",
            "workspace_id": TEAM,
            "owner_id": f"U{m}",
            "contact_id": m + 1,
            "what": f"thing {n} for {m}",
            "number": n,
            "status": "open",
            "created_at": NOW,
            "due_at": NOW + timedelta(days=n),
            "remind_at": NOW + timedelta(days=n),
            "heads_up_at": None,
            "snoozes": 0,
        }
        for m in range(MEMBERS)
        for n in range(1, PER_MEMBER + 1)
    ]
    with buddy.engine.begin() as connection:
        connection.execute(insert(ContactRow), contacts)
        connection.execute(insert(PromiseRow), promises)
    buddy.engine.dispose()


@contextlib.asynccontextmanager
async def serve(application: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(application)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}{EVENTS_PATH}"
    finally:
        await runner.cleanup()


def bare_app(api_url: str) -> web.Application:
    app = AsyncApp(signing_secret=SECRET, client=web_client(api_url=api_url, token="xoxb-T1"))

    @app.command("/buddy")
    async def only_ack(ack: Callable[[], Any]) -> None:
        await ack()

    return app.web_app(path=EVENTS_PATH)


async def measure(
    http: aiohttp.ClientSession,
    url: str,
    fake: FakeSlack,
    *,
    text: Callable[[int], str],
    count: int,
    first_user: int,
    replies_expected: bool,
) -> tuple[list[float], list[float]]:
    """Ack and reply latencies (ms) of `count` commands, each sent once the previous one was
    answered (its background work, such as refreshing the Home tab, may still be running)."""
    verifier = SignatureVerifier(SECRET)
    acks: list[float] = []
    replies: list[float] = []
    for i in range(count):
        key = f"k{first_user}-{i}"
        user = f"U{(first_user + i) % MEMBERS}"
        body = urlencode(
            {
                "team_id": TEAM,
                "channel_id": "C1",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/buddy",
                "text": text(i),
                "response_url": fake.response_url(key),
                "trigger_id": key,
            }
        )
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
        }
        started = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            assert response.status == 200, response.status
        acks.append((time.perf_counter() - started) * 1000)
        if replies_expected:
            await fake.wait_until(lambda key=key: fake.replies(key), timeout=10)  # type: ignore[misc]
            replies.append((time.perf_counter() - started) * 1000)
    return acks, replies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def bench(quick: bool) -> list[dict[str, Any]]:
    count = 60 if quick else 400
    warm_up = 10
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        seed(database_url)
        fake = await FakeSlack().start()
        for m in range(MEMBERS):
            fake.add_user(TEAM, f"U{m}", name=f"Member {m}")
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database_url,
            slack_bot_token="xoxb-T1",
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
        )
        buddy = build(settings)
        bot = await build_slack(buddy)
        results: dict[str, tuple[list[float], list[float]]] = {}
        async with (
            serve(bare_app(fake.api_url)) as bare_url,
            serve(bot.web_app()) as bot_url,
            aiohttp.ClientSession() as http,
        ):
            scenarios = {
                "bare Bolt app (ack only)": (bare_url, lambda i: "promises"),
                "/buddy promise": (
                    bot_url,
                    lambda i: f"promise <@U{i}|m{i}> bench item {i} by friday",
                ),
                "/buddy promises": (bot_url, lambda i: "promises"),
            }
            for round_ in range(2):  # the first round only warms everything up
                for n, (name, (url, text)) in enumerate(scenarios.items()):
                    results[name] = await measure(
                        http,
                        url,
                        fake,
                        text=text,
                        count=warm_up if round_ == 0 else count,
                        first_user=1000 * n + (0 if round_ == 0 else 5000),
                        replies_expected=url == bot_url,
                    )
                    await bot.settle()
        await bot.close()
        await fake.stop()
        buddy.engine.dispose()

    rows: list[dict[str, Any]] = []
    bare_p50 = statistics.median(results["bare Bolt app (ack only)"][0])
    for name, (acks, replies) in results.items():
        for p in (50, 99):
            rows.append(_row(f"{name}: ack p{p}", percentile(acks, p), "ms"))
        if name.startswith("/buddy"):
            ratio = statistics.median(acks) / bare_p50
            rows.append(_row(f"{name}: ack p50 / bare ack p50", ratio, "x", TARGET_RATIO))
            if replies:
                rows.append(_row(f"{name}: private reply p50", percentile(replies, 50), "ms"))
    return rows


def _row(name: str, value: float, unit: str, target: float | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 2),
        "unit": unit,
        "target": target,
        "better": "lower",
    }


def run(quick: bool) -> list[dict[str, Any]]:
    return asyncio.run(bench(quick))


if __name__ == "__main__":
    from bench.__main__ import format_table

    parser = argparse.ArgumentParser(prog="python -m bench.slack_ack", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(format_table(run(quick=parser.parse_args().quick)))
    sys.exit(0)

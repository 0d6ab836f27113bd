"""Slack: time until the member sees the answer to `/buddy promises`, vs a bare Bolt app.

Both apps are served the same way (aiohttp on 127.0.0.1, in this process) and receive the same
signed slash commands, interleaved one by one in one run (the order alternating), with 300 and
with 10^5 open promises stored. The bare app answers in its acknowledgement; so does the bot
when the answer is ready within its budget (BUDDY_ACK_BUDGET_SECONDS), else the answer is what
reaches `response_url`. Each round comes from the next member in turn: with 10^5 promises (10^4
members) each is new to the bot (a users.info call), with 300 (30 members) names are soon
cached. `/buddy promise` (a write, so the 300 grow by a few) is reported beside it, and so is
the same bot with a budget of 0 (every answer through `response_url`, as before the budget).
`python -m bench.slack_ack [--quick]`
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bench._answer_timing import row, run_sizes
from bench._seed import seed_promises
from bot.adapters.slack import EVENTS_PATH, web_client
from bot.app import build
from bot.config import Settings
from bot.plugins.slack import build_slack
from tests.adapters.slack_fake import FakeSlack

SECRET = "bench-signing-secret"
TEAM = "T1"
PER_MEMBER = 10  # open promises each member has
TARGET_RATIO = 1.3  # the target: answer p50 within 1.3x of the bare app's


def bare_app(api_url: str) -> web.Application:
    """A Bolt app that answers in its acknowledgement, as the bot does when it can."""
    app = AsyncApp(signing_secret=SECRET, client=web_client(api_url=api_url, token="xoxb-T1"))

    @app.command("/buddy")
    async def answer_in_ack(ack: Callable[..., Any]) -> None:
        await ack(
            response_type="ephemeral",
            text="📋 Your open promises",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "📋 Your promises"}}],
        )

    return app.web_app(path=EVENTS_PATH)


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


async def seen_after(
    http: aiohttp.ClientSession, url: str, fake: FakeSlack, *, text: str, user: str, key: str
) -> tuple[float, bool]:
    """Milliseconds until the member sees the answer, and whether it came in the ack."""
    body = urlencode(
        {
            "team_id": TEAM,
            "channel_id": "C1",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/buddy",
            "text": text,
            "response_url": fake.response_url(key),
            "trigger_id": key,
        }
    )
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
            timestamp=stamp, body=body
        )
        or "",
    }
    started = time.perf_counter()
    async with http.post(url, data=body, headers=headers) as response:
        answer = await response.read()
        assert response.status == 200, response.status
    if not answer:
        await fake.wait_until(lambda: fake.replies(key), timeout=10)
    return (time.perf_counter() - started) * 1000, bool(answer)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def one_size(promises: int, *, count: int, warm_up: int) -> list[dict[str, Any]]:
    members = promises // PER_MEMBER
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        owners = [f"U{m}" for m in range(members)]
        seed_promises(
            database_url, platform="slack", workspace_id=TEAM, owners=owners, per_member=PER_MEMBER
        )
        fake = await FakeSlack().start()
        for owner in owners:
            fake.add_user(TEAM, owner, name=f"Member {owner}")
        settings = Settings(
            database_url=database_url,
            slack_bot_token="xoxb-T1",
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
        )
        buddy = build(settings)
        bot = await build_slack(buddy)
        # The same bot with no budget: every answer through response_url, as before it had one.
        buddy_late = build(dataclasses.replace(settings, buddy_ack_budget_seconds=0.0))
        bot_late = await build_slack(buddy_late)
        times: dict[str, list[float]] = {"bare": [], "promises": [], "promise": [], "late": []}
        in_ack = {"promises": 0, "promise": 0, "late": 0}
        async with (
            serve(bare_app(fake.api_url)) as bare_url,
            serve(bot.web_app()) as bot_url,
            serve(bot_late.web_app()) as late_url,
            aiohttp.ClientSession() as http,
        ):
            runs = (
                ("bare", bare_url, lambda i: "promises"),
                ("promises", bot_url, lambda i: "promises"),
                ("late", late_url, lambda i: "promises"),
                ("promise", bot_url, lambda i: f"promise <@U{i}|m{i}> bench item {i} by friday"),
            )
            for i in range(warm_up + count):
                user = owners[i % members]
                for name, url, text in runs if i % 2 == 0 else runs[::-1]:  # neither always first
                    key = f"{promises}-{name}-{i}"
                    ms, acked = await seen_after(http, url, fake, text=text(i), user=user, key=key)
                    await bot.settle()  # its Home refreshes and the like: not the next one's
                    await bot_late.settle()
                    if i >= warm_up:
                        times[name].append(ms)
                        if name in in_ack:
                            in_ack[name] += acked
        for each in (bot, bot_late):
            await each.close()
        await fake.stop()
        buddy.engine.dispose()
        buddy_late.engine.dispose()

    size = f"{promises:,} promises"
    bare_p50 = statistics.median(times["bare"])
    rows = [
        row(
            f"Slack bare Bolt app, answer in ack ({size}): p{p}", percentile(times["bare"], p), "ms"
        )
        for p in (50, 95, 99)
    ]
    labels = {
        "promises": "/buddy promises",
        "late": "/buddy promises, budget 0 (all through response_url)",
        "promise": "/buddy promise",
    }
    for name, label in labels.items():
        for p in (50, 95, 99):
            rows.append(
                row(
                    f"Slack {label} answer seen ({size}): p{p}",
                    percentile(times[name], p),
                    "ms",
                )
            )
        ratio = statistics.median(times[name]) / bare_p50
        target = TARGET_RATIO if name == "promises" else None
        rows.append(row(f"Slack {label} answer p50 / bare p50 ({size})", ratio, "x", target))
        if name != "late":
            share = 100 * in_ack[name] / count
            rows.append(
                row(f"Slack {label} answered in the ack ({size})", share, "%", better="higher")
            )
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    return run_sizes(one_size, quick=quick)


if __name__ == "__main__":
    from bench.__main__ import format_table

    parser = argparse.ArgumentParser(prog="python -m bench.slack_ack", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(format_table(run(quick=parser.parse_args().quick)))
    sys.exit(0)

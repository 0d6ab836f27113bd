"""Idle memory: the resident set of a process with the app built and both adapters loaded,
beside a bare Python process. Each is a fresh subprocess that reads its own /proc/self/status.

The loaded one wires the bot on a SQLite file, constructs the Slack app (with its delivery
and ticker objects) and the Discord client without connecting anywhere, then idles a moment.
`python -m bench.idle_memory`
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TARGET_MB = 150.0  # both adapters loaded, idle
IDLE_SECONDS = 0.5

REPORT = """
import time
time.sleep({idle})
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]))
"""

LOADED = """
import asyncio

from bot.app import build, build_slack, discord_ports
from bot.config import Settings
from bot.core.identity import Platform

async def load() -> None:
    settings = Settings(
        _env_file=None,
        database_url="sqlite:///{folder}/idle.sqlite3",
        slack_bot_token="xoxb-idle",
        slack_signing_secret="idle-secret",
        slack_api_url="http://127.0.0.1:9/api/",
        discord_token="idle-token",
    )
    buddy = build(settings)
    slack = await build_slack(buddy)
    from bot.adapters import discord_bot

    discord = discord_bot.make_client(discord_ports(buddy))
    delivery = buddy.delivery({{Platform.SLACK: slack.messenger}})
    ticker = buddy.ticker()
    slack.web_app()
    globals()["kept"] = (buddy, slack, discord, delivery, ticker)

asyncio.run(load())
"""


def rss_kib(program: str, *, samples: int) -> int:
    """Median VmRSS (KiB) of `program` followed by an idle pause, over `samples` fresh processes."""
    found = []
    for _ in range(samples):
        done = subprocess.run(
            [sys.executable, "-c", program + REPORT.format(idle=IDLE_SECONDS)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            cwd=Path(__file__).resolve().parent.parent,
        )
        found.append(int(done.stdout.split()[-1]))
    return sorted(found)[len(found) // 2]


def run(quick: bool) -> list[dict[str, Any]]:
    samples = 1 if quick else 3  # fresh processes each; the median is reported
    with tempfile.TemporaryDirectory(prefix="buddy-idle-") as folder:
        loaded = rss_kib(LOADED.format(folder=folder), samples=samples)
    bare = rss_kib("", samples=samples)
    return [
        _row("idle RSS, bare Python process", bare / 1024, None),
        _row("idle RSS, app + Slack and Discord adapters loaded", loaded / 1024, TARGET_MB),
        _row("idle RSS, the bot's share (loaded − bare)", (loaded - bare) / 1024, None),
    ]


def _row(name: str, value: float, target: float | None) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 1),
        "unit": "MiB",
        "target": target,
        "better": "lower",
    }


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv[1:])))

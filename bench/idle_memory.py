"""Idle memory: the resident set of a process with the app built and both adapters loaded,
of each single-platform process type (console, slack, discord, worker), and of a bare Python
process. Each is a fresh subprocess that reads its own /proc/self/status.

The loaded one wires the bot on a SQLite file, constructs the Slack app (with its delivery
and ticker objects) and the Discord client without connecting anywhere, then idles a moment.
`python -m bench.idle_memory`
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TARGET_MB = 150.0  # both adapters loaded, idle
SLACK_TARGET_MB = 80.0  # `buddy slack` alone, idle
IDLE_SECONDS = 0.5

PAGES_KEY = base64.urlsafe_b64encode(b"idle-memory-bench-key-32-bytes!!").decode()  # a Fernet key

REPORT = """
import time
time.sleep({idle})
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]))
"""

LOADED = """
import asyncio

from bot.app import build
from bot.plugins.slack import build_slack
from bot.plugins.discord_bot import discord_ports
from bot.config import Settings
from bot.core.identity import Platform

async def load() -> None:
    settings = Settings(
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


SETTINGS = """
from bot.config import Settings
settings = Settings(
    database_url="sqlite:///{folder}/idle.sqlite3",  # migrated by LOADED: at head
    slack_api_url="http://127.0.0.1:9/api/",
    **{options},
)
"""

SLACK_PROGRAM = """
import asyncio
from bot.app import build
from bot.plugins.slack import build_slack
from bot.core.identity import Platform

async def load():
    buddy = build(settings)
    slack = await build_slack(buddy)
    slack.web_app()
    return buddy, slack, buddy.delivery({Platform.SLACK: slack.messenger}), buddy.ticker()

kept = asyncio.run(load())
"""

# What each process type builds before it idles; nothing connects anywhere.
PROCESS_TYPES = {
    "console": (
        {},
        """
from bot.app import build
from bot.adapters.console import ConsoleMessenger, ConsoleScreen
from bot.core.identity import Platform
import sys
buddy = build(settings)
delivery = buddy.delivery({Platform.CONSOLE: ConsoleMessenger(ConsoleScreen(sys.stdout))})
kept = (buddy, delivery, buddy.ticker())
""",
    ),
    "slack": (
        {"slack_bot_token": "xoxb-idle", "slack_signing_secret": "idle-secret"},
        SLACK_PROGRAM,
    ),
    # `buddy slack` over HTTP serving the web pages too (their links are signed with the key).
    "slack with pages": (
        {
            "slack_bot_token": "xoxb-idle",
            "slack_signing_secret": "idle-secret",
            "buddy_secret_key": PAGES_KEY,
        },
        SLACK_PROGRAM,
    ),
    "discord": (
        {"discord_token": "idle-token"},
        """
from bot.app import build
from bot.plugins.discord_bot import discord_ports
from bot.adapters import discord_bot
buddy = build(settings)
kept = (buddy, discord_bot.make_client(discord_ports(buddy)), buddy.ticker())
""",
    ),
    "worker": (
        {"slack_bot_token": "xoxb-idle"},
        """
import asyncio, contextlib
from bot.app import build, worker_messengers

async def load():
    buddy = build(settings)
    async with contextlib.AsyncExitStack() as stack:
        messengers = await worker_messengers(buddy, stack)
        return buddy, buddy.delivery(messengers), buddy.ticker()

kept = asyncio.run(load())
""",
    ),
}


def process_type_program(kind: str, folder: str) -> str:
    options, program = PROCESS_TYPES[kind]
    return SETTINGS.format(folder=folder, options=options) + program


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
        kinds = {
            kind: rss_kib(process_type_program(kind, folder), samples=samples)
            for kind in PROCESS_TYPES
        }
    bare = rss_kib("", samples=samples)
    return [
        *(
            _row(
                f"idle RSS, buddy {kind} (built, not connected)",
                rss / 1024,
                SLACK_TARGET_MB if kind.startswith("slack") else None,
            )
            for kind, rss in kinds.items()
        ),
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

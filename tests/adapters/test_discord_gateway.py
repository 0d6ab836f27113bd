"""`buddy discord` run whole against the fake Discord: gateway events in, REST calls out."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import build
from bot.config import Settings
from bot.plugins.discord_bot import serve_discord
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    TOKEN,
    FakeDiscord,
    copy_database,
    replies_text,
    slash,
)

GUILDS_INTENT = 1


@pytest.fixture
def restore_discord_urls() -> Iterator[None]:
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


async def test_buddy_discord_answers_over_the_gateway_and_delivers_dms(
    sqlite_template: Path, tmp_path: Path
) -> None:
    fake = FakeDiscord()
    await fake.start()
    env = os.environ | {
        "DATABASE_URL": copy_database(sqlite_template, tmp_path),
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "discord",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_for(lambda: fake.sessions == 1, timeout=30)
        met = slash(ALICE, "met", person=BOB, context="at RustConf")
        export = slash(ALICE, "export")
        await fake.dispatch("INTERACTION_CREATE", met)
        await fake.dispatch("INTERACTION_CREATE", export)
        # Both answers: the two interactions are handled side by side, in either order.
        await fake.wait_for(
            lambda: bool(fake.dms(ALICE) and fake.replies(met["token"])), timeout=10
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            bot.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=10)
        await fake.close()

    [identify] = fake.identifies
    assert identify["token"] == TOKEN
    assert identify["intents"] == GUILDS_INTENT  # no privileged intent
    assert "Noted: you met" in replies_text(fake.replies(met["token"]))
    assert "buddy-export.json" in fake.dms(ALICE)[0].files
    assert bot.returncode == 130, stderr.decode()


@pytest.mark.usefixtures("restore_discord_urls")
async def test_a_bot_too_big_for_one_shard_reconnects_sharded(
    sqlite_template: Path, tmp_path: Path
) -> None:
    fake = FakeDiscord(require_sharding=True)
    await fake.start()
    settings = Settings(
        database_url=copy_database(sqlite_template, tmp_path),
        discord_token=TOKEN,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )
    buddy = build(settings, migrate=False)
    running = asyncio.create_task(serve_discord(buddy, guild_ready_timeout=0.1))
    try:
        await fake.wait_for(lambda: fake.sessions == 1, timeout=10)
        await fake.dispatch("INTERACTION_CREATE", help_ := slash(ALICE, "help"))
        await fake.wait_for(lambda: bool(fake.replies(help_["token"])))
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await fake.close()
        buddy.engine.dispose()

    assert ["shard" in identify for identify in fake.identifies] == [False, True]
    assert fake.identifies[1]["shard"] == [0, 1]

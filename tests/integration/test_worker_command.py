"""`buddy worker`: the ticker and delivery without a chat adapter, stopped gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from discord.http import Route

from bot.app import build, serve_worker, worker_messengers
from bot.cli import main
from bot.config import Settings
from bot.core.effects import DirectMessage
from bot.core.identity import Member, Platform
from bot.core.message import text_message
from tests.adapters.discord_fake import ALICE, GUILD_A, FakeDiscord
from tests.adapters.slack_fake import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "DISCORD_TOKEN",
)


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "buddy.sqlite3"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return f"sqlite:///{path}"


def test_without_any_platform_token_the_worker_says_what_to_set(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database)

    assert main(["worker"]) == 2
    assert "set SLACK_BOT_TOKEN" in capsys.readouterr().err


async def test_the_worker_delivers_due_messages_through_slacks_web_api(database: str) -> None:
    fake = await FakeSlack().start()
    settings = Settings(
        database_url=database,
        slack_bot_token="xoxb-T1",
        slack_api_url=fake.api_url,
        buddy_tick_seconds=60,
    )
    buddy = build(settings)
    now = datetime.now(UTC)
    with buddy.uow_factory() as uow:
        ann = Member(Platform.SLACK, "T1", "U1")
        uow.outbox.add(DirectMessage(ann, text_message("hi")), key="k", now=now, not_before=now)
        uow.commit()
    stop = asyncio.Event()
    try:
        async with contextlib.AsyncExitStack() as stack:
            messengers = await worker_messengers(buddy, stack)
            worker = asyncio.create_task(serve_worker(buddy, messengers, stop=stop))
            await fake.wait_until(lambda: fake.calls_to("chat.postMessage"))
            stop.set()
            await asyncio.wait_for(worker, timeout=5)
    finally:
        await fake.stop()
        buddy.engine.dispose()

    assert list(messengers) == [Platform.SLACK]
    [posted] = fake.calls_to("chat.postMessage")
    assert posted.args["text"] == "hi"
    [entry] = buddy.outbox_queue.entries(statuses=["sent"], limit=10)
    assert entry.key == "k"


async def test_the_worker_delivers_discord_dms_over_rest_without_the_gateway(database: str) -> None:
    fake = FakeDiscord()
    await fake.start()
    saved = Route.BASE
    settings = Settings(database_url=database, discord_token="token", discord_api_url=fake.api_url)
    buddy = build(settings)
    now = datetime.now(UTC)
    alice = Member(Platform.DISCORD, str(GUILD_A.id), str(ALICE.id))
    with buddy.uow_factory() as uow:
        uow.outbox.add(DirectMessage(alice, text_message("hi")), key="k", now=now, not_before=now)
        uow.commit()
    stop = asyncio.Event()
    try:
        async with contextlib.AsyncExitStack() as stack:
            messengers = await worker_messengers(buddy, stack)
            worker = asyncio.create_task(serve_worker(buddy, messengers, stop=stop))
            await fake.wait_for(lambda: bool(fake.dms(ALICE)))
            stop.set()
            await asyncio.wait_for(worker, timeout=5)
    finally:
        await fake.close()
        Route.BASE = saved
        buddy.engine.dispose()

    assert list(messengers) == [Platform.DISCORD]
    [dm] = fake.dms(ALICE)
    assert dm.content == "hi"
    assert fake.identifies == []  # no gateway connection


def test_sigterm_stops_the_worker_process_cleanly(database: str) -> None:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in PLATFORM_VARIABLES},
        "DATABASE_URL": database,
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing is due: never called
        "BUDDY_TICK_SECONDS": "0.2",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "worker"],
        cwd=Path(database.removeprefix("sqlite:///")).parent,
        env={**environment, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stderr is not None
        deadline = time.monotonic() + 30
        while "tick " not in worker.stderr.readline():  # the ticker runs: the worker is up
            assert time.monotonic() < deadline and worker.poll() is None
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

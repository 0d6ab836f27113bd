"""Scale-out as deployed: `buddy migrate`, two `buddy slack` web replicas and two `buddy worker`
processes on one PostgreSQL database, with Slack's servers faked in this test process."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from alembic.script import ScriptDirectory
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, func, select, text, update

from bot.store.database import alembic_config, make_engine
from bot.store.models import OutboxRow, PromiseRow
from tests.adapters.slack_fake import FakeSlack
from tests.pg import create_postgres_database, drop_postgres_database, unique_database_name

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SECRET = "scale-out-signing-secret"
USERS = 12


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without any bot or Slack setting, plus the given ones."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("SLACK_", "BUDDY_", "DATABASE_URL", "PORT", "DISCORD_"))
    }
    return {**kept, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def buddy(command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", command],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def database(postgres_url: str, postgres_template: str) -> Iterator[tuple[str, Engine]]:
    name = unique_database_name("buddy_scale")
    url = create_postgres_database(postgres_url, name, template=postgres_template)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()
    drop_postgres_database(postgres_url, name)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    for n in range(USERS + 1):
        slack.add_user("T1", f"U{n}", name=f"Member {n}")
    yield slack
    await slack.stop()


async def wait_healthy(
    http: aiohttp.ClientSession, url: str, process: subprocess.Popen[str]
) -> None:
    # Four processes start at once (each migrating or importing): slow on a loaded machine.
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            async with http.get(url + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        assert time.monotonic() < deadline, "the web replica never answered /healthz"
        await asyncio.sleep(0.1)


async def slash_command(
    http: aiohttp.ClientSession, url: str, fake: FakeSlack, *, user: str, text: str, key: str
) -> str:
    """Send a signed `/buddy` command; its acknowledgement's body (the answer, if it was quick)."""
    body = urlencode(
        {
            "team_id": "T1",
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
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or "",
    }
    async with http.post(url + "/slack/events", data=body, headers=headers) as response:
        assert response.status == 200
        return await response.text()


async def eventually(check: object, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_two_web_replicas_and_two_workers_apply_each_command_and_send_each_reminder_once(
    database: tuple[str, Engine], fake: FakeSlack, tmp_path: Path
) -> None:
    url, engine = database
    common = {
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    ports = [free_port(), free_port()]
    processes = [
        buddy("slack", environment(url, PORT=str(p), BUDDY_TICKER="off", **common), tmp_path)
        for p in ports
    ] + [
        buddy("worker", environment(url, BUDDY_TICK_SECONDS="0.5", **common), tmp_path)
        for _ in range(2)
    ]
    try:
        async with aiohttp.ClientSession() as http:
            replicas = [f"http://127.0.0.1:{p}" for p in ports]
            for replica, process in zip(replicas, processes, strict=False):
                await wait_healthy(http, replica, process)

            # Spread over both replicas, some at the same moment.
            acks = await asyncio.gather(
                *(
                    slash_command(
                        http,
                        replicas[n % 2],
                        fake,
                        user=f"U{n}",
                        text=f"promise <@U0|zero> item {n} by friday",
                        key=f"k{n}",
                    )
                    for n in range(1, USERS + 1)
                )
            )
            # Each answered in its ack, or (if slower than the budget) through response_url.
            late = [n for n, ack in enumerate(acks, start=1) if not ack]
            assert all("Promise #" in ack for ack in acks if ack)
            await eventually(lambda: all(fake.replies(f"k{n}") for n in late))

            with engine.begin() as connection:
                assert connection.scalar(select(func.count()).select_from(PromiseRow)) == USERS
                # Every promise's reminder falls due now: the workers' tickers pick them up.
                connection.execute(
                    update(PromiseRow).values(remind_at=datetime.now(UTC) - timedelta(minutes=1))
                )

            def reminders_sent() -> int:
                with engine.connect() as connection:
                    return (
                        connection.scalar(
                            select(func.count())
                            .select_from(OutboxRow)
                            .where(OutboxRow.idempotency_key.like("reminder:%"))
                            .where(OutboxRow.status == "sent")
                        )
                        or 0
                    )

            await eventually(lambda: reminders_sent() == USERS)
            await asyncio.sleep(1.5)  # a few more ticks and delivery rounds: nothing doubles

        for n, ack in enumerate(acks, start=1):  # each answered exactly once
            assert len(fake.replies(f"k{n}")) == (0 if ack else 1)
        with engine.connect() as connection:
            statuses = Counter(connection.scalars(select(OutboxRow.status)))
        posts = fake.calls_to("chat.postMessage")
        assert statuses == {"sent": statuses["sent"]}  # nothing pending or dead
        assert len(posts) == statuses["sent"]  # one post per message: none sent twice
        assert reminders_sent() == USERS
        assert all(p.poll() is None for p in processes)  # nobody crashed
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_migrate_processes_started_at_once_on_a_fresh_database_both_succeed(
    postgres_url: str, tmp_path: Path
) -> None:
    name = unique_database_name("buddy_migrate")
    url = create_postgres_database(postgres_url, name)
    try:
        migrations = [buddy("migrate", environment(url), tmp_path) for _ in range(2)]
        results = [m.wait(timeout=60) for m in migrations]
        errors = [m.stderr.read() if m.stderr else "" for m in migrations]

        assert results == [0, 0], errors
        engine = make_engine(url)
        with engine.connect() as connection:
            versions = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
        engine.dispose()
        assert versions == [ScriptDirectory.from_config(alembic_config()).get_current_head()]
    finally:
        drop_postgres_database(postgres_url, name)

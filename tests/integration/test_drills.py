"""Failure drills: PostgreSQL stopped mid-run and started again, and Slack's Web API answering
5xx for a minute. Nothing is lost, nothing goes out twice, and nobody restarts the bot."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build
from bot.commands.base import CommandInput
from bot.config import Settings
from bot.core.effects import DirectMessage
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message, text_message
from bot.delivery import run_delivery
from tests.adapters.slack_harness import running_slack
from tests.pg import PostgresCluster, create_postgres_database, find_postgres_bin

ANN = Member(Platform.SLACK, "T1", "U1")
OUTAGE_SECONDS = 30  # as long as the issue asks: pools, claims and leases must all ride it out


class Recorder:
    """A platform that takes every message and remembers it."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    async def send_dm(self, member: Member, message: Message) -> None:
        await asyncio.sleep(0.05)  # slow enough that the outage begins mid-delivery
        self.sent[message.plain_text()] += 1

    async def post(self, channel: Channel, message: Message) -> None:
        raise NotImplementedError

    async def send_group(
        self,
        members: Sequence[Member],
        message: Message,
        *,
        near: Channel | None,
        title: str,
        opened: Channel | None,
        record: Callable[[Channel], Awaitable[None]],
    ) -> Channel | None:
        raise NotImplementedError


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A throwaway server of this test's own: it is stopped and started again."""
    bin_dir = find_postgres_bin()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("BUDDY_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (BUDDY_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip("no PostgreSQL to stop and start")
    cluster = PostgresCluster.start(bin_dir)
    yield cluster
    cluster.stop()


def pg_ctl(cluster: PostgresCluster, action: str) -> None:
    """Stop or start the server in place, keeping its data."""
    options = (
        "-F -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        f" -c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.root}"
    )
    arguments = ("-D", str(cluster.data_dir), "-l", str(cluster.root / "server.log"))
    if action == "start":
        cluster._run("pg_ctl", *arguments, "-o", options, "-w", "start")
    else:
        cluster._run("pg_ctl", *arguments, "-m", "fast", "-w", "stop")


def command(text: str) -> CommandInput:
    return CommandInput(text=text, invoker=ANN, channel=None, invoker_name="Ann")


@pytest.mark.postgres
async def test_postgres_stopped_mid_run_gets_a_friendly_retry_reply_then_recovers_losing_nothing(
    own_postgres: PostgresCluster,
) -> None:
    url = create_postgres_database(own_postgres.url, "buddy_drill")
    buddy = build(Settings(database_url=url))
    now = datetime.now(UTC)
    with buddy.uow_factory() as uow:
        for n in range(40):
            uow.outbox.add(
                DirectMessage(ANN, text_message(f"m{n:02d}")), key=f"m{n}", now=now, not_before=now
            )
        uow.commit()
    platform = Recorder()
    stop = asyncio.Event()
    delivering = asyncio.create_task(
        run_delivery(buddy.delivery({Platform.SLACK: platform}), interval=0.2, stop=stop)
    )
    try:
        await asyncio.to_thread(pg_ctl, own_postgres, "stop")
        during = await asyncio.to_thread(buddy.service.run, command('promise "Sam" the slides'))
        await asyncio.sleep(OUTAGE_SECONDS)
        await asyncio.to_thread(pg_ctl, own_postgres, "start")
        after = await asyncio.to_thread(buddy.service.run, command('promise "Sam" the slides'))
        for _ in range(100):
            if sum(platform.sent.values()) >= 40:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(delivering, timeout=10)
        buddy.engine.dispose()

    assert "try again in a moment" in during.plain_text()
    assert "try again" not in after.plain_text(), after.plain_text()
    with buddy.uow_factory() as uow:
        assert [p.what for p in uow.promises.list_open(ANN)] == ["the slides"], after.plain_text()
    # Whatever was sent before the outage, and the rest after it: each once.
    assert platform.sent == Counter({f"m{n:02d}": 1 for n in range(40)})
    buddy.engine.dispose()


async def test_slack_answering_5xx_for_a_minute_delivers_everything_afterwards_once(
    tmp_path: Path,
) -> None:
    async with running_slack(f"sqlite:///{tmp_path / 'drill.sqlite3'}") as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        texts = [f"reminder {n}" for n in range(5)]
        with slack.buddy.uow_factory() as uow:
            now = slack.clock.now()
            for n, text in enumerate(texts):
                to = Member(Platform.SLACK, "T1", f"U{n + 1}")
                uow.outbox.add(
                    DirectMessage(to, text_message(text)), key=text, now=now, not_before=now
                )
            uow.commit()
        for method in ("conversations.open", "chat.postMessage"):
            slack.fake.fail(
                method, status=503, error="service_unavailable", retry_after=None, times=10_000
            )

        outage_ends = slack.clock.now() + timedelta(minutes=1)
        while slack.clock.now() < outage_ends:
            report = await slack.delivery.deliver_due()
            assert report.sent == 0 and report.dead == 0
            slack.clock.advance(timedelta(seconds=5))
        slack.fake.recover()
        failed_calls = len(slack.fake.calls_to("chat.postMessage"))
        for _ in range(40):  # the backoff has grown: up to about ten minutes on the clock
            await slack.delivery.deliver_due()
            slack.clock.advance(timedelta(seconds=15))

        delivered = [call.args["text"] for call in slack.fake.calls_to("chat.postMessage")]
        assert Counter(delivered[failed_calls:]) == Counter(texts)
        entries = slack.buddy.outbox_queue.entries(statuses=["pending", "dead"], limit=10)
        assert entries == []

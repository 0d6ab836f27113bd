"""Several delivery worker processes on one PostgreSQL: each message delivered exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.core.effects import DirectMessage
from bot.core.identity import Member, Platform
from bot.core.message import text_message
from bot.store.database import make_engine, make_session_factory
from bot.store.models import OutboxRow
from bot.store.uow import SqlUnitOfWorkFactory
from tests.pg import create_postgres_database, drop_postgres_database, unique_database_name

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Line:
    pid: int
    event: str
    recipient: str
    text: str


@dataclass
class Cluster:
    """One PostgreSQL database, the file workers report deliveries to, and the workers."""

    url: str
    engine: Engine
    out: Path
    workers: list[subprocess.Popen[str]]

    def start_worker(self, *options: str) -> subprocess.Popen[str]:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.integration.delivery_worker"),
                *("--url", self.url, "--out", str(self.out), *options),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.workers.append(worker)
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready"
        return worker

    def queue(self, messages: list[tuple[Member, str]]) -> None:
        now = datetime.now(UTC)
        with SqlUnitOfWorkFactory(make_session_factory(self.engine))() as uow:
            for member, text in messages:
                uow.outbox.add(
                    DirectMessage(member, text_message(text)), key=text, now=now, not_before=now
                )
            uow.commit()

    def lines(self) -> list[Line]:
        if not self.out.exists():
            return []
        found = []
        for raw in self.out.read_text().splitlines():
            pid, event, recipient, text = raw.split(" ", 3)
            found.append(Line(int(pid), event, recipient, text))
        return found

    def sent(self) -> list[Line]:
        return [line for line in self.lines() if line.event == "sent"]

    def wait_until(self, condition: Callable[[], bool], *, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the workers reported {len(self.lines())} lines")
            time.sleep(0.02)

    def rows(self) -> dict[str, OutboxRow]:
        with make_session_factory(self.engine)() as session:
            return {row.idempotency_key: row for row in session.scalars(select(OutboxRow))}

    def stop(self, worker: subprocess.Popen[str]) -> int:
        worker.send_signal(signal.SIGTERM)
        return worker.wait(timeout=10)


@pytest.fixture
def cluster(postgres_url: str, postgres_template: str, tmp_path: Path) -> Iterator[Cluster]:
    name = unique_database_name("buddy_workers")
    url = create_postgres_database(postgres_url, name, template=postgres_template)
    engine = make_engine(url)
    cluster = Cluster(url, engine, tmp_path / "delivered.log", [])
    try:
        yield cluster
    finally:
        for worker in cluster.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        engine.dispose()
        drop_postgres_database(postgres_url, name)


def member(n: int) -> Member:
    return Member(Platform.SLACK, "T1", f"U{n:03d}")


def test_two_worker_processes_deliver_each_of_500_messages_exactly_once_in_order(
    cluster: Cluster,
) -> None:
    options = ("--delay", "0.002", "--concurrency", "16", "--batch", "50")
    workers = [cluster.start_worker(*options) for _ in range(2)]
    messages = [(member(n % 100), f"message-{i:03d}") for i, n in enumerate(range(500))]
    cluster.queue(messages)

    cluster.wait_until(lambda: len(cluster.sent()) >= 500)
    assert [cluster.stop(worker) for worker in workers] == [0, 0]

    sent = cluster.sent()
    assert Counter(line.text for line in sent) == Counter(text for _, text in messages)
    for n in range(100):  # each recipient's messages arrived in the order they were queued
        arrived = [line.text for line in sent if line.recipient == member(n).user_id]
        assert arrived == sorted(arrived)
    assert {line.pid for line in sent} == {worker.pid for worker in workers}  # both took part
    assert {row.status for row in cluster.rows().values()} == {"sent"}


def test_a_worker_killed_between_claim_and_send_leaves_the_message_to_the_next_one_once(
    cluster: Cluster,
) -> None:
    cluster.queue([(member(1), "first"), (member(1), "second"), (member(2), "other")])
    doomed = cluster.start_worker("--lease", "3", "--block-on", "first", "--concurrency", "1")
    cluster.wait_until(lambda: any(line.text == "first" for line in cluster.lines()))
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    claimed_until = cluster.rows()["first"].claimed_until
    assert claimed_until is not None

    cluster.start_worker("--lease", "3")
    cluster.wait_until(lambda: len(cluster.sent()) >= 3)
    # A send is recorded by the messenger just before its row is marked sent.
    cluster.wait_until(lambda: {row.status for row in cluster.rows().values()} == {"sent"})

    rows = cluster.rows()
    assert [line.text for line in cluster.sent() if line.recipient == "U001"] == [
        "first",
        "second",
    ]
    assert Counter(line.text for line in cluster.sent()) == Counter(["first", "second", "other"])
    # Not before the dead worker's claim ran out.
    assert rows["first"].sent_at is not None and rows["first"].sent_at >= claimed_until
    assert {row.status for row in rows.values()} == {"sent"}


def test_sigterm_lets_the_send_under_way_finish_and_releases_the_rest_at_once(
    cluster: Cluster,
) -> None:
    cluster.queue([(member(n), f"to-{n}") for n in range(3)])
    worker = cluster.start_worker("--delay", "0.5", "--concurrency", "1")
    cluster.wait_until(lambda: any(line.event == "start" for line in cluster.lines()))

    assert cluster.stop(worker) == 0

    [sent] = cluster.sent()
    rows = cluster.rows()
    assert rows[sent.text].status == "sent"
    released = [row for key, row in rows.items() if key != sent.text]
    assert [(row.status, row.claimed_until, row.attempts) for row in released] == [
        ("pending", None, 0),
        ("pending", None, 0),
    ]

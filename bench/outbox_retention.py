"""Outbox retention keeps the claim flat: the claim of 100 due messages beside N sent ones whose
retention is over, before and after the purge empties their payloads (quick 10^6, full 10^7),
and the purge's own time.

The sent rows are made by the database itself (generate_series on PostgreSQL, a recursive CTE
on SQLite). The real `OutboxRetention` job, run by the real `Ticker` with a large per-tick budget
(the bot's budget drains a backlog over many ticks; the rows end up the same) in batches of
10^4, each committed on its own so no lock is held long; and the real claim.
PostgreSQL: BUDDY_BENCH_POSTGRES_URL, or a throwaway cluster where initdb exists.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench._postgres import postgres_server
from bot.commands.jobs import OutboxRetention
from bot.core.effects import DirectMessage
from bot.core.identity import Member, Platform
from bot.core.message import text_message
from bot.core.policy import Policy
from bot.scheduler import Ticker
from bot.store.database import make_engine, make_session_factory, upgrade_to_head
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.uow import SqlUnitOfWorkFactory
from tests.fakes import ManualClock

CLAIM_TARGET_MS = 20.0  # as bench/delivery_throughput.py: O(claimed), not O(table)
DUE = 100
SAMPLES = 21
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SETTLED = datetime(2026, 1, 1)  # stored naive UTC; long past any retention period
PAYLOAD = (
    '{"type": "dm", "platform": "slack", "workspace_id": "T1", "user_id": "U1",'
    ' "message": {"blocks": [{"p": ["A reminder of about this length, sent long ago."]}]}}'
)


def populate(engine: Engine, *, sent: int) -> None:
    """`sent` delivered messages settled long ago (payload kept), then DUE pending ones."""
    numbers = (
        f"SELECT generate_series(1, {sent}) AS n"
        if engine.dialect.name == "postgresql"
        else f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {sent}) "
        "SELECT n FROM s"
    )
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox (idempotency_key, platform, workspace_id, kind, recipient,"
                " payload, created_at, not_before, next_attempt_at, attempts, status, sent_at,"
                " settled_at)"
                " SELECT 'old-' || n, 'slack', 'T1', 'dm', 'U' || (n % 5000), :payload,"
                " :at, :at, :at, 1, 'sent', :at, :at FROM (" + numbers + ") AS numbers"
            ),
            {"at": SETTLED, "payload": PAYLOAD},
        )
        connection.execute(text("ANALYZE"))
    with SqlUnitOfWorkFactory(make_session_factory(engine))() as uow:
        for i in range(DUE):
            to = Member(Platform.SLACK, "T1", f"U{i:04d}")
            uow.outbox.add(
                DirectMessage(to, text_message("hi")), key=f"due-{i}", now=NOW, not_before=NOW
            )
        uow.commit()


def claim_ms(engine: Engine, *, start: datetime) -> float:
    """Median milliseconds to claim the DUE messages (each claim after the last one lapsed)."""
    queue = SqlOutboxQueue(make_session_factory(engine))
    timings = []
    for attempt in range(SAMPLES):
        at = start + timedelta(minutes=3 * attempt)
        started = time.perf_counter()
        claimed = queue.claim_due(platform="slack", now=at, limit=DUE, lease=timedelta(minutes=2))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(claimed) == DUE, len(claimed)
    return statistics.median(timings)


def purge(engine: Engine, *, sent: int) -> float:
    """Ticks of the retention job alone until every old payload is gone; seconds taken."""
    clock = ManualClock(NOW + timedelta(hours=2))
    batch = 10_000
    ticker = Ticker(  # the job alone, as if nothing else were due
        uow_factory=SqlUnitOfWorkFactory(make_session_factory(engine)),
        clock=clock,
        jobs=[OutboxRetention(Policy(), per_tick=100 * batch)],
        batch=batch,
    )
    started = time.perf_counter()
    purged = 0
    while True:
        count = asyncio.run(ticker.tick())["outbox_retention"]
        assert count >= 0, "the retention job failed"
        purged += count
        if count == 0:
            break
        clock.advance(timedelta(seconds=5))
    assert purged == sent, (purged, sent)
    if engine.dialect.name == "postgresql":
        # What autovacuum would do soon after: the old row versions go.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE outbox"))
    return time.perf_counter() - started


def costs(url: str, *, sent: int) -> tuple[float, float, float]:
    """Claim milliseconds before and after the purge, and the purge's seconds."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        started = time.perf_counter()
        populate(engine, sent=sent)
        print(
            f"  populated {sent:,} sent in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        before = claim_ms(engine, start=NOW)
        seconds = purge(engine, sent=sent)
        # Later than every lease the first claims took.
        return before, claim_ms(engine, start=NOW + timedelta(days=1)), seconds
    finally:
        engine.dispose()


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (10**6,) if quick else (10**7,)
    rows: list[dict[str, Any]] = []
    logging.getLogger("bot.scheduler").setLevel(logging.ERROR)  # a full drain warns, as it should
    with (
        tempfile.TemporaryDirectory(prefix="buddy-retention-") as folder,
        postgres_server() as server,
    ):
        from tests.pg import create_postgres_database, drop_postgres_database

        for sent in sizes:
            power = len(str(sent)) - 1
            urls = {"SQLite": f"sqlite:///{Path(folder) / f'retention-{sent}.sqlite3'}"}
            name = f"buddy_bench_retention_{os.getpid()}_{sent}"
            if server is not None:
                urls["PostgreSQL"] = create_postgres_database(server, name)
            try:
                for database, url in urls.items():
                    before, after, seconds = costs(url, sent=sent)
                    label = f"outbox claim of {DUE} due beside 10^{power} sent ({database})"
                    rows.append(_row(f"{label}, before retention purge", before, "ms"))
                    rows.append(_row(f"{label}, after retention purge", after, "ms"))
                    rows.append(
                        _row(f"retention purge of 10^{power} ({database})", seconds, "s", None)
                    )
            finally:
                if server is not None:
                    drop_postgres_database(server, name)
    return rows


def _row(
    name: str, value: float, unit: str, target: float | None = CLAIM_TARGET_MS
) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 2 if value < 1 else 1),
        "unit": unit,
        "target": target,
        "better": "lower",
    }


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv)))

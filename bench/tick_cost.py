"""Tick cost: one tick of every due job with 10^4, 10^5 and 10^6 open promises of which 100
are due (quick: 10^4 and 10^5), on SQLite and PostgreSQL, and an idle tick. It must stay flat
as the table grows (indexed, O(due)): targets 50 ms, and 5 ms idle.

The real `Ticker` with the default jobs over the real store; rows are bulk-inserted with core
inserts. PostgreSQL: BUDDY_BENCH_POSTGRES_URL, or a throwaway cluster where initdb exists.
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, text, update

from bench._postgres import postgres_server
from bot.commands.jobs import default_jobs
from bot.core.policy import Policy
from bot.scheduler import Ticker
from bot.store.database import (
    make_engine,
    make_session_factory,
    upgrade_to_head,
)
from bot.store.models import OutboxRow, PromiseRow
from bot.store.uow import SqlUnitOfWorkFactory
from tests.fakes import ManualClock

TARGET_MS = 50.0  # per tick at 10^6 open promises
IDLE_TARGET_MS = 5.0  # a tick with nothing due: one query
DUE = 100
PROMISES_PER_MEMBER = 10
SAMPLES = 11
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _generated(dialect: str) -> tuple[str, Callable[[str], str], str]:
    """Rows made by the database itself (fast at 10^6): a series of `i`, a time `minutes`
    after :now in the stored format (naive UTC), and TRUE."""
    if dialect == "postgresql":
        return (
            "generate_series(0, :n - 1) AS s(i)",
            lambda minutes: f"CAST(:now AS timestamp) + ({minutes}) * interval '1 minute'",
            "true",
        )
    return (
        "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < :n - 1) "
        "SELECT i FROM s) AS s",
        lambda minutes: (
            f"strftime('%Y-%m-%d %H:%M:%S', :now, ({minutes}) || ' minutes') || '.000000'"
        ),
        "1",
    )


def populate(engine: Engine, *, promises: int) -> list[int]:
    """`promises` open promises over promises/10 members, each with a profile and a contact;
    the first DUE promises are due, the rest come due a minute apart over the next years."""
    members = promises // PROMISES_PER_MEMBER
    series, at, true = _generated(engine.dialect.name)
    now = NOW.replace(tzinfo=None)
    params = {"now": now if engine.dialect.name == "postgresql" else str(now), "m": members}
    far = 400 * 24 * 60  # minutes: nobody's digest comes during the benchmark
    owner = "'slack', 'T1', 'U' || i"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO profiles (platform, workspace_id, owner_id, display_name, timezone,"
                " timezone_chosen, digest_weekday, digest_time, open_to_intros, offer,"
                " looking_for, created_at, updated_at, digest_due_at)"
                f" SELECT {owner}, 'member ' || i, 'Europe/Paris', {true}, 0, '12:00', {true},"
                f" '', '', {at('0')}, {at('0')}, {at(f'{far} + i')} FROM {series}"
            ),
            {**params, "n": members},
        )
        connection.execute(
            text(
                "INSERT INTO contacts (id, platform, workspace_id, owner_id, name, name_key,"
                " created_at, last_touch_at)"
                f" SELECT i + 1, {owner}, 'Sam', 'sam', {at('0')}, {at('0')} FROM {series}"
            ),
            {**params, "n": members},
        )
        # Due ones first (a minute ago), then one reminder a minute; heads-ups a day before.
        remind = f"CASE WHEN i < {DUE} THEN {at('-1')} ELSE {at('i')} END"
        heads_up = f"CASE WHEN i < {2 * 24 * 60} THEN NULL ELSE {at('i - 1440')} END"
        connection.execute(
            text(
                "INSERT INTO promises (id, platform, workspace_id, owner_id, contact_id, what,"
                " number, status, created_at, due_at, remind_at, heads_up_at, snoozes)"
                " SELECT i + 1, 'slack', 'T1', 'U' || (i % :m), (i % :m) + 1, 'promise ' || i,"
                f" (i / :m) + 1, 'open', {at('-4320')}, {remind}, {remind}, {heads_up}, 0"
                f" FROM {series}"
            ),
            {**params, "n": promises},
        )
        if engine.dialect.name == "postgresql":
            for table in ("contacts", "promises"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
        connection.execute(text("ANALYZE"))
    return list(range(1, DUE + 1))


def reset(engine: Engine, due_ids: list[int]) -> None:
    """Make the same DUE promises due again, and forget what the last tick queued."""
    with engine.begin() as connection:
        connection.execute(
            update(PromiseRow)
            .where(PromiseRow.id.in_(due_ids))
            .values(remind_at=NOW - timedelta(minutes=1))
        )
        connection.execute(delete(OutboxRow))


def round_trip_ms(engine: Engine) -> float:
    """One `SELECT 1`: this machine's floor for any statement, to read the other figures by."""
    timings = []
    with engine.connect() as connection:
        for _ in range(200):
            started = time.perf_counter()
            connection.execute(text("SELECT 1")).all()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def tick_costs(url: str, *, promises: int) -> tuple[float, float, float]:
    """Median milliseconds of a tick with DUE due, of an idle tick, and of a round trip."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        started = time.perf_counter()
        due_ids = populate(engine, promises=promises)
        print(
            f"  populated {promises:,} promises in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        ticker = Ticker(
            uow_factory=SqlUnitOfWorkFactory(make_session_factory(engine)),
            clock=ManualClock(NOW),
            jobs=default_jobs(Policy()),
        )
        busy, idle = asyncio.run(_measure(ticker, engine, due_ids))
        return statistics.median(busy), statistics.median(idle), round_trip_ms(engine)
    finally:
        engine.dispose()


async def _measure(
    ticker: Ticker, engine: Engine, due_ids: list[int]
) -> tuple[list[float], list[float]]:
    """On one event loop, as in the bot: ticks with DUE due, and idle ticks."""
    await ticker.tick()  # warm up: connections, statement caches, worker threads
    busy, idle = [], []
    for _ in range(SAMPLES):
        reset(engine, due_ids)
        started = time.perf_counter()
        counts = await ticker.tick()
        busy.append((time.perf_counter() - started) * 1000)
        assert counts["reminders"] == DUE, counts
        started = time.perf_counter()
        await ticker.tick()
        idle.append((time.perf_counter() - started) * 1000)
    return busy, idle


def run(quick: bool) -> list[dict[str, Any]]:
    # Flat from 10^4 up is the point; quick stops at 10^5 (filling 10^6 rows takes minutes
    # on a busy machine), the full run reaches the 10^6 of the target.
    sizes = (10**4, 10**5) if quick else (10**4, 10**5, 10**6)
    rows: list[dict[str, Any]] = []
    logging.getLogger("bot.scheduler").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="buddy-tick-") as folder, postgres_server() as server:
        from tests.pg import create_postgres_database, drop_postgres_database

        for size in sizes:
            power = len(str(size)) - 1
            urls = {"SQLite": f"sqlite:///{Path(folder) / f'tick-{size}.sqlite3'}"}
            name = f"buddy_bench_tick_{os.getpid()}_{size}"
            if server is not None:
                urls["PostgreSQL"] = create_postgres_database(server, name)
            try:
                for database, url in urls.items():
                    busy, idle, trip = tick_costs(url, promises=size)
                    label = f"tick, {DUE} due of 10^{power} open promises ({database})"
                    rows.append(_row(label, busy, TARGET_MS))
                    label = f"idle tick, 10^{power} open promises ({database})"
                    rows.append(_row(label, idle, IDLE_TARGET_MS))
                    if size == sizes[-1]:
                        rows.append(_row(f"SELECT 1 round trip, for scale ({database})", trip))
            finally:
                if server is not None:
                    drop_postgres_database(server, name)
    return rows


def _row(name: str, value: float, target: float | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 2 if value < 1 else 1),
        "unit": "ms",
        "target": target,
        "better": "lower",
    }


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv)))

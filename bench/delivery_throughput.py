"""Delivery throughput through a platform that allows R messages a second and answers
"rate limited" (with Retry-After) above it: the share of R achieved, and nothing lost or doubled.
Then the cost of one claim with 10^5–10^6 already-sent rows in the outbox (SQLite, PostgreSQL).

The real Delivery and outbox on a SQLite file; the platform is an in-process fake with a token
bucket. Paced (the platform's rate set as the pace) is what we ship; unpaced, for contrast,
leans on the rate-limit answers alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench._postgres import postgres_server
from bot.core.clock import SystemClock
from bot.core.effects import DirectMessage
from bot.core.errors import RateLimited
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message, text_message
from bot.delivery import Delivery, Pace, RetryPolicy, run_delivery
from bot.store.database import (
    make_engine,
    make_session_factory,
    upgrade_to_head,
)
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.uow import SqlUnitOfWorkFactory

TARGET_SHARE = 95.0  # % of the allowed rate
CLAIM_TARGET_MS = 20.0  # flat however many sent rows pile up: O(claimed), not O(table)
RECIPIENTS = 200  # several messages each, so per-recipient ordering is part of the work
LATENCY = 0.02  # seconds a platform call takes


class TokenBucketPlatform:
    """Allows `rate` messages a second (bursts up to `burst`); above that, RateLimited with the
    time until the next token, as a platform's Retry-After would say."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = time.monotonic()
        self.accepted: Counter[str] = Counter()
        self.order: dict[str, list[str]] = {}
        self.refused = 0
        self.first: float | None = None
        self.last = 0.0

    async def send_dm(self, member: Member, message: Message) -> None:
        await asyncio.sleep(LATENCY / 2)  # the request travels
        now = time.monotonic()
        self.first = self.first or now
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1:
            self.refused += 1
            raise RateLimited(retry_after=(1 - self._tokens) / self.rate)
        self._tokens -= 1
        text = message.plain_text()
        self.accepted[text] += 1
        self.order.setdefault(member.user_id, []).append(text)
        self.last = now
        await asyncio.sleep(LATENCY / 2)  # the answer travels back

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


async def measure(*, rate: float, count: int, paced: bool, folder: Path) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder / ('paced' if paced else 'unpaced')}.sqlite3")
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    texts = [f"m{i:06d}" for i in range(count)]
    with SqlUnitOfWorkFactory(sessions)() as uow:
        for i, text in enumerate(texts):
            to = Member(Platform.SLACK, "T1", f"U{i % RECIPIENTS:04d}")
            uow.outbox.add(DirectMessage(to, text_message(text)), key=text, now=now, not_before=now)
        uow.commit()

    platform = TokenBucketPlatform(rate=rate, burst=max(1, round(rate / 20)))
    pace = Pace(rate=rate, burst=platform.burst, concurrency=8) if paced else Pace(concurrency=8)
    delivery = Delivery(
        queue=SqlOutboxQueue(sessions),
        messengers={Platform.SLACK: platform},
        clock=SystemClock(),
        retry=RetryPolicy(batch=200),
        pacing={Platform.SLACK: pace},
    )
    stop = asyncio.Event()

    async def stop_when_done() -> None:
        while len(platform.accepted) < count:
            await asyncio.sleep(0.05)
        stop.set()

    started = time.monotonic()
    await asyncio.wait_for(
        asyncio.gather(run_delivery(delivery, interval=1.0, stop=stop), stop_when_done()),
        timeout=count / rate * 3 + 30,
    )
    engine.dispose()
    elapsed = platform.last - started
    return {
        "share": 100.0 * count / elapsed / rate,
        "lost": count - len(platform.accepted),
        "duplicated": sum(n - 1 for n in platform.accepted.values()),
        "refused": platform.refused,
        "out_of_order": sum(sent != sorted(sent) for sent in platform.order.values()),
    }


def claim_cost(url: str, *, sent: int, due: int = 1000, claim: int = 100) -> float:
    """Median milliseconds to claim `claim` of `due` messages beside `sent` delivered ones."""
    engine = make_engine(url)
    upgrade_to_head(engine)
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
                " payload, created_at, not_before, next_attempt_at, attempts, status, sent_at)"
                " SELECT 'old-' || n, 'slack', 'T1', 'dm', 'U' || (n % 5000), '{}',"
                " :at, :at, :at, 0, 'sent', :at FROM (" + numbers + ") AS numbers"
            ),
            {"at": datetime(2026, 1, 1)},
        )
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE outbox"))
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with SqlUnitOfWorkFactory(sessions)() as uow:
        for i in range(due):
            to = Member(Platform.SLACK, "T1", f"U{i % 5000:04d}")
            uow.outbox.add(
                DirectMessage(to, text_message("hi")), key=f"due-{i}", now=now, not_before=now
            )
        uow.commit()
    queue = SqlOutboxQueue(sessions)
    timings = []
    for attempt in range(21):
        at = now + timedelta(minutes=3 * attempt)  # the previous claims have lapsed
        started = time.perf_counter()
        claimed = queue.claim_due(platform="slack", now=at, limit=claim, lease=timedelta(minutes=2))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(claimed) == claim
    engine.dispose()
    return statistics.median(timings)


def claim_rows(quick: bool, folder: Path) -> list[dict[str, Any]]:
    sizes = (10**5,) if quick else (10**5, 10**6)
    rows = []
    with postgres_server() as server:
        from tests.pg import create_postgres_database, drop_postgres_database

        for sent in sizes:
            urls = {"SQLite": f"sqlite:///{folder / f'claim-{sent}.sqlite3'}"}
            if server is not None:
                name = f"buddy_bench_claim_{os.getpid()}_{sent}"
                urls["PostgreSQL"] = create_postgres_database(server, name)
            for database, url in urls.items():
                cost = claim_cost(url, sent=sent)
                label = f"outbox claim of 100 due beside 10^{len(str(sent)) - 1} sent ({database})"
                rows.append(_row(label, cost, "ms", CLAIM_TARGET_MS, "lower"))
            if server is not None:
                drop_postgres_database(server, name)
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    rate, seconds = (50.0, 8) if quick else (100.0, 30)
    count = int(rate * seconds)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="buddy-bench-") as folder:
        for paced in (True, False):
            found = asyncio.run(measure(rate=rate, count=count, paced=paced, folder=Path(folder)))
            label = f"delivery {'paced' if paced else 'unpaced'}, R={rate:g}/s, {count} msgs"
            rows += [
                _row(
                    f"{label}: achieved",
                    found["share"],
                    "% of R",
                    TARGET_SHARE if paced else None,
                    "higher",
                ),
                _row(f"{label}: lost", found["lost"], "messages", 0, "lower"),
                _row(f"{label}: duplicated", found["duplicated"], "messages", 0, "lower"),
                _row(f"{label}: out of order", found["out_of_order"], "recipients", 0, "lower"),
                _row(f"{label}: rate-limit answers", found["refused"], "requests", None, "lower"),
            ]
        rows += claim_rows(quick, Path(folder))
    return rows


def _row(name: str, value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "target": target, "better": better}


if __name__ == "__main__":
    from bench.__main__ import format_table

    parser = argparse.ArgumentParser(
        prog="python -m bench.delivery_throughput", description=__doc__
    )
    parser.add_argument("--quick", action="store_true")
    print(format_table(run(quick=parser.parse_args().quick)))
    sys.exit(0)

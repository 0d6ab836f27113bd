"""Outbox retention: sent and dead messages lose their text once the retention period is over."""

from __future__ import annotations

from datetime import datetime

from bot.core.policy import Policy
from bot.core.ports import DueCheck, DueKind, UnitOfWork

PER_TICK = 500  # rows purged per tick at most: a backlog drains over ticks, never blocks one


class OutboxRetention:
    """Purges payloads settled longer ago than `Policy.outbox_retention`, a bounded number per
    tick; the rows keep their idempotency keys, so a repeated enqueue is still deduplicated."""

    name = "outbox_retention"

    def __init__(self, policy: Policy, *, per_tick: int = PER_TICK) -> None:
        self._retention = policy.outbox_retention
        self._per_tick = per_tick
        self._tick: datetime | None = None
        self._done = 0

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.SETTLED_OUTBOX, now - self._retention)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        # The ticker calls again while batches come back full, with the same `now` in one tick.
        if now != self._tick:
            self._tick, self._done = now, 0
        budget = min(limit, self._per_tick - self._done)
        if budget <= 0:
            return 0
        purged = uow.outbox.purge_settled(before=now - self._retention, limit=budget)
        self._done += purged
        return purged

"""The ticker: every few seconds, each due job turns what is due into outbox rows.

APScheduler (3.x) only keeps time here: one interval job, never more than one run at once, and
missed runs coalesced. What is due lives in our own tables, so any number of processes may tick
(rows are claimed with SKIP LOCKED on PostgreSQL) and a restart picks up whatever came due.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import Clock
from bot.core.ports import DueJob, Metrics, NoMetrics, UnitOfWork, UnitOfWorkFactory, WatchedJob

log = logging.getLogger(__name__)

MAX_BATCHES = 100  # per job and tick: a huge backlog drains over a few ticks, never blocks one


class Ticker:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        jobs: Sequence[DueJob],
        batch: int = 200,
        after_tick: Callable[[], Awaitable[object]] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._metrics = metrics or NoMetrics()
        self._clock = clock
        self._jobs = tuple(jobs)
        self._watched = [job for job in self._jobs if isinstance(job, WatchedJob)]
        self._batch = batch
        self._after_tick = after_tick
        self._scheduler: AsyncIOScheduler | None = None
        self._ticking = asyncio.Lock()  # one tick at a time in this process, however started

    async def tick(self) -> dict[str, int]:
        """Run every job until nothing is due; how many items each handled (failed jobs: -1)."""
        async with self._ticking:
            return await self._tick()

    async def _tick(self) -> dict[str, int]:
        started = time.perf_counter()
        now = self._clock.now()
        try:
            # One worker thread, one session and one transaction for the whole tick.
            counts = await asyncio.to_thread(self._run, now)
        except Exception:  # the database went away mid-tick: the next tick finds it all due
            log.exception("tick failed")
            counts = dict.fromkeys((job.name for job in self._jobs), -1)
        elapsed_ms = (time.perf_counter() - started) * 1000
        summary = " ".join(f"{name}={count}" for name, count in counts.items())
        log.info("tick %s in %.1f ms", summary, elapsed_ms, extra={"tick_ms": elapsed_ms})
        self._metrics.tick(seconds=elapsed_ms / 1000)
        if self._after_tick is not None:
            try:
                await self._after_tick()
            except Exception:
                log.exception("after-tick hook failed")
        return counts

    def _run(self, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self._uow_factory() as uow:
            # One cheap query first: an idle tick asks it and nothing more.
            checks = {job.name: job.due_check(now) for job in self._watched}
            due = uow.due_kinds(list(checks.values()))
            for job in self._jobs:
                check = checks.get(job.name)
                if check is not None and check.kind not in due:
                    counts[job.name] = 0
                    continue
                try:
                    counts[job.name] = self._drain(uow, job, now)
                except Exception:  # one broken job must not starve the others
                    log.exception("due job %s failed", job.name)
                    counts[job.name] = -1
            uow.commit()
        return counts

    def _drain(self, uow: UnitOfWork, job: DueJob, now: datetime) -> int:
        """Batch after batch while batches come back full, each in a savepoint (a failure
        undoes that batch only); a full batch is committed at once, so a backlog never grows
        one long transaction."""
        total = 0
        for _ in range(MAX_BATCHES):
            with uow.savepoint():
                handled = job.run(uow, now=now, limit=self._batch)
            total += handled
            if handled < self._batch:
                return total
            uow.commit()
        log.warning("due job %s has more than %d items due; continuing next tick", job.name, total)
        return total

    def start(self, interval_seconds: float) -> None:
        """Tick now and every `interval_seconds`; call while the event loop runs."""
        if self._scheduler is not None:
            raise RuntimeError("the ticker is already running")
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._scheduled_tick,
            "interval",
            seconds=interval_seconds,
            id="tick",
            max_instances=1,  # a slow tick delays the next one; never two at once
            coalesce=True,  # ticks missed while busy or suspended run once, not in a burst
            misfire_grace_time=None,  # late is fine: the tick finds whatever is due by then
            next_run_time=datetime.now(UTC),  # at once, so a restart catches up immediately
        )
        scheduler.start()
        self._scheduler = scheduler

    async def _scheduled_tick(self) -> None:
        if not self._ticking.locked():  # else a tick under way will find whatever is due
            await self.tick()

    async def stop(self) -> None:
        """Stop ticking once the tick under way, if any, has finished: cancelled mid-job it
        would leave a batch half done and APScheduler would log its CancelledError."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        scheduler.pause()
        await asyncio.sleep(0)  # a tick submitted just before the pause starts (and is awaited)
        async with self._ticking:
            scheduler.shutdown(wait=False)

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def run(self, interval_seconds: float) -> None:
        """Tick until cancelled: the shape of the adapters' `background` hooks."""
        self.start(interval_seconds)
        try:
            await asyncio.Event().wait()
        finally:
            self.shutdown()

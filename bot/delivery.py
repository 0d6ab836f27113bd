"""The outbox's sender: due messages go out through each platform's messenger, retried safely."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.core.clock import Clock
from bot.core.effects import ChannelPost, DirectMessage, Effect, GroupIntro, effect_workspace
from bot.core.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
)
from bot.core.identity import Platform
from bot.core.ports import Messenger, OutboxItem, OutboxQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8  # then the message is dead-lettered and shown by `buddy outbox`
    base_delay: float = 2.0  # seconds before the first retry; doubles each time
    max_delay: float = 900.0
    lease: timedelta = timedelta(minutes=2)  # a claim held by a dead worker frees itself
    batch: int = 100
    rounds: int = 50  # claims per call: each round sends the next message of each recipient


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent, self.retried + other.retried, self.dead + other.dead
        )


async def send_effect(messenger: Messenger, effect: Effect) -> None:
    match effect:
        case DirectMessage(to, message):
            await messenger.send_dm(to, message)
        case ChannelPost(channel, message):
            await messenger.post(channel, message)
        case GroupIntro(members, message, near):
            group = await messenger.open_group(members, near=near)
            if group is not None:
                await messenger.post(group, message)
            else:
                for member in members:
                    await messenger.send_dm(member, message)


class Delivery:
    """Claims due outbox rows for the platforms this process serves and settles each one."""

    def __init__(
        self,
        *,
        queue: OutboxQueue,
        messengers: Mapping[Platform, Messenger],
        clock: Clock,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._queue = queue
        self._messengers = dict(messengers)
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._lock = asyncio.Lock()

    async def deliver_due(self) -> DeliveryReport:
        """Send everything due now; safe to call from several tasks (they take turns)."""
        report = DeliveryReport()
        if not self._messengers:
            return report
        async with self._lock:
            for _ in range(self._retry.rounds):
                items = await asyncio.to_thread(
                    self._queue.claim_due,
                    platforms=[platform.value for platform in self._messengers],
                    now=self._clock.now(),
                    limit=self._retry.batch,
                    lease=self._retry.lease,
                )
                if not items:
                    break
                # Each claimed item has a different recipient, so they may go out together.
                results = await asyncio.gather(*(self._deliver(item) for item in items))
                for result in results:
                    report += result
        return report

    async def _deliver(self, item: OutboxItem) -> DeliveryReport:
        effect = item.effect
        platform = effect_workspace(effect).platform
        started = time.perf_counter()
        try:
            await send_effect(self._messengers[platform], effect)
        except RateLimited as limited:
            at = self._clock.now() + timedelta(seconds=max(limited.retry_after, 0.5))
            await asyncio.to_thread(
                self._queue.retry_at, item.id, at=at, error=str(limited), failed=False
            )
            self._log(item, platform, "rate_limited", started)
            return DeliveryReport(retried=1)
        except PermanentDeliveryError as gone:
            await asyncio.to_thread(
                self._queue.mark_dead, item.id, now=self._clock.now(), error=f"permanent: {gone}"
            )
            self._log(item, platform, "permanent_failure", started)
            return DeliveryReport(dead=1)
        except Exception as error:  # a 5xx, a timeout, or a bug: retried, then dead-lettered
            detail = f"{type(error).__name__}: {error}"
            if not isinstance(error, DeliveryError):
                log.exception("delivery crashed", extra={"outbox_id": item.id})
            if item.attempts + 1 >= self._retry.max_attempts:
                await asyncio.to_thread(
                    self._queue.mark_dead, item.id, now=self._clock.now(), error=detail
                )
                self._log(item, platform, "dead_letter", started)
                return DeliveryReport(dead=1)
            at = self._clock.now() + timedelta(seconds=self._backoff(item.attempts))
            await asyncio.to_thread(self._queue.retry_at, item.id, at=at, error=detail, failed=True)
            self._log(item, platform, "retry", started)
            return DeliveryReport(retried=1)
        await asyncio.to_thread(self._queue.mark_sent, item.id, now=self._clock.now())
        self._log(item, platform, "sent", started)
        return DeliveryReport(sent=1)

    def _backoff(self, attempts: int) -> float:
        """Exponential with jitter, so a recovering platform isn't hit by everyone at once."""
        ceiling = min(self._retry.max_delay, self._retry.base_delay * 2**attempts)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    @staticmethod
    def _log(item: OutboxItem, platform: Platform, outcome: str, started: float) -> None:
        log.info(
            "delivery %s",
            outcome,
            extra={
                "platform": platform.value,
                "kind": type(item.effect).__name__,
                "outbox_id": item.id,
                "attempt": item.attempts + 1,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )

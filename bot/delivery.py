"""The outbox's sender: due messages go out through each platform's messenger, retried safely."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import random
import time
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.clock import Clock
from bot.core.effects import ChannelPost, DirectMessage, Effect, GroupIntro, effect_workspace
from bot.core.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)
from bot.core.identity import Channel, Platform, Workspace
from bot.core.ports import Messenger, Metrics, NoMetrics, OutboxItem, OutboxQueue
from bot.invites import with_invite_file

log = logging.getLogger(__name__)

KEY_LIMIT = 200  # the outbox's idempotency_key column
SHORTEST_HOLD = 0.05  # seconds; a rate limit of "0" must still not be hammered in a tight loop


class DeliveryOutcome(StrEnum):
    """How one delivery attempt ended, as logged."""

    SENT = "sent"
    FANNED_OUT = "fanned_out"  # a group with no group conversation: one DM per member queued
    HELD = "held"  # a workspace's rate-limit hold too long to wait here: put off
    RELEASED = "released"  # shutting down: claimed, not sent, free for any worker
    RATE_LIMITED = "rate_limited"
    PERMANENT_FAILURE = "permanent_failure"
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class RetryPolicy:
    """When to try a message again, when to give up, and how long a claim protects a send."""

    # Failed tries before a message is dead-lettered (`buddy outbox` lists it): with the delays
    # below, about one to two hours of a platform answering 5xx.
    max_attempts: int = 12
    base_delay: float = 5.0  # seconds before the first retry; doubles each time, with jitter
    max_delay: float = 1800.0
    lease: timedelta = timedelta(minutes=2)  # a claim held by a dead worker frees itself
    # A send still unanswered after this counts as failed. Shorter than the lease, so no other
    # worker can take a message over while it is still being sent.
    send_timeout: float = 30.0
    batch: int = 100  # messages claimed at once per platform (fewer when paced)

    def __post_init__(self) -> None:
        if not 0 < self.send_timeout < self.lease.total_seconds():
            raise ValueError("send_timeout must be positive and shorter than the lease")


@dataclass(frozen=True)
class Pace:
    """How hard this process pushes one platform; the platform's rate limits have the last word.

    With several worker processes, each paces itself: divide the platform's rate between them.
    """

    rate: float | None = None  # messages a second; None sends as fast as `concurrency` allows
    burst: int = 1  # sends allowed back to back after a quiet spell
    concurrency: int = 4  # sends in flight at once
    # A rate-limit hold up to this many seconds is waited out; a longer one puts the waiting
    # messages off in the outbox, so their claims are not held meanwhile.
    longest_wait: float = 5.0
    round_seconds: float = 2.0  # when paced, claim about this many seconds' worth at a time

    def __post_init__(self) -> None:
        if self.rate is not None and self.rate <= 0:
            raise ValueError("a pace's rate must be positive (or None: unpaced)")
        if self.burst < 1 or self.concurrency < 1:
            raise ValueError("a pace needs a burst and a concurrency of at least 1")

    def claim_size(self, batch: int) -> int:
        if self.rate is None:
            return batch
        return max(1, min(batch, math.ceil(self.rate * self.round_seconds)))


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # put off till later: a failure backing off, or a rate limit
    dead: int = 0
    released: int = 0  # claimed but not sent (shutting down): any worker may take them at once

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.dead + other.dead,
            self.released + other.released,
        )


class _Gate:
    """One platform's turnstile: `concurrency` sends at once, spaced to `rate` (GCRA)."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self.slots = asyncio.Semaphore(pace.concurrency)
        self._next = 0.0  # the monotonic time the next send is due at the pace

    async def take_turn(self) -> None:
        if self.pace.rate is None:
            return
        interval = 1 / self.pace.rate
        now = time.monotonic()
        # Scheduled, not slept-from-now: oversleeping one send does not slow the ones after it.
        at = max(self._next, now - (self.pace.burst - 1) * interval)
        self._next = at + interval
        if at > now:
            await asyncio.sleep(at - now)


class _TooLate(Exception):
    """Waiting for a turn used up the claim's lease: release the message instead of sending."""


class Delivery:
    """Claims due outbox rows for the platforms this process serves and settles each one.

    Each platform drains on its own: a slow or rate-limited one never holds up another.
    """

    def __init__(
        self,
        *,
        queue: OutboxQueue,
        messengers: Mapping[Platform, Messenger],
        clock: Clock,
        retry: RetryPolicy | None = None,
        pacing: Mapping[Platform, Pace] | None = None,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._queue = queue
        self._metrics = metrics or NoMetrics()
        self._messengers = dict(messengers)
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._gates = {
            platform: _Gate((pacing or {}).get(platform, Pace())) for platform in messengers
        }
        # Workspaces that said "too many requests": nothing goes there before this time.
        self._holds: dict[Workspace, datetime] = {}
        self._rng = rng or random.Random()
        self._lock = asyncio.Lock()
        # Sent, but the database was unreachable when we went to record it: recorded first
        # thing next round, so the outage costs a round, not the whole lease (and no resend).
        self._unrecorded: dict[int, tuple[OutboxItem, datetime]] = {}

    async def deliver_due(self, *, stop: asyncio.Event | None = None) -> DeliveryReport:
        """Send everything due now, and what falls due meanwhile, until nothing is left.

        Once `stop` is set, sends already under way finish and are settled; claimed messages
        not yet sent are released for any worker to take at once. Safe to call from several
        tasks: they take turns.
        """
        async with self._lock:
            await self._record_earlier_sends()
            results = await asyncio.gather(
                *(self._drain(platform, stop) for platform in self._messengers),
                return_exceptions=True,
            )
        return _total(results)

    async def _drain(self, platform: Platform, stop: asyncio.Event | None) -> DeliveryReport:
        """Keep the platform busy until nothing is due: claim more whenever half the claimed
        messages are settled, so there is no lull between batches.

        Claiming while sends are under way is safe: a recipient's next message is not
        claimable until the one in flight is settled.
        """
        gate = self._gates[platform]
        size = gate.pace.claim_size(self._retry.batch)
        lease = self._retry.lease.total_seconds()
        in_flight: set[asyncio.Task[DeliveryReport]] = set()
        finished: list[DeliveryReport | BaseException] = []
        failed = False
        try:
            while not failed:
                if len(in_flight) <= size // 2 and (stop is None or not stop.is_set()):
                    claimed_at = time.monotonic()
                    items = await asyncio.to_thread(
                        self._queue.claim_due,
                        platform=platform,
                        now=self._clock.now(),
                        limit=size - len(in_flight),
                        lease=self._retry.lease,
                    )
                    # The last moment a send may start and still end, at worst, in the lease.
                    deadline = claimed_at + lease - self._retry.send_timeout
                    # Each claimed item has a different recipient, so they may go together.
                    in_flight.update(
                        asyncio.create_task(self._deliver(item, gate, deadline, stop))
                        for item in items
                    )
                    if not in_flight:
                        if await self._wait_for_short_hold(platform, stop):
                            continue
                        break
                if not in_flight:
                    break
                done, in_flight = await asyncio.wait(in_flight, return_when=FIRST_COMPLETED)
                finished += [task.exception() or task.result() for task in done]
                failed = any(task.exception() is not None for task in done)
            if in_flight:  # a failure stopped the claiming: let the sends under way settle
                done, in_flight = await asyncio.wait(in_flight)
                finished += [task.exception() or task.result() for task in done]
        finally:
            for task in in_flight:  # left over only when this drain itself is cancelled
                task.cancel()
        return _total(finished)

    async def _record_earlier_sends(self) -> None:
        """Settle the sends whose recording failed; raises (and keeps them) while it still fails."""
        for item_id, (item, sent_at) in list(self._unrecorded.items()):
            settled = await asyncio.to_thread(self._queue.mark_sent, item, now=sent_at)
            del self._unrecorded[item_id]
            self._outcome(item, DeliveryOutcome.SENT, settled, DeliveryReport(sent=1))

    async def _wait_for_short_hold(self, platform: Platform, stop: asyncio.Event | None) -> bool:
        """Nothing is due: if a short rate-limit hold is about to end, wait for it and go on."""
        now = self._clock.now()
        held = [(until, ws) for ws, until in self._holds.items() if ws.platform is platform]
        if not held:
            return False
        until, workspace = min(held)
        wait = (until - now).total_seconds()
        if wait > self._gates[platform].pace.longest_wait:
            return False
        del self._holds[workspace]  # waited out once: an injected clock may never reach it
        if wait <= 0:
            return True
        if stop is None:
            await asyncio.sleep(wait)
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
        return not stop.is_set()

    async def _deliver(
        self, item: OutboxItem, gate: _Gate, deadline: float, stop: asyncio.Event | None
    ) -> DeliveryReport:
        workspace = effect_workspace(item.effect)
        queue, now = self._queue, self._clock.now
        async with gate.slots:
            try:
                put_off_until = await self._wait_turn(gate, workspace, deadline)
                release = stop is not None and stop.is_set()
            except _TooLate:
                put_off_until, release = None, True
            if release:
                # Nothing was sent: released now rather than when the lease runs out.
                settled = await asyncio.to_thread(
                    queue.retry_at, item, at=now(), error=None, failed=False
                )
                return self._outcome(
                    item, DeliveryOutcome.RELEASED, settled, DeliveryReport(released=1)
                )
            if put_off_until is not None:
                settled = await asyncio.to_thread(
                    queue.retry_at, item, at=put_off_until, error=None, failed=False
                )
                return self._outcome(item, DeliveryOutcome.HELD, settled, DeliveryReport(retried=1))
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self._retry.send_timeout):
                    fanned_out = await _send(
                        self._messengers[workspace.platform],
                        item,
                        record=self._recorder(item),
                        anchored=self._anchored(item),
                    )
            except Exception as error:
                return await self._failed(item, workspace, error, time.perf_counter() - started)
            latency = time.perf_counter() - started
            if fanned_out:
                settled = await asyncio.to_thread(queue.fan_out, item, fanned_out, now=now())
                # Counted as each of its DMs is sent.
                return self._outcome(
                    item, DeliveryOutcome.FANNED_OUT, settled, DeliveryReport(), latency
                )
            sent_at = now()
            try:
                settled = await asyncio.to_thread(queue.mark_sent, item, now=sent_at)
            except Exception:
                self._unrecorded[item.id] = (item, sent_at)
                raise
            return self._outcome(
                item, DeliveryOutcome.SENT, settled, DeliveryReport(sent=1), latency
            )

    def _recorder(self, item: OutboxItem) -> Callable[[Channel], Awaitable[None]]:
        """Records the conversation opened for the item's group before anything is posted."""

        async def record(group: Channel) -> None:
            if not await asyncio.to_thread(self._queue.record_group, item, group):
                # Another worker has the message now: it posts, in a conversation of its own.
                raise TransientDeliveryError("the claim lapsed before the group was recorded")

        return record

    def _anchored(self, item: OutboxItem) -> _Anchored:
        """Finds and records the post an anchored `ChannelPost` edits or makes."""

        async def find(channel: Channel, anchor: str) -> str | None:
            return await asyncio.to_thread(self._queue.posted, channel, anchor)

        async def remember(ref: str) -> None:
            if not await asyncio.to_thread(self._queue.record_post, item, ref):
                raise TransientDeliveryError("the claim lapsed before the post was recorded")

        return _Anchored(find, remember)

    async def _wait_turn(
        self, gate: _Gate, workspace: Workspace, deadline: float
    ) -> datetime | None:
        """Wait out this workspace's rate-limit hold, then the platform's pace; a hold too long
        to wait here comes back as the time to put the message off until."""
        while (until := self._holds.get(workspace)) is not None:
            remaining = (until - self._clock.now()).total_seconds()
            if remaining > gate.pace.longest_wait or time.monotonic() + remaining > deadline:
                return until
            if remaining > 0:
                await asyncio.sleep(remaining)
            if self._holds.get(workspace) == until:  # waited out (a later hold may have come)
                del self._holds[workspace]
        await gate.take_turn()
        if time.monotonic() > deadline:
            raise _TooLate
        return None

    async def _failed(
        self, item: OutboxItem, workspace: Workspace, error: Exception, latency: float
    ) -> DeliveryReport:
        now = self._clock.now()
        if isinstance(error, RateLimited):
            until = now + timedelta(seconds=max(error.retry_after, SHORTEST_HOLD))
            self._hold(workspace, until)
            settled = await asyncio.to_thread(
                self._queue.retry_at,
                item,
                at=until,
                error=f"rate limited: retry after {error.retry_after:g}s",
                failed=False,  # the platform asked us to wait; the message did nothing wrong
            )
            return self._outcome(
                item, DeliveryOutcome.RATE_LIMITED, settled, DeliveryReport(retried=1), latency
            )
        if isinstance(error, PermanentDeliveryError):
            settled = await asyncio.to_thread(
                self._queue.mark_dead,
                item,
                now=now,
                error=f"permanent: {error}",
                notify=isinstance(item.effect, DirectMessage),
            )
            return self._outcome(
                item, DeliveryOutcome.PERMANENT_FAILURE, settled, DeliveryReport(dead=1), latency
            )
        # A 5xx, a timeout, or a bug: retried with backoff, then dead-lettered.
        detail = (
            f"no answer within {self._retry.send_timeout:g}s"
            if isinstance(error, TimeoutError)
            else f"{type(error).__name__}: {error}"
        )
        if not isinstance(error, DeliveryError | TimeoutError):
            log.error("delivery crashed", exc_info=error, extra={"outbox_id": item.id})
        if item.attempts + 1 >= self._retry.max_attempts:
            settled = await asyncio.to_thread(
                self._queue.mark_dead, item, now=now, error=detail, notify=False
            )
            return self._outcome(
                item, DeliveryOutcome.DEAD_LETTER, settled, DeliveryReport(dead=1), latency
            )
        at = now + timedelta(seconds=self.backoff(item.attempts))
        settled = await asyncio.to_thread(
            self._queue.retry_at, item, at=at, error=detail, failed=True
        )
        return self._outcome(
            item, DeliveryOutcome.RETRY, settled, DeliveryReport(retried=1), latency
        )

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` earlier failed ones: exponential, with
        jitter, so a recovering platform isn't hit by every waiting message at once."""
        ceiling = min(self._retry.max_delay, self._retry.base_delay * 2.0**attempts)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _hold(self, workspace: Workspace, until: datetime) -> None:
        self._holds[workspace] = max(until, self._holds.get(workspace, until))

    def _outcome(
        self,
        item: OutboxItem,
        outcome: DeliveryOutcome,
        settled: bool,
        report: DeliveryReport,
        latency: float | None = None,
    ) -> DeliveryReport:
        workspace = effect_workspace(item.effect)
        if not settled:
            # Our lease ran out and another worker took the message over: it settles it.
            log.warning("delivery %s after the claim lapsed", outcome, extra={"outbox_id": item.id})
            return DeliveryReport()
        log.info(
            "delivery %s",
            outcome,
            extra={
                "platform": workspace.platform.value,
                "workspace": workspace.workspace_id,
                "kind": type(item.effect).__name__,
                "outbox_id": item.id,
                "attempt": item.attempts + 1,
                "latency_ms": None if latency is None else round(latency * 1000, 1),
                "outcome": outcome,
            },
        )
        for counted, n in (
            ("sent", report.sent),
            ("retried", report.retried),
            ("dead", report.dead),
            ("released", report.released),
        ):
            if n:
                self._metrics.delivery(platform=workspace.platform.value, outcome=counted)
        return report


@dataclass(frozen=True)
class _Anchored:
    find: Callable[[Channel, str], Awaitable[str | None]]
    remember: Callable[[str], Awaitable[None]]


async def _send(
    messenger: Messenger,
    item: OutboxItem,
    *,
    record: Callable[[Channel], Awaitable[None]],
    anchored: _Anchored,
) -> dict[str, Effect] | None:
    """Send the item's effect; a group with no group conversation comes back as one DM per
    member, to be queued in its place (see OutboxQueue.fan_out)."""
    match item.effect:
        case DirectMessage(to, message):
            await messenger.send_dm(to, with_invite_file(message))
        case ChannelPost(channel, message, anchor) if anchor:
            # Posts to one channel go out in order, so the first under an anchor is recorded
            # before any later one is sent: those edit it.
            ref = await anchored.find(channel, anchor)
            if ref is not None:
                if (changed := await messenger.edit_post(channel, ref, message)) is not None:
                    await anchored.remember(changed)
            elif (ref := await messenger.post(channel, message)) is not None:
                await anchored.remember(ref)
        case ChannelPost(channel, message):
            await messenger.post(channel, message)
        case GroupIntro(members, message, near, title):
            group = await messenger.send_group(
                members, message, near=near, title=title, opened=item.group, record=record
            )
            if group is None:
                return {
                    _derived_key(item.key, m.user_id): DirectMessage(m, message) for m in members
                }
    return None


def _derived_key(key: str, user_id: str) -> str:
    derived = f"{key}>{user_id}"
    if len(derived) <= KEY_LIMIT:
        return derived
    return "fanout:" + hashlib.sha256(derived.encode()).hexdigest()


def _total(results: list[DeliveryReport | BaseException]) -> DeliveryReport:
    """Add up the reports; re-raise the first error once every sibling has settled."""
    errors = [result for result in results if isinstance(result, BaseException)]
    for error in errors[1:]:
        log.error("delivery failed", exc_info=error)
    if errors:
        raise errors[0]
    return sum((r for r in results if isinstance(r, DeliveryReport)), DeliveryReport())


async def run_delivery(
    delivery: Delivery,
    *,
    interval: float,
    stop: asyncio.Event,
    wake: asyncio.Event | None = None,
) -> None:
    """Deliver what is due every `interval` seconds (and at once when `wake` is set) until
    `stop` is set; then sends under way finish, and claimed messages not yet sent are released."""
    while not stop.is_set():
        if wake is not None:
            wake.clear()
        try:
            await delivery.deliver_due(stop=stop)
        except Exception:  # a database hiccup must not stop delivery for good
            log.exception("delivery round failed")
        waits = [stop.wait()] if wake is None else [stop.wait(), wake.wait()]
        tasks = [asyncio.ensure_future(w) for w in waits]
        try:
            await asyncio.wait(tasks, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

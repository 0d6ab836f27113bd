"""The outbox's sender on the real store: retried, in order per recipient, never twice."""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text, update

from bot.cli import main
from bot.commands.base import CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import ChannelPost, DirectMessage, Effect, GroupIntro
from bot.core.errors import PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message, text_message
from bot.core.ports import OutboxEntry
from bot.delivery import Delivery, DeliveryReport, Pace, RetryPolicy
from bot.store.database import make_engine, make_session_factory
from bot.store.models import OutboxRow
from bot.store.outbox_queue import SqlOutboxQueue
from bot.store.uow import SqlUnitOfWorkFactory
from tests.fakes import ManualClock
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW

CARA = Member(Platform.SLACK, "T1", "U_CARA")
GENERAL = Channel(Platform.SLACK, "T1", "C_GENERAL")
ALL = ["pending", "sent", "dead"]


class ScriptedMessenger:
    """An in-process platform: takes every message, except where told to fail.

    `fail(text, *errors)` makes the next tries of that message raise those errors, in turn;
    `schedule(n)` may answer the n-th call (counting from 1) with an error instead.
    """

    def __init__(self, schedule: Callable[[int], Exception | None] = lambda n: None) -> None:
        self.delivered: list[tuple[str, str]] = []  # (recipient, text), in arrival order
        self.tries: Counter[str] = Counter()
        self.group: Channel | None = None
        self.opened: list[Channel] = []  # group conversations, as each was opened
        self._script: dict[str, list[Exception]] = {}
        self._schedule = schedule
        self._calls = 0

    def fail(self, text: str, *errors: Exception) -> None:
        self._script.setdefault(text, []).extend(errors)

    async def send_dm(self, member: Member, message: Message) -> None:
        self._arrive(member.user_id, message)

    async def post(self, channel: Channel, message: Message) -> None:
        self._arrive(channel.channel_id, message)

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
        """Opens `self.group` (None: the platform has no group conversations)."""
        group = opened
        if group is None:
            if self.group is None:
                return None
            group = self.group
            self.opened.append(group)
            await record(group)
        self._arrive(group.channel_id, message)
        return group

    def _arrive(self, recipient: str, message: Message) -> None:
        text = message.plain_text()
        self._calls += 1
        self.tries[text] += 1
        scripted = self._script.get(text)
        error = scripted.pop(0) if scripted else self._schedule(self._calls)
        if error is not None:
            raise error
        self.delivered.append((recipient, text))

    def texts_to(self, recipient: str) -> list[str]:
        return [text for to, text in self.delivered if to == recipient]


class SlowMessenger(ScriptedMessenger):
    """A DM takes until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.may_finish = asyncio.Event()

    async def send_dm(self, member: Member, message: Message) -> None:
        self.sending.set()
        await self.may_finish.wait()
        await super().send_dm(member, message)


@dataclass
class World:
    engine: Engine
    uows: SqlUnitOfWorkFactory
    queue: SqlOutboxQueue
    clock: ManualClock
    messenger: ScriptedMessenger = field(default_factory=ScriptedMessenger)

    def add(self, effect: Effect, *, key: str, not_before: datetime | None = None) -> None:
        with self.uows() as uow:
            uow.outbox.add(effect, key=key, now=self.clock.now(), not_before=not_before or NOW)
            uow.commit()

    def dm(self, to: Member, text: str, **options: datetime) -> None:
        self.add(DirectMessage(to, text_message(text)), key=f"dm:{text}", **options)

    def delivery(self, *, retry: RetryPolicy | None = None, pace: Pace | None = None) -> Delivery:
        return Delivery(
            queue=self.queue,
            messengers={Platform.SLACK: self.messenger},
            clock=self.clock,
            retry=retry or RetryPolicy(base_delay=10.0),
            # Holds are never waited out in place: with a manual clock, they'd wait in real time.
            pacing={Platform.SLACK: pace or Pace(longest_wait=0)},
        )

    def entries(self, *statuses: str) -> list[OutboxEntry]:
        return list(self.queue.entries(statuses=statuses or ALL, limit=1000))

    def entry(self, key: str) -> OutboxEntry:
        [found] = [e for e in self.entries() if e.key == key]
        return found

    async def deliver_everything(self, delivery: Delivery, *, rounds: int = 200) -> None:
        """Deliver, then move the clock to the next retry, until nothing is pending."""
        for _ in range(rounds):
            await delivery.deliver_due()
            pending = self.entries("pending")
            if not pending:
                return
            # Later messages to a recipient wait for its first: only that one's time matters.
            later = [e.next_attempt_at for e in pending if e.next_attempt_at > self.clock.now()]
            self.clock.set(min(later, default=self.clock.now()))
        raise AssertionError("the outbox never emptied")


def world_on(engine: Engine) -> World:
    sessions = make_session_factory(engine)
    return World(engine, SqlUnitOfWorkFactory(sessions), SqlOutboxQueue(sessions), ManualClock(NOW))


@pytest.fixture
def world(engine: Engine) -> World:
    """The store on each backend, emptied for the test."""
    return world_on(engine)


# --- retries, order, exactly once -------------------------------------------------------------


async def test_through_rate_limits_and_server_errors_every_message_arrives_once_in_order(
    world: World,
) -> None:
    def platform_trouble(call: int) -> Exception | None:
        if call % 3 == 0:
            return RateLimited(retry_after=30)
        if call % 5 == 0:
            return TransientDeliveryError("HTTP 503 service_unavailable")
        return None

    world.messenger = ScriptedMessenger(platform_trouble)
    queued: dict[str, list[str]] = {}
    for n in range(6):
        for member in (ANN, BOB, CARA, ANN_ELSEWHERE):
            text = f"{member.workspace_id}/{member.user_id} #{n}"
            world.dm(member, text)
            queued.setdefault(f"{member.workspace_id}/{member.user_id} ", []).append(text)
        world.add(ChannelPost(GENERAL, text_message(f"post #{n}")), key=f"post:{n}")
    queued["post "] = [f"post #{n}" for n in range(6)]

    await world.deliver_everything(world.delivery())

    for recipient, texts in queued.items():
        arrived = [text for _, text in world.messenger.delivered if text.startswith(recipient)]
        assert arrived == texts
    assert len(world.messenger.delivered) == 30
    assert {e.status for e in world.entries()} == {"sent"}
    retried = sum(tries - 1 for tries in world.messenger.tries.values())
    assert retried > 10
    # Only server errors count as failed attempts; rate limits don't.
    assert 0 < sum(e.attempts for e in world.entries()) < retried


async def test_a_failing_message_holds_back_later_ones_to_the_same_recipient_only(
    world: World,
) -> None:
    world.dm(ANN, "first")
    world.dm(ANN, "second")
    world.dm(BOB, "for Bob")
    world.messenger.fail("first", TransientDeliveryError("HTTP 502"))
    delivery = world.delivery()

    assert await delivery.deliver_due() == DeliveryReport(sent=1, retried=1)
    assert world.messenger.delivered == [("U_BOB", "for Bob")]

    world.clock.advance(timedelta(seconds=10))
    await delivery.deliver_due()
    assert world.messenger.texts_to("U_ANN") == ["first", "second"]


async def test_a_message_held_for_quiet_hours_does_not_hold_back_a_later_one(
    world: World,
) -> None:
    world.dm(ANN, "weekly digest", not_before=NOW + timedelta(hours=8))
    world.dm(ANN, "your export")

    assert await world.delivery().deliver_due() == DeliveryReport(sent=1)
    world.clock.advance(timedelta(hours=8))
    assert await world.delivery().deliver_due() == DeliveryReport(sent=1)
    assert world.messenger.texts_to("U_ANN") == ["your export", "weekly digest"]


# --- rate limits --------------------------------------------------------------------------------


async def test_a_rate_limit_waits_the_advised_time_and_is_not_a_failed_attempt(
    world: World,
) -> None:
    world.dm(ANN, "reminder")
    world.messenger.fail("reminder", RateLimited(retry_after=30))
    delivery = world.delivery()

    assert await delivery.deliver_due() == DeliveryReport(retried=1)
    pending = world.entry("dm:reminder")
    assert (pending.next_attempt_at, pending.attempts) == (NOW + timedelta(seconds=30), 0)
    assert pending.last_error == "rate limited: retry after 30s"

    world.clock.advance(timedelta(seconds=29))
    assert await delivery.deliver_due() == DeliveryReport()
    world.clock.advance(timedelta(seconds=1))
    assert await delivery.deliver_due() == DeliveryReport(sent=1)
    assert world.messenger.delivered == [("U_ANN", "reminder")]


async def test_a_rate_limit_holds_that_workspace_back_and_no_other(world: World) -> None:
    world.dm(ANN, "to Ann")
    world.dm(BOB, "to Bob")
    world.dm(ANN_ELSEWHERE, "to Ann in T2")
    world.messenger.fail("to Ann", RateLimited(retry_after=60))

    # Bob's message is not even tried while workspace T1 is asking us to wait.
    assert await world.delivery().deliver_due() == DeliveryReport(sent=1, retried=2)
    assert world.messenger.delivered == [("U_ANN", "to Ann in T2")]
    assert world.messenger.tries["to Bob"] == 0
    assert world.entry("dm:to Bob").next_attempt_at == NOW + timedelta(seconds=60)


# --- server errors: backoff, then the dead letter ---------------------------------------------


async def test_server_errors_back_off_exponentially_with_jitter(world: World) -> None:
    for member in (ANN, BOB, CARA):
        world.dm(member, f"to {member.user_id}")
    world.messenger = ScriptedMessenger(lambda n: TransientDeliveryError("HTTP 500"))
    delivery = world.delivery(retry=RetryPolicy(base_delay=10.0, max_delay=3600, max_attempts=7))

    waits: list[list[float]] = []  # per try: each message's wait before the next one
    for _ in range(6):
        tried_at = world.clock.now()
        assert await delivery.deliver_due() == DeliveryReport(retried=3)
        pending = world.entries("pending")
        waits.append([(e.next_attempt_at - tried_at).total_seconds() for e in pending])
        world.clock.set(max(e.next_attempt_at for e in pending))

    for attempt, these in enumerate(waits):
        ceiling = 10.0 * 2**attempt
        assert all(ceiling / 2 <= wait <= ceiling for wait in these), (attempt, these)
    assert sum(len(set(these)) for these in waits) > len(waits)  # jitter: not all alike


async def test_after_the_last_allowed_failure_a_message_is_dead_lettered_for_good(
    world: World,
) -> None:
    world.dm(ANN, "doomed")
    world.messenger = ScriptedMessenger(lambda n: TransientDeliveryError("HTTP 503"))
    delivery = world.delivery(retry=RetryPolicy(base_delay=10.0, max_attempts=3))

    reports = []
    for _ in range(3):
        reports.append(await delivery.deliver_due())
        world.clock.advance(timedelta(hours=1))
    world.clock.advance(timedelta(days=7))
    reports.append(await delivery.deliver_due())

    assert reports == [DeliveryReport(retried=1)] * 2 + [DeliveryReport(dead=1), DeliveryReport()]
    dead = world.entry("dm:doomed")
    assert (dead.status, dead.attempts) == ("dead", 3)
    assert dead.last_error == "TransientDeliveryError: HTTP 503"
    assert world.messenger.tries["doomed"] == 3


async def test_a_crash_in_the_messenger_is_retried_like_a_server_error(world: World) -> None:
    world.dm(ANN, "hello")
    world.messenger.fail("hello", ZeroDivisionError("division by zero"))

    assert await world.delivery().deliver_due() == DeliveryReport(retried=1)
    world.clock.advance(timedelta(minutes=1))
    assert await world.delivery().deliver_due() == DeliveryReport(sent=1)
    assert world.entry("dm:hello").attempts == 1


# --- permanent errors, and telling the member -------------------------------------------------


def run_command(world: World, member: Member, text: str) -> str:
    service = CommandService(
        uow_factory=world.uows, clock=world.clock, commands=COMMANDS, actions=ACTIONS
    )
    return service.run(CommandInput(text=text, invoker=member, invoker_name="Ann")).plain_text()


async def test_a_permanent_error_is_dead_at_once_never_retried_and_told_to_the_member_once(
    world: World,
) -> None:
    world.dm(ANN, "reminder")
    world.dm(ANN, "digest")
    world.add(ChannelPost(GENERAL, text_message("give-first prompt")), key="post")
    for undeliverable in ("reminder", "digest", "give-first prompt"):
        world.messenger.fail(undeliverable, PermanentDeliveryError("cannot_dm_bot"))

    first = await world.delivery().deliver_due()
    world.clock.advance(timedelta(days=2))
    second = await world.delivery().deliver_due()

    assert (first, second) == (DeliveryReport(dead=3), DeliveryReport())
    assert world.messenger.tries == Counter({"reminder": 1, "digest": 1, "give-first prompt": 1})
    assert [(e.status, e.attempts, e.last_error) for e in world.entries()] == [
        ("dead", 1, "permanent: cannot_dm_bot")
    ] * 3

    told = run_command(world, ANN, "promises")
    assert told.endswith(
        "📭 I couldn't DM you: your DMs from this app seem closed — 2 messages didn't reach you. "
        "Allow direct messages from me, and reminders will reach you again."
    )
    assert "couldn't DM" not in run_command(world, ANN, "promises")
    assert "couldn't DM" not in run_command(world, BOB, "promises")


async def test_a_command_that_is_turned_down_leaves_the_notice_for_the_next_reply(
    world: World,
) -> None:
    world.dm(ANN, "reminder")
    world.messenger.fail("reminder", PermanentDeliveryError("user_not_found"))
    await world.delivery().deliver_due()

    refused = run_command(world, ANN, "done 99")
    assert refused.startswith("⚠️")
    assert "couldn't DM" not in refused
    assert "a message didn't reach you" in run_command(world, ANN, "help")


# --- introductions without a group conversation -----------------------------------------------


async def test_an_intro_sent_as_dms_reaches_each_member_once_even_when_one_dm_is_retried(
    world: World,
) -> None:
    intro = text_message("Ann, meet Bob and Cara")
    world.add(GroupIntro((ANN, BOB, CARA), intro), key="intro:1")
    world.messenger.fail("Ann, meet Bob and Cara", TransientDeliveryError("timeout"))  # 1st DM
    delivery = world.delivery()

    assert await delivery.deliver_due() == DeliveryReport(sent=2, retried=1)
    world.clock.advance(timedelta(minutes=1))
    assert await delivery.deliver_due() == DeliveryReport(sent=1)

    assert sorted(world.messenger.delivered) == [
        ("U_ANN", "Ann, meet Bob and Cara"),
        ("U_BOB", "Ann, meet Bob and Cara"),
        ("U_CARA", "Ann, meet Bob and Cara"),
    ]
    assert [(e.kind, e.recipient, e.status) for e in world.entries()] == [
        ("group", "U_ANN,U_BOB,U_CARA", "sent"),
        ("dm", "U_ANN", "sent"),
        ("dm", "U_BOB", "sent"),
        ("dm", "U_CARA", "sent"),
    ]


async def test_an_intro_goes_to_the_group_conversation_when_the_platform_opens_one(
    world: World,
) -> None:
    world.messenger.group = Channel(Platform.SLACK, "T1", "G_ANN_BOB")
    world.add(GroupIntro((ANN, BOB), text_message("Ann, meet Bob")), key="intro:2")

    assert await world.delivery().deliver_due() == DeliveryReport(sent=1)
    assert world.messenger.delivered == [("G_ANN_BOB", "Ann, meet Bob")]


async def test_a_retried_intro_posts_in_the_group_conversation_its_first_attempt_opened(
    world: World,
) -> None:
    world.messenger.group = Channel(Platform.SLACK, "T1", "G_ANN_BOB")
    world.add(GroupIntro((ANN, BOB), text_message("Ann, meet Bob")), key="intro:3")
    world.messenger.fail("Ann, meet Bob", TransientDeliveryError("timeout"))

    assert await world.delivery().deliver_due() == DeliveryReport(retried=1)
    world.messenger.group = Channel(Platform.SLACK, "T1", "G_OTHER")  # a new one, if opened
    world.clock.advance(timedelta(minutes=1))
    assert await world.delivery().deliver_due() == DeliveryReport(sent=1)

    assert world.messenger.opened == [Channel(Platform.SLACK, "T1", "G_ANN_BOB")]
    assert world.messenger.delivered == [("G_ANN_BOB", "Ann, meet Bob")]


async def test_a_worker_whose_lease_ran_out_cannot_record_a_group_another_took_over(
    world: World,
) -> None:
    world.add(GroupIntro((ANN, BOB), text_message("Ann, meet Bob")), key="intro:4")
    lease = timedelta(minutes=1)
    [mine] = world.queue.claim_due(platform="slack", now=NOW, limit=10, lease=lease)
    later = NOW + lease + timedelta(seconds=1)
    [theirs] = world.queue.claim_due(platform="slack", now=later, limit=10, lease=lease)

    assert not world.queue.record_group(mine, Channel(Platform.SLACK, "T1", "G_MINE"))
    assert world.queue.record_group(theirs, Channel(Platform.SLACK, "T1", "G_THEIRS"))
    world.queue.retry_at(theirs, at=later, error=None, failed=False)
    [again] = world.queue.claim_due(platform="slack", now=later, limit=10, lease=lease)
    assert again.group == Channel(Platform.SLACK, "T1", "G_THEIRS")


# --- claims: leases, shutdown, bad rows ---------------------------------------------------------


async def test_a_worker_whose_lease_ran_out_cannot_settle_a_message_another_took_over(
    world: World,
) -> None:
    world.dm(ANN, "slow")
    lease = timedelta(minutes=2)
    [mine] = world.queue.claim_due(platform="slack", now=NOW, limit=10, lease=lease)
    assert world.queue.claim_due(platform="slack", now=NOW, limit=10, lease=lease) == []

    later = NOW + timedelta(minutes=3)
    [theirs] = world.queue.claim_due(platform="slack", now=later, limit=10, lease=lease)

    assert not world.queue.retry_at(mine, at=later, error="timeout", failed=True)
    assert world.queue.mark_sent(theirs, now=later)
    assert not world.queue.mark_sent(mine, now=later)
    assert (world.entry("dm:slow").status, world.entry("dm:slow").attempts) == ("sent", 0)


async def test_stopping_lets_the_send_under_way_finish_and_releases_the_rest_at_once(
    world: World,
) -> None:
    for member in (ANN, BOB, CARA):
        world.dm(member, f"to {member.user_id}")
    stop = asyncio.Event()
    world.messenger = SlowMessenger()
    delivery = world.delivery(pace=Pace(concurrency=1, longest_wait=0))
    task = asyncio.create_task(delivery.deliver_due(stop=stop))
    await world.messenger.sending.wait()
    stop.set()
    world.messenger.may_finish.set()

    assert await task == DeliveryReport(sent=1, released=2)
    assert world.messenger.delivered == [("U_ANN", "to U_ANN")]
    # Released, not left claimed: another worker may take them straight away.
    again = world.queue.claim_due(platform="slack", now=NOW, limit=10, lease=timedelta(minutes=1))
    assert sorted(item.key for item in again) == ["dm:to U_BOB", "dm:to U_CARA"]


async def test_a_claim_reads_through_indexes_only_however_many_messages_were_sent(
    world: World,
) -> None:
    postgres = world.engine.dialect.name == "postgresql"
    with world.engine.begin() as connection:
        numbers = "generate_series(1, 5000) AS n" if postgres else "(SELECT 1 AS n)"
        connection.execute(
            text(
                "INSERT INTO outbox (idempotency_key, platform, workspace_id, kind, recipient,"
                " payload, created_at, not_before, next_attempt_at, attempts, status)"
                " SELECT 'old-' || n, 'slack', 'T1', 'dm', 'U' || (n % 300), '{}',"
                " :at, :at, :at, 0, 'sent' FROM " + numbers
            ),
            {"at": NOW.replace(tzinfo=None)},
        )
        if postgres:  # statistics from before the backlog arrived, as a queue's usually are
            connection.execute(text("ANALYZE outbox"))
    with world.uows() as uow:
        for n in range(300):
            to = Member(Platform.SLACK, "T1", f"U{n % 150}")
            uow.outbox.add(
                DirectMessage(to, text_message(f"{n}")), key=f"{n}", now=NOW, not_before=NOW
            )
        uow.commit()
    statements: list[tuple[str, Any]] = []

    def capture(conn: object, cursor: object, sql: str, params: Any, *args: object) -> None:
        if sql.startswith("UPDATE outbox SET claimed_until"):
            statements.append((sql, params))

    event.listen(world.engine, "before_cursor_execute", capture)
    try:
        claimed = world.queue.claim_due(
            platform="slack", now=NOW, limit=100, lease=timedelta(minutes=2)
        )
    finally:
        event.remove(world.engine, "before_cursor_execute", capture)
    [(sql, params)] = statements
    with world.engine.connect() as connection:
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = [str(row[-1]) for row in connection.exec_driver_sql(explain + sql, params)]

    assert len(claimed) == 100
    assert [item.key for item in claimed] == [f"{n}" for n in range(100)]
    if postgres:
        assert not any("Seq Scan" in line for line in plan), plan
        assert any("ix_outbox_recipient" in line for line in plan), plan
    else:
        assert not any(line.startswith("SCAN") for line in plan), plan
        assert any("ix_outbox_recipient" in line for line in plan), plan


async def test_an_unreadable_row_is_dead_lettered_instead_of_blocking_its_recipient(
    world: World,
) -> None:
    world.dm(ANN, "garbled")
    world.dm(ANN, "fine")
    with world.engine.begin() as connection:
        connection.execute(
            update(OutboxRow)
            .where(OutboxRow.idempotency_key == "dm:garbled")
            .values(payload={"kind": "dm"})
        )

    await world.delivery().deliver_due()

    assert world.messenger.delivered == [("U_ANN", "fine")]
    garbled = world.entry("dm:garbled")
    assert garbled.status == "dead"
    assert garbled.last_error == "unreadable: KeyError: 'message'"


# --- `buddy outbox` -------------------------------------------------------------------------------


async def test_buddy_outbox_lists_pending_and_dead_messages_with_their_last_error(
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "buddy.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database_url = f"sqlite:///{path}"
    engine = make_engine(database_url)
    world = world_on(engine)
    world.dm(ANN, "sent fine")
    world.dm(BOB, "closed DMs")
    world.dm(CARA, "retrying")
    world.messenger.fail("closed DMs", PermanentDeliveryError("cannot_dm_bot"))
    world.messenger.fail("retrying", TransientDeliveryError("HTTP 503"))
    await world.delivery().deliver_due()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["outbox"]) == 0
    lines = capsys.readouterr().out.splitlines()

    assert main(["outbox", "--status", "sent"]) == 0
    sent = capsys.readouterr().out.splitlines()

    assert lines[0] == "1 pending, 1 dead"
    [retrying] = [line for line in lines if "to U_CARA" in line]
    [dead] = [line for line in lines if "to U_BOB" in line]
    assert len(lines) == 3
    assert retrying.startswith("#3 pending slack/T1 dm to U_CARA attempts=1 next try 2026-03-02")
    assert retrying.endswith("last error: TransientDeliveryError: HTTP 503")
    assert (
        dead == "#2 dead    slack/T1 dm to U_BOB attempts=1  last error: permanent: cannot_dm_bot"
    )
    assert len(sent) == 2 and "to U_ANN" in sent[1]
    engine.dispose()


class _UnreachableOnce:
    """The real queue, except that recording the first send finds the database down."""

    def __init__(self, queue: SqlOutboxQueue) -> None:
        self._queue = queue
        self.down = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)

    def mark_sent(self, item: Any, *, now: datetime) -> bool:
        if self.down:
            self.down = False
            raise ConnectionError("the database went away")
        return self._queue.mark_sent(item, now=now)


async def test_a_send_the_database_could_not_record_is_recorded_next_round_not_sent_again(
    world: World,
) -> None:
    world.dm(ANN, "first")
    world.dm(ANN, "second")
    flaky = _UnreachableOnce(world.queue)
    delivery = Delivery(
        queue=flaky,  # type: ignore[arg-type]
        messengers={Platform.SLACK: world.messenger},
        clock=world.clock,
        retry=RetryPolicy(base_delay=10.0),
        pacing={Platform.SLACK: Pace(longest_wait=0)},
    )

    with pytest.raises(ConnectionError):
        await delivery.deliver_due()
    assert world.messenger.delivered == [("U_ANN", "first")]

    # The database is back: the lease still holds the first, yet the second goes at once.
    await delivery.deliver_due()
    assert world.messenger.delivered == [("U_ANN", "first"), ("U_ANN", "second")]
    assert {e.key: e.status for e in world.entries()} == {"dm:first": "sent", "dm:second": "sent"}

"""Outbox retention: a delivered message's text is not kept forever, an export's not at all."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Buddy, build
from bot.commands.base import CommandInput
from bot.config import Settings
from bot.core.effects import DirectMessage, Effect
from bot.core.errors import PermanentDeliveryError
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message, text_message
from bot.store.models import OutboxMemberRow, OutboxRow
from tests.fakes import ManualClock

START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
ANN = Member(Platform.SLACK, "T1", "UANN")
GONE = Member(Platform.SLACK, "T1", "UGONE")  # DMs to them fail for good
SECRET = "zqprivatetextqz"


@dataclass
class Recorder:
    sent: list[Effect] = field(default_factory=list)

    async def send_dm(self, to: Member, message: Message) -> None:
        if to == GONE:
            raise PermanentDeliveryError("user_not_found")
        self.sent.append(DirectMessage(to, message))

    async def post(self, channel: Channel, message: Message) -> None:
        raise AssertionError("nothing is posted here")

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
        return None


@dataclass
class World:
    buddy: Buddy
    clock: ManualClock
    recorder: Recorder

    def queue(self, to: Member, key: str) -> bool:
        with self.buddy.uow_factory() as uow:
            new = uow.outbox.add(
                DirectMessage(to, text_message(SECRET)),
                key=key,
                now=self.clock.now(),
                not_before=self.clock.now(),
            )
            uow.commit()
            return new

    async def deliver(self) -> None:
        await self.buddy.delivery({Platform.SLACK: self.recorder}).deliver_due()

    async def tick(self, after: timedelta = timedelta(0)) -> dict[str, int]:
        self.clock.advance(after)
        return await self.buddy.ticker().tick()

    def payloads(self) -> list[tuple[str, str, Any]]:
        with self.buddy.uow_factory() as uow:
            rows = uow.session.execute(
                select(OutboxRow.idempotency_key, OutboxRow.status, OutboxRow.payload).order_by(
                    OutboxRow.id
                )
            ).all()
        return [(key, status, payload) for key, status, payload in rows]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, buddy_outbox_retention_days=14)
    buddy = build(settings, clock=clock)
    yield World(buddy, clock, Recorder())
    buddy.engine.dispose()


def kept(world: World) -> dict[str, bool]:
    """Per key: does the row still hold its text?"""
    return {key: payload is not None for key, _, payload in world.payloads()}


async def test_a_delivered_or_failed_message_keeps_its_text_no_longer_than_the_retention_period(
    world: World,
) -> None:
    world.queue(ANN, "to-ann")
    world.queue(GONE, "to-gone")
    await world.deliver()
    assert [status for _, status, _ in world.payloads()] == ["sent", "dead"]

    await world.tick(timedelta(days=14) - timedelta(minutes=1))
    assert kept(world) == {"to-ann": True, "to-gone": True}  # not before the window ends

    await world.tick(timedelta(minutes=2))
    assert kept(world) == {"to-ann": False, "to-gone": False}
    assert SECRET not in repr(world.payloads())
    # Nor who the message was about: only its recipient remains.
    with world.buddy.uow_factory() as uow:
        assert uow.session.scalars(select(OutboxMemberRow.user_id)).all() == []
    # The keys stay: the same message queued again is still recognised and not sent twice.
    assert world.queue(ANN, "to-ann") is False
    assert [key for key, _, _ in world.payloads()] == ["to-ann", "to-gone"]


async def test_a_purge_backlog_is_worked_off_a_bounded_batch_per_tick(world: World) -> None:
    for n in range(520):
        world.queue(ANN, f"old-{n}")
    await world.deliver()
    # Pending messages are never purged, whatever their age.
    world.queue(ANN, "pending")

    first = await world.tick(timedelta(days=15))
    assert first["outbox_retention"] == 500
    second = await world.tick(timedelta(seconds=30))
    assert second["outbox_retention"] == 20
    assert [k for k, has_text in kept(world).items() if has_text] == ["pending"]

    # Claims still work on a purged table: the pending message goes out, text intact.
    world.recorder.sent.clear()
    await world.deliver()
    assert [effect.message.plain_text() for effect in world.recorder.sent] == [SECRET]


async def test_an_exports_payload_is_gone_as_soon_as_it_is_delivered(world: World) -> None:
    reply = world.buddy.service.run(CommandInput(text="offer " + SECRET, invoker=ANN))
    assert "Saved" in reply.plain_text()
    world.buddy.service.run(CommandInput(text="export", invoker=ANN))
    assert SECRET in repr(world.payloads())

    await world.deliver()

    [(_, status, payload)] = world.payloads()
    assert (status, payload) == ("sent", None)
    [export] = world.recorder.sent
    assert isinstance(export, DirectMessage) and export.message.attachment is not None
    assert SECRET in export.message.attachment.content


async def test_export_lists_what_is_still_queued_for_the_member_without_its_text(
    world: World,
) -> None:
    service = world.buddy.service
    service.run(CommandInput(text="settings quiet 13:00-18:00 timezone UTC", invoker=ANN))
    service.run(CommandInput(text=f'promise "Sam" {SECRET} in 1 minute', invoker=ANN))
    await world.tick(timedelta(minutes=2))  # the reminder is queued, held by quiet hours

    service.run(CommandInput(text="export", invoker=ANN))
    world.clock.advance(timedelta(hours=4))
    await world.deliver()

    exports = [
        json.loads(effect.message.attachment.content)
        for effect in world.recorder.sent
        if isinstance(effect, DirectMessage) and effect.message.attachment is not None
    ]
    [export] = exports
    assert export["queued"] == [
        {"kind": "dm", "about": "reminder", "due": "2026-11-26T18:00:00+00:00"}
    ]

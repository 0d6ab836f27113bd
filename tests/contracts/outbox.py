"""The outbox's contract: each key queued once, what waits for a member listed soonest first."""

from __future__ import annotations

from datetime import timedelta

from bot.core.effects import ChannelPost, DirectMessage, GroupIntro
from bot.core.message import text_message
from bot.core.ports import OutboxMessage, QueuedMessage, UnitOfWorkFactory
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA, LOBBY, NOW

HI = text_message("hi")


def each_key_is_queued_once_and_the_transaction_carries_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    reminder = DirectMessage(ANN, HI)
    with uow_factory() as uow:
        assert uow.outbox.add(reminder, key="reminder:1", now=NOW, not_before=NOW)
        assert not uow.outbox.add(reminder, key="reminder:1", now=NOW, not_before=NOW)
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.outbox.add(DirectMessage(BOB, HI), key="reminder:1", now=NOW, not_before=NOW)
        assert [c.name for c in uow.contacts.list(ANN)] == ["Sam"]
        assert uow.outbox.queued_for(BOB, limit=9) == []


def add_many_counts_only_the_new_keys(uow_factory: UnitOfWorkFactory) -> None:
    def queued(key: str) -> OutboxMessage:
        return OutboxMessage(DirectMessage(ANN, HI), key=key, not_before=NOW)

    with uow_factory() as uow:
        assert uow.outbox.add_many([], now=NOW) == 0
        assert uow.outbox.add(DirectMessage(ANN, HI), key="digest:1", now=NOW, not_before=NOW)
        assert uow.outbox.add_many([queued("digest:1"), queued("digest:2")], now=NOW) == 1
        assert uow.outbox.add_many([queued("digest:3"), queued("digest:3")], now=NOW) == 1
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.outbox.queued_for(ANN, limit=9)) == 3


def queued_for_lists_a_members_dms_and_groups_soonest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    later = NOW + timedelta(hours=2)
    with uow_factory() as uow:
        uow.outbox.add(DirectMessage(ANN, HI), key="digest:9", now=NOW, not_before=later)
        uow.outbox.add(GroupIntro((BOB, ANN), HI), key="fanout:3", now=NOW, not_before=NOW)
        uow.outbox.add(DirectMessage(BOB, HI), key="reminder:4:x", now=NOW, not_before=NOW)
        uow.outbox.add(ChannelPost(LOBBY, HI), key="prompt:1", now=NOW, not_before=NOW)
        uow.outbox.add(DirectMessage(ANN_ELSEWHERE, HI), key="cmd:2", now=NOW, not_before=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.queued_for(ANN, limit=9) == [
            QueuedMessage(kind="group", about="introduction", due_at=NOW),
            QueuedMessage(kind="dm", about="digest", due_at=later),
        ]
        assert uow.outbox.queued_for(ANN, limit=1) == [
            QueuedMessage(kind="group", about="introduction", due_at=NOW),
        ]
        assert [q.about for q in uow.outbox.queued_for(BOB, limit=9)] == [
            "introduction",
            "reminder",
        ]
        assert uow.outbox.queued_for(ANN_ELSEWHERE, limit=9) == [
            QueuedMessage(kind="dm", about="message", due_at=NOW)
        ]
        assert uow.outbox.queued_for(CARA, limit=9) == []


def nothing_unsent_is_purged_and_nobody_is_told_of_failures_that_never_happened(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.outbox.add(DirectMessage(ANN, HI), key="cmd:1", now=NOW, not_before=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.purge_settled(before=NOW + timedelta(days=90), limit=10) == 0
        assert uow.outbox.take_undelivered(ANN) == 0
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.outbox.queued_for(ANN, limit=9)) == 1

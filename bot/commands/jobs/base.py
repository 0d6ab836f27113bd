"""What every due job shares: messages that respect quiet hours, queued in one statement."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.effects import ChannelPost, DirectMessage
from bot.core.identity import Channel
from bot.core.message import Message
from bot.core.ports import OutboxMessage, UnitOfWork
from bot.core.records import Profile
from bot.core.schedule import not_before


def key_time(at: datetime) -> str:
    """A due time as it appears in idempotency keys: the same instant always reads the same."""
    return at.astimezone(UTC).isoformat(timespec="seconds")


class Outgoing:
    """The messages one batch causes, queued together: a batch costs a few statements, not a
    few per item. Keys make a re-run (or a second worker) queue nothing twice."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._messages: list[OutboxMessage] = []

    def dm(self, profile: Profile, msg: Message, *, key: str) -> None:
        """To the profile's member, held until their quiet hours end."""
        effect = DirectMessage(profile.member, msg)
        self._messages.append(OutboxMessage(effect, key, not_before(profile, self._now)))

    def post(self, channel: Channel, msg: Message, *, key: str) -> None:
        self._messages.append(OutboxMessage(ChannelPost(channel, msg), key, self._now))

    def queue(self, uow: UnitOfWork) -> int:
        """Into `uow`'s outbox; how many were new."""
        return uow.outbox.add_many(self._messages, now=self._now)


def send_dm(uow: UnitOfWork, profile: Profile, msg: Message, *, key: str, now: datetime) -> bool:
    """One DM, held until quiet hours end; False if the key was queued before. For jobs that
    send one at a time; a batch's many messages go through `Outgoing`."""
    return uow.outbox.add(
        DirectMessage(profile.member, msg), key=key, now=now, not_before=not_before(profile, now)
    )

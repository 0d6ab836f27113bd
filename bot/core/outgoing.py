"""The one way commands and jobs queue messages: quiet hours applied here, keys per message."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.core.effects import ChannelPost, DirectMessage, GroupIntro
from bot.core.identity import Channel, Member
from bot.core.message import Message
from bot.core.ports import OutboxMessage, UnitOfWork
from bot.core.records import Profile
from bot.core.schedule import not_before


def key_time(at: datetime) -> str:
    """A due time as it appears in idempotency keys: the same instant always reads the same."""
    return at.astimezone(UTC).isoformat(timespec="seconds")


class Outgoing:
    """The messages one command or one batch of due work causes, queued together into the
    outbox of the same unit of work (one statement, however many). Keys make a re-run, or a
    second worker, queue nothing twice; a message with no natural key gets a unique one."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._messages: list[OutboxMessage] = []

    def dm(self, profile: Profile, msg: Message, *, key: str) -> None:
        """Unprompted, to the profile's member: held until their quiet hours end."""
        self._add(DirectMessage(profile.member, msg), key, not_before(profile, self._now))

    def answer(self, member: Member, msg: Message, *, key: str = "") -> None:
        """By DM, what the member just asked for (an export): never held."""
        self._add(DirectMessage(member, msg), key, self._now)

    def post(self, channel: Channel, msg: Message, *, key: str, anchor: str = "") -> None:
        """In the channel; with an `anchor`, the first post under it is made and each later
        one edits that post in place."""
        self._add(ChannelPost(channel, msg, anchor), key, self._now)

    def group(
        self,
        members: Sequence[Member],
        msg: Message,
        *,
        key: str,
        title: str,
        near: Channel | None = None,
    ) -> None:
        """A private group conversation for `members` (a thread named `title` `near` a channel
        where the platform has no group DMs)."""
        self._add(GroupIntro(tuple(members), msg, near, title), key, self._now)

    def queue(self, uow: UnitOfWork) -> int:
        """Into `uow`'s outbox; how many were new. Once queued, nothing is queued again."""
        messages, self._messages = self._messages, []
        return uow.outbox.add_many(messages, now=self._now)

    def _add(
        self, effect: DirectMessage | ChannelPost | GroupIntro, key: str, at: datetime
    ) -> None:
        self._messages.append(OutboxMessage(effect, key or f"cmd:{uuid.uuid4()}", at))

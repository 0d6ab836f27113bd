"""Parallel worlds on one real database: each world a workspace, all under one clock.

An attack on indistinguishability compares what one member observes in two worlds that differ
only in what someone else privately did (a block, a pause, a decline…). Every world runs the
real command service, the real store (SQLite or PostgreSQL), the real ticker and the real
outbox delivery; a recording messenger plays the platform. The worlds share the database and
the clock, and each tick serves them all, so timings compare exactly.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.app import Buddy, build
from bot.commands.base import ActionInput, CommandInput
from bot.config import Settings
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message
from bot.delivery import Delivery
from bot.scheduler import Ticker
from tests.fakes import ManualClock
from tests.mentions import mentions_in
from tests.unit.harness import NOW

NAMES = {
    "UALICE": "Alice",
    "UBOB": "Bob",
    "UCAROL": "Carol",
    "UDAN": "Dan",
    "USAM": "Sam",
    "UMALLORY": "Mallory",
    "UORG": "Org",
}


@dataclass(frozen=True)
class Seen:
    """One thing a member saw: when, where, the words, and the buttons (label and action:
    payloads hold per-world ids, which say nothing the label does not)."""

    at: datetime
    where: str  # "reply", "dm", "group", "post"
    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    attachment: str = ""


def seen(at: datetime, where: str, msg: Message) -> Seen:
    return Seen(
        at,
        where,
        msg.plain_text(),
        tuple((c.label, c.action) for c in msg.choices),
        _without_uids(msg.attachment.content) if msg.attachment else "",
    )


# A calendar file's UID names its workspace and records: per world, as a payload's ids are.
_UID = re.compile(r"^UID:.*(?:\r?\n[ \t].*)*", re.MULTILINE)


def _without_uids(content: str) -> str:
    return _UID.sub("UID:…", content)


class Recorder:
    """The platform: every delivered message, by recipient, at the clock's time."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self.log: list[tuple[Member | Channel, Seen]] = []
        self._groups: dict[str, tuple[Member, ...]] = {}

    async def send_dm(self, member: Member, message: Message) -> None:
        self.log.append((member, seen(self._clock.now(), "dm", message)))

    async def post(self, channel: Channel, message: Message) -> None:
        for member in self._groups.get(channel.channel_id, ()):
            self.log.append((member, seen(self._clock.now(), "group", message)))
        if channel.channel_id not in self._groups:
            self.log.append((channel, seen(self._clock.now(), "post", message)))

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
        key = (
            "group-" + "-".join(sorted(m.user_id for m in members)) + f"-{members[0].workspace_id}"
        )
        self._groups[key] = tuple(members)
        group = Channel(members[0].platform, members[0].workspace_id, key)
        await self.post(group, message)
        return group


@dataclass
class Worlds:
    """Named worlds (workspaces) over one app; members are named by user id (`"UBOB"`)."""

    app: Buddy
    clock: ManualClock
    recorder: Recorder
    delivery: Delivery
    ticker: Ticker
    loop: asyncio.AbstractEventLoop
    replies: list[tuple[Member, Seen]] = field(default_factory=list)

    @staticmethod
    def member(world: str, user: str) -> Member:
        return Member(Platform.SLACK, world, user)

    @staticmethod
    def channel(world: str, name: str = "CGENERAL") -> Channel:
        return Channel(Platform.SLACK, world, name)

    def say(
        self,
        world: str,
        text: str,
        *,
        by: str,
        in_channel: bool = False,
        is_organiser: bool = False,
    ) -> str:
        """Run a command as `by`; its reply (recorded among what `by` saw)."""
        who = self.member(world, by)
        reply = self.app.service.run(
            CommandInput(
                text=text,
                invoker=who,
                channel=self.channel(world) if in_channel else None,
                invoker_name=NAMES.get(by, by),
                mentions=mentions_in(text, by=who, names=NAMES),
                is_organiser=is_organiser,
            )
        )
        self._settle()
        self.replies.append((who, seen(self.clock.now(), "reply", reply)))
        return reply.plain_text()

    def press(self, world: str, action: str, payload: str, *, by: str) -> Seen:
        who = self.member(world, by)
        reply = self.app.service.press(ActionInput(action=action, payload=payload, invoker=who))
        self._settle()
        observed = seen(self.clock.now(), "reply", reply)
        self.replies.append((who, observed))
        return observed

    def wait(self, delta: timedelta, *, step: timedelta = timedelta(hours=6)) -> None:
        """Let time pass, ticking and delivering every `step` (and at the end)."""
        end = self.clock.now() + delta
        while self.clock.now() < end:
            self.clock.set(min(self.clock.now() + step, end))
            self.loop.run_until_complete(self.ticker.tick())

    def pause(self, world: str, user: str, *, until: datetime | None) -> None:
        """The member pauses the bot (no command sets this yet: straight into their profile)."""
        who = self.member(world, user)
        with self.app.uow_factory() as uow:
            profile = uow.profiles.get(who)
            assert profile is not None, f"{user} has no profile in {world}"
            uow.profiles.save(replace(profile, paused_until=until), now=self.clock.now())
            uow.commit()

    def _settle(self) -> None:
        self.loop.run_until_complete(self.delivery.deliver_due())

    def seen_by(self, world: str, user: str) -> list[Seen]:
        """Everything this member saw, in order: replies, DMs, group messages."""
        who = self.member(world, user)
        got = [s for m, s in self.replies if m == who]
        got += [s for to, s in self.recorder.log if to == who]
        return sorted(got, key=lambda s: s.at)

    def dms_to(self, world: str, user: str) -> list[Seen]:
        return [s for s in self.seen_by(world, user) if s.where != "reply"]

    def export(self, world: str, *, by: str) -> dict[str, Any]:
        """The member's export, as they would read it (delivered, then parsed)."""
        self.say(world, "export", by=by)
        files = [s for s in self.dms_to(world, by) if s.attachment]
        data: dict[str, Any] = json.loads(files[-1].attachment)
        return data


def open_worlds(database_url: str) -> Iterator[Worlds]:
    clock = ManualClock(NOW)
    settings = Settings(database_url=database_url)
    app = build(settings, clock=clock, migrate=False)
    recorder = Recorder(clock)
    delivery = app.delivery({Platform.SLACK: recorder})
    loop = asyncio.new_event_loop()
    try:
        yield Worlds(
            app=app,
            clock=clock,
            recorder=recorder,
            delivery=delivery,
            ticker=app.ticker(after_tick=delivery.deliver_due),
            loop=loop,
        )
    finally:
        loop.close()
        app.engine.dispose()

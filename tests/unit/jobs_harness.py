"""The bot over time: commands, then the clock moved on and a real `Ticker` over the fake store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.commands.jobs import default_jobs
from bot.core.effects import ChannelPost, DirectMessage
from bot.core.identity import Channel, Member
from bot.core.message import Message
from bot.core.policy import Policy
from bot.scheduler import Ticker
from tests.fakes import OutboxRow
from tests.unit.harness import Buddy

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@dataclass
class Timeline:
    """Drives the bot as time passes; `new_dms`/`new_posts` return what the ticks queued since
    the last look, so each test reads like a member's inbox."""

    buddy: Buddy
    ticker: Ticker
    seen: set[str] = field(default_factory=set)

    async def tick(self) -> dict[str, int]:
        return await self.ticker.tick()

    async def at(self, when: datetime) -> dict[str, int]:
        """Move the clock to `when`, then tick."""
        self.buddy.clock.set(when)
        return await self.tick()

    async def after(self, delta: timedelta) -> dict[str, int]:
        self.buddy.clock.advance(delta)
        return await self.tick()

    def _new(self) -> list[OutboxRow]:
        rows = [row for row in self.buddy.store.outbox if row.key not in self.seen]
        self.seen.update(row.key for row in rows)
        return rows

    def new_rows(self) -> list[OutboxRow]:
        return self._new()

    def new_dms(self, to: Member) -> list[Message]:
        rows = self._new()
        return [
            r.effect.message
            for r in rows
            if isinstance(r.effect, DirectMessage) and r.effect.to == to
        ]

    def new_posts(self, channel: Channel) -> list[Message]:
        rows = self._new()
        return [
            r.effect.message
            for r in rows
            if isinstance(r.effect, ChannelPost) and r.effect.channel == channel
        ]

    def mark_seen(self) -> None:
        self._new()


def pause(buddy: Buddy, member: Member, *, until: datetime) -> None:
    """Pause a member as the `pause` command does (the pairing commands own it): the profile."""
    with buddy.store() as uow:
        profile = uow.profiles.get(member)
        assert profile is not None
        uow.profiles.save(replace(profile, paused_until=until), now=buddy.clock.now())
        uow.commit()


def timeline(buddy: Buddy, *, policy: Policy | None = None, batch: int = 200) -> Timeline:
    ticker = Ticker(
        uow_factory=buddy.store,
        clock=buddy.clock,
        jobs=default_jobs(policy or Policy()),
        batch=batch,
    )
    return Timeline(buddy, ticker)

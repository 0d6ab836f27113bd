"""`forget-me` leaves no word, id or name of the member behind, and nothing about them is sent.

The member types a unique marker into every command that keeps or sends text, spreads them to
other members (intros made, a quoted intro reason, a held digest and intro ask), then erases
themselves. Every table is dumped (SQLite and PostgreSQL) and, on SQLite, the raw file bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, make_url, text

from bot.app import Buddy, build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING
from bot.commands.intros import ACTION_ACCEPT
from bot.config import Settings
from bot.core.effects import ChannelPost, DirectMessage, Effect, effect_to_json
from bot.core.events import Event
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message
from tests.fakes import ManualClock
from tests.mentions import mentions_in

T1 = "T1"
START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # a Thursday


def member(user_id: str) -> Member:
    return Member(Platform.SLACK, T1, user_id)


# The member to forget: their id and platform name are markers too.
X_ID = "UZQXIDQZ"
X_NAME = "Zqxname Qzmarker"
X = member(X_ID)
ANA, BEN, CAL, DAN = member("UANA"), member("UBEN"), member("UCAL"), member("UDAN")
NAMES = {X_ID: X_NAME, "UANA": "Ana", "UBEN": "Ben", "UCAL": "Cal", "UDAN": "Dan"}
HERE = Channel(Platform.SLACK, T1, "CGENERAL")
PAIRS = Channel(Platform.SLACK, T1, "CPAIRS")


def marker(what: str) -> str:
    return f"zq{what}qz"


TYPED = {
    what: marker(what)
    for what in (
        "offer",
        "lookingfor",
        "metcontext",
        "outsidename",
        "note",
        "promise",
        "give",
        "ask",
        "introreason",
        "heldreason",
    )
}
EVERY_MARKER = (*TYPED.values(), X_ID, X_NAME)


@dataclass
class Recorder:
    """A messenger that keeps what it was asked to send."""

    sent: list[Effect] = field(default_factory=list)

    async def send_dm(self, to: Member, message: Message) -> None:
        self.sent.append(DirectMessage(to, message))

    async def post(self, channel: Channel, message: Message) -> None:
        self.sent.append(ChannelPost(channel, message))

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
        group = Channel(Platform.SLACK, T1, "G" + "".join(sorted(m.user_id for m in members)))
        await self.post(group, message)
        return group


@dataclass
class World:
    buddy: Buddy
    clock: ManualClock
    recorder: Recorder

    def say(
        self, who: Member, line: str, *, channel: Channel | None = None, organiser: bool = False
    ) -> Message:
        return self.buddy.service.run(
            CommandInput(
                text=line,
                invoker=who,
                channel=channel,
                invoker_name=NAMES[who.user_id],
                mentions=mentions_in(line, by=who, names=NAMES),
                platform_timezone="UTC",
                is_organiser=organiser,
            )
        )

    def press(self, who: Member, action: str, payload: str, channel: Channel | None = None) -> None:
        self.buddy.service.press(
            ActionInput(action, payload, who, channel, invoker_name=NAMES[who.user_id])
        )

    def cal_night(self, *going: Member) -> Event:
        """Cal announces "Cal night" (Friday 6pm) here, and `going` (in UTC) press Going."""
        self.say(CAL, 'event "Cal night" friday 6pm', channel=HERE)
        with self.buddy.uow_factory() as uow:
            [event] = uow.events.upcoming(HERE, now=self.clock.now())
        for member in going:
            self.say(member, "settings timezone UTC")
            self.press(member, ACTION_GOING, str(event.id), HERE)
        return event

    async def wait(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        await self.buddy.ticker().tick()
        await self.buddy.delivery({Platform.SLACK: self.recorder}).deliver_due()


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url)
    buddy = build(settings, clock=clock)
    yield World(buddy, clock, Recorder())
    buddy.engine.dispose()


def dump(engine: Engine) -> dict[str, str]:
    """Every table, as text, found by inspection (so a table added later is searched too)."""
    tables: dict[str, str] = {}
    with engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            tables[name] = "\n".join(repr(tuple(row)) for row in rows).casefold()
    return tables


def found_in(tables: dict[str, str], markers: Sequence[str]) -> dict[str, list[str]]:
    return {
        name: hits
        for name, content in tables.items()
        if (hits := [m for m in markers if m.casefold() in content])
    }


def intro_id(world: World, *, reason: str) -> str:
    with world.buddy.engine.connect() as connection:
        found = connection.scalar(text("SELECT id FROM intros WHERE reason = :r"), {"r": reason})
    assert found is not None
    return str(found)


async def live_a_full_life(world: World) -> None:
    """X types a marker into every command that keeps or sends text; it spreads to others."""
    for someone in (ANA, BEN, CAL):
        world.say(someone, "settings timezone UTC")
    # Ben offers what X looks for (a give idea in his digest), due inside his quiet hours.
    world.say(BEN, "offer kubernetes clusters")
    world.say(BEN, "settings digest monday 10:35 quiet 10:30-12:00")
    world.say(ANA, "offer maps")
    world.say(X, "settings timezone Europe/Paris quiet 23:00-07:00")
    world.say(X, f"offer {TYPED['offer']} maps")
    world.say(X, f"looking-for help with {TYPED['lookingfor']} kubernetes clusters")
    world.say(X, f"met <@UANA> {TYPED['metcontext']}")
    world.say(X, f'met "Sam {TYPED["outsidename"]}" at a meetup')
    world.say(X, f"note <@UANA> {TYPED['note']}")
    world.say(X, f"promise <@UANA> {TYPED['promise']} by friday")
    world.say(X, "keep-in-touch <@UANA> every 2 weeks")
    world.say(X, "block <@UDAN>")
    # No give yet: the give-first check offers "Post anyway", which X presses.
    asked = world.say(X, f"ask {TYPED['ask']}", channel=HERE)
    [post_anyway] = asked.choices
    world.press(X, post_anyway.action, post_anyway.payload, HERE)
    world.say(X, f"give <@UANA> {TYPED['give']}")
    # Others know X: a contact named by the platform, and their own words (which stay).
    world.say(ANA, "met <@UZQXIDQZ> at Ana's own words")
    # X introduces Ana and Cal: both accept, so each gets a meeting quoting X's reason.
    world.say(X, f"intro <@UANA> <@UCAL> {TYPED['introreason']}")
    made = intro_id(world, reason=TYPED["introreason"])
    world.press(ANA, ACTION_ACCEPT, made)
    world.press(CAL, ACTION_ACCEPT, made)
    # Cal introduces X and Ben; both accept: Ben's contact for X carries X's platform name.
    world.say(CAL, "intro <@UZQXIDQZ> <@UBEN> you should talk")
    side = intro_id(world, reason="you should talk")
    world.press(X, ACTION_ACCEPT, side)
    world.press(BEN, ACTION_ACCEPT, side)
    # Pairing rounds (Mondays 10:00) in a channel X organises and joins, with Ana.
    world.say(X, "pairing on every 1 weeks groups of 2", channel=PAIRS, organiser=True)
    for someone in (X, ANA):
        world.say(someone, "join", channel=PAIRS)
    await world.wait(timedelta(days=3, hours=19))  # Monday 09:00: heads-ups
    await world.wait(timedelta(hours=1, minutes=40))  # 10:40: the round; Ben's digest is held
    # X introduces Ana and Ben while Ben's quiet hours hold the DM quoting X's reason.
    world.say(X, f"intro <@UANA> <@UBEN> {TYPED['heldreason']}")


async def test_forget_me_leaves_no_word_id_or_name_of_the_member_in_any_table(
    world: World,
) -> None:
    await live_a_full_life(world)
    before = found_in(dump(world.buddy.engine), EVERY_MARKER)
    # The attack's premise: the markers did spread, to other members' rows and the outbox.
    assert {"outbox", "meetings", "contacts", "intros", "pairing_seats"} <= before.keys()

    reply = world.say(X, "forget-me confirm")
    assert "erased everything" in reply.plain_text()

    assert found_in(dump(world.buddy.engine), EVERY_MARKER) == {}
    # Other members keep what they typed themselves.
    assert "Ana's own words" in world.say(ANA, "people").plain_text()


async def test_nothing_queued_that_quotes_a_forgotten_member_is_delivered(world: World) -> None:
    await live_a_full_life(world)
    world.recorder.sent.clear()
    world.say(X, "forget-me confirm")
    # Quiet hours end, the digest comes due, follow-ups fall due: everything is delivered.
    for _ in range(3):
        await world.wait(timedelta(days=3))
    assert world.recorder.sent, "other members still get their messages"
    sent = repr([effect_to_json(effect) for effect in world.recorder.sent]).casefold()
    assert [m for m in EVERY_MARKER if m.casefold() in sent] == []


async def test_a_forgotten_members_words_do_not_linger_in_the_sqlite_file(
    world: World,
) -> None:
    url = make_url(str(world.buddy.engine.url))
    if url.get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL reclaims dead rows by VACUUM; its files are not ours to read")
    await live_a_full_life(world)
    world.say(X, "forget-me confirm")
    world.buddy.engine.dispose()

    path = Path(str(url.database))
    files = [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    raw = b"".join(p.read_bytes() for p in files).lower()
    assert [m for m in EVERY_MARKER if m.lower().encode() in raw] == []


async def test_a_member_cannot_escape_a_block_by_forgetting_themselves(world: World) -> None:
    # Dan's block is Dan's: it is what keeps X away from him, so erasing X keeps it.
    for someone in (DAN, CAL):
        world.say(someone, "settings timezone UTC")
    world.say(DAN, "block <@UZQXIDQZ>")
    world.say(X, "forget-me confirm")
    world.say(X, "offer a fresh start")

    world.say(CAL, "intro <@UZQXIDQZ> <@UDAN> you two should meet")
    await world.wait(timedelta(days=1))

    reached_dan = [e for e in world.recorder.sent if isinstance(e, DirectMessage) and e.to == DAN]
    assert reached_dan == []

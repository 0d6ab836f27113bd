"""Issue #10 item 7: one member cannot flood a channel, the store or a reply.

Each attack goes through the command service on the real store, SQLite and PostgreSQL; a refusal
is a clear answer and leaves every table as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Buddy, build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.intros import ACTION_DECLINE
from bot.commands.ledger import ACTION_POST_ANYWAY
from bot.config import Settings
from bot.core.effects import ChannelPost, DirectMessage, effect_from_json
from bot.core.identity import Channel, Member, Platform
from bot.core.intros import MAX_WAITING
from bot.core.limits import LIST_SHOWN
from bot.store.schema import full_metadata
from tests.fakes import ManualClock
from tests.mentions import mentions_in
from tests.seeding import add_undated_promise

NOW = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)  # a Thursday
ANN = Member(Platform.SLACK, "T1", "UANN")
GENERAL = Channel(Platform.SLACK, "T1", "CGENERAL")
RANDOM = Channel(Platform.SLACK, "T1", "CRANDOM")


@dataclass
class Bot:
    buddy: Buddy
    clock: ManualClock

    def say(self, text: str, *, by: Member = ANN, channel: Channel | None = None) -> str:
        names = {"USAM": "Sam", by.user_id: by.user_id.title()}
        return self.buddy.service.run(
            CommandInput(
                text=text,
                invoker=by,
                channel=channel,
                mentions=mentions_in(text, by=by, names=names),
            )
        ).plain_text()

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: what "nothing changed" is measured against."""
        with self.buddy.engine.connect() as connection:
            return {
                table.name: sorted(
                    (tuple(map(repr, row)) for row in connection.execute(select(table))),
                )
                for table in full_metadata().sorted_tables
            }

    def refused(self, text: str, *, by: Member = ANN, channel: Channel | None = None) -> str:
        before = self.dump()
        reply = self.say(text, by=by, channel=channel)
        assert reply.startswith("⚠️"), reply
        assert self.dump() == before, f"{text!r} changed the store"
        return reply

    def seed_promises(self, owner: Member, count: int) -> None:
        """Open promises made before the limit existed (or up to it), in one transaction."""
        with self.buddy.uow_factory() as uow:
            contact = uow.contacts.add(owner=owner, name="Sam", member_user_id=None, now=NOW)
            for number in range(1, count + 1):
                add_undated_promise(
                    uow,
                    owner=owner,
                    contact_id=contact.id,
                    number=number,
                    what=f"thing {number}",
                    now=NOW,
                )
            uow.commit()


@pytest.fixture
def bot(database_url: str) -> Iterator[Bot]:
    clock = ManualClock(NOW)
    settings = Settings(database_url=database_url)
    buddy = build(settings, clock=clock, migrate=False)
    try:
        yield Bot(buddy, clock)
    finally:
        buddy.engine.dispose()


def queued(bot: Bot) -> list[Any]:
    with bot.buddy.engine.connect() as connection:
        rows = connection.execute(select(full_metadata().tables["outbox"].c.payload)).all()
    return [effect_from_json(row[0]) for row in rows]


def posts_in(bot: Bot, channel: Channel) -> int:
    return sum(1 for e in queued(bot) if isinstance(e, ChannelPost) and e.channel == channel)


def dms_to(bot: Bot, member: Member) -> int:
    return sum(1 for e in queued(bot) if isinstance(e, DirectMessage) and e.to == member)


# --- asks -------------------------------------------------------------------------------------


def test_a_member_cannot_flood_a_channel_with_asks(bot: Bot) -> None:
    bot.say('give "Sam" a link to the asyncio docs')  # a give first, so asks are posted
    for n in range(3):
        assert bot.say(f"ask a review of my CV, take {n}", channel=GENERAL).startswith("📣 Posted")
    assert posts_in(bot, GENERAL) == 3

    reply = bot.refused("ask a review of my CV, take 4", channel=GENERAL)

    assert "You've posted 3 asks in this channel in the last day" in reply
    assert "haven't saved or posted this one" in reply
    assert "You can ask here again from Fri 27 Nov 2026, 14:57" in reply
    assert posts_in(bot, GENERAL) == 3
    # Another channel is another audience; and a day later this one takes asks again.
    assert bot.say("ask a mentor in Rust", channel=RANDOM).startswith("📣 Posted")
    bot.clock.advance(timedelta(days=1))
    assert bot.say("ask a review of my CV, take 4", channel=GENERAL).startswith("📣 Posted")
    assert posts_in(bot, GENERAL) == 4


def test_a_member_cannot_flood_a_channel_through_post_anyway(bot: Bot) -> None:
    payloads = []
    for n in range(4):  # no give logged: each ask offers "Post anyway"
        reply = bot.buddy.service.run(
            CommandInput(text=f"ask help number {n}", invoker=ANN, channel=GENERAL)
        )
        [choice] = reply.choices
        assert choice.action == ACTION_POST_ANYWAY
        payloads.append(choice.payload)

    def press(payload: str) -> str:
        return bot.buddy.service.press(
            ActionInput(action=ACTION_POST_ANYWAY, payload=payload, invoker=ANN, channel=GENERAL)
        ).plain_text()

    for payload in payloads[:3]:
        assert press(payload).startswith("📣 Posted your ask")
    before = bot.dump()
    reply = press(payloads[3])

    assert reply.startswith("⚠️ You've posted 3 asks in this channel in the last day"), reply
    assert bot.dump() == before
    assert posts_in(bot, GENERAL) == 3


# --- promises ---------------------------------------------------------------------------------


def test_a_member_cannot_pile_up_more_than_200_open_promises(bot: Bot) -> None:
    bot.seed_promises(ANN, 199)
    assert bot.say('promise "Sam" the slides').startswith("✅ Promise #200: send Sam")

    reply = bot.refused('promise "Sam" one more thing')

    assert "You have 200 open promises already; I keep up to 200 at once" in reply
    assert "done <number> the ones you kept, or drop <number>" in reply
    # Settling one makes room again, under a new number: #7 is held for a week.
    assert bot.say("done 7").startswith("🎉 Kept")
    assert bot.say('promise "Sam" one more thing').startswith("✅ Promise #201: send Sam")


def test_a_member_with_1500_open_promises_gets_one_short_list(bot: Bot) -> None:
    bot.seed_promises(ANN, 1500)  # made before the limit existed

    reply = bot.say("promises")

    lines = reply.splitlines()
    assert lines[0] == "Your open promises (1,500), soonest first:"
    assert [line for line in lines if line.startswith("• ")] == [
        f"• #{n} thing {n} → Sam · no date" for n in range(1, LIST_SHOWN + 1)
    ]
    assert "…and 1,480 more: export sends you the full list." in lines
    assert "Promises kept: 0; open: 1500" in bot.say("stats")
    assert "You have 1,500 open promises already" in bot.refused('promise "Sam" yet another')


# --- intros -----------------------------------------------------------------------------------


def test_a_member_cannot_keep_more_than_five_intros_waiting(bot: Bot) -> None:
    people = [Member(Platform.SLACK, "T1", f"UP{n}") for n in range(2 * (MAX_WAITING + 1))]
    for person in people:
        bot.say("settings", by=person)  # they have used the bot, and welcome intros
    pairs = [(people[2 * n], people[2 * n + 1]) for n in range(MAX_WAITING + 1)]
    for a, b in pairs[:MAX_WAITING]:
        assert bot.say(f"intro <@{a.user_id}> <@{b.user_id}> you both like Rust").startswith("🤝")
    # A decline frees no slot before the week is out: that would tell the introducer of it.
    first, _ = pairs[0]
    with bot.buddy.uow_factory() as uow:
        [intro] = uow.intros.involving(first)
    declined = bot.buddy.service.press(
        ActionInput(action=ACTION_DECLINE, payload=str(intro.id), invoker=first)
    )
    assert not declined.plain_text().startswith("⚠️"), declined.plain_text()
    a, b = pairs[MAX_WAITING]

    reply = bot.refused(f"intro <@{a.user_id}> <@{b.user_id}> you both like Rust")

    assert f"You have {MAX_WAITING} introductions waiting for answers already" in reply
    assert dms_to(bot, a) == dms_to(bot, b) == 0


# --- export -----------------------------------------------------------------------------------


def test_a_member_cannot_ask_for_an_export_more_than_once_an_hour(bot: Bot) -> None:
    bot.say('note "Sam" likes sourdough')
    assert bot.say("export").startswith("📦 I've sent you a DM")
    assert dms_to(bot, ANN) == 1
    bot.clock.advance(timedelta(minutes=20))

    reply = bot.refused("export")

    assert "I sent you an export less than an hour ago: it's in our DM (buddy-export.json)" in (
        reply
    )
    assert "The next one can go out from Thu 26 Nov 2026, 15:57 UTC (in 40 minutes)" in reply
    assert dms_to(bot, ANN) == 1
    bot.clock.advance(timedelta(minutes=40))
    assert bot.say("export").startswith("📦 I've sent you a DM")
    assert dms_to(bot, ANN) == 2


# --- lists ------------------------------------------------------------------------------------


def test_a_member_who_met_hundreds_gets_a_capped_follow_up_list(bot: Bot) -> None:
    for n in range(LIST_SHOWN + 7):
        bot.say(f'met "Person {n}" at the meetup')

    reply = bot.say("follow-ups")

    assert sum(1 for line in reply.splitlines() if line.startswith("• ")) == LIST_SHOWN
    assert "…and 7 more: export sends you the full list." in reply

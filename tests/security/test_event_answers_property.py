"""Attacks on "who is going is for those going", and on declines, as properties.

Carol (not an organiser) announces a limited event; members answer Going, Maybe and Can't go in
any order, drop out, join the waiting list and move up, and anyone presses "Who's going" or
types `events` between. Alice never says she is going and is no organiser: everything she sees
(the channel post, `events`, her button replies, her DMs) must be what she would see if nobody
else had answered, but for the post's public counts, and never names anyone but the event's
creator. And nobody but the decliner can tell a "Can't go" from silence: the post carries no
count of declines, and a drop-out reads as a maybe, but for the counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING, ACTION_MAYBE, ACTION_NO, ACTION_WHO
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import ChannelPost
from bot.core.events import Answer
from bot.core.identity import Member, Platform
from bot.core.message import Message, members_named
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import GENERAL, NOW

ALICE, CAROL, ORG = (Member(Platform.SLACK, "T1", u) for u in ("UALICE", "UCAROL", "UORG"))
OTHERS = tuple(Member(Platform.SLACK, "T1", u) for u in ("UBOB", "UDAN", "USAM", "UEVE"))
EVERYONE = (ALICE, CAROL, ORG, *OTHERS)
ANNOUNCE = 'event "Rust night" friday 6pm at Café limit 2'

Act = Literal["going", "maybe", "no", "who", "events"]
BUTTONS = {"going": ACTION_GOING, "maybe": ACTION_MAYBE, "no": ACTION_NO, "who": ACTION_WHO}
# The counts the post shows the whole channel: public, so the one thing allowed to change.
COUNTS = re.compile(r"✅ \d+(?: of \d+)? going · 🤔 \d+ maybe(?: · ⏳ \d+ waiting)?")


@dataclass(frozen=True)
class Step:
    who: Member
    act: Act


def _acts_of(member: Member) -> st.SearchStrategy[Act]:
    if member == ALICE:  # never going, so never on the waiting list either
        return st.sampled_from(["maybe", "no", "who", "events"])
    return st.sampled_from(["going", "maybe", "no", "who", "events"])


STEPS = st.lists(
    st.sampled_from(EVERYONE).flatmap(lambda m: _acts_of(m).map(lambda a: Step(m, a))),
    max_size=14,
)


@dataclass(frozen=True)
class Seen:
    """What one member was shown in one world: replies and DMs in order, and each distinct
    state of the channel post (its edits), all as text with the public counts blanked."""

    messages: tuple[str, ...]
    posts: frozenset[str]


def _text(msg: Message) -> str:
    return COUNTS.sub("✅ (counts)", msg.plain_text()) + repr([c.label for c in msg.choices])


class World:
    """The real command service over an in-memory store: one world per story."""

    def __init__(self) -> None:
        self.store = InMemoryStore()
        self.service = CommandService(
            uow_factory=self.store, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
        )
        self.replies: list[tuple[Member, Message]] = []
        self.say(CAROL, ANNOUNCE)
        [post] = [r.effect for r in self.store.outbox if isinstance(r.effect, ChannelPost)]
        self.event = post.message.choices[0].payload

    def say(self, who: Member, text: str) -> None:
        reply = self.service.run(
            CommandInput(
                text=text, invoker=who, channel=GENERAL, is_organiser=who == ORG, mentions={}
            )
        )
        self.replies.append((who, reply))

    def do(self, step: Step) -> None:
        if step.act == "events":
            self.say(step.who, "events")
            return
        reply = self.service.press(
            ActionInput(
                BUTTONS[step.act], self.event, step.who, GENERAL, is_organiser=step.who == ORG
            )
        )
        self.replies.append((step.who, reply))

    def answer_of(self, member: Member) -> Answer | None:
        with self.store() as uow:
            event = uow.events.get(GENERAL.workspace, 1)
            assert event is not None
            return next((r.answer for r in uow.events.answers(event) if r.member == member), None)

    def posts(self) -> list[Message]:
        return [r.effect.message for r in self.store.outbox if isinstance(r.effect, ChannelPost)]

    def seen_by(self, member: Member) -> Seen:
        dms = [r.effect.message for r in self.store.dms_to(member)]
        replies = [reply for who, reply in self.replies if who == member]
        return Seen(
            tuple(_text(m) for m in (*replies, *dms)),
            frozenset(_text(p) for p in self.posts()),
        )


def _story(steps: Sequence[Step]) -> World:
    world = World()
    for step in steps:
        world.do(step)
    return world


def _answering(step: Step) -> bool:
    return step.act in ("going", "maybe", "no")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(steps=STEPS)
@example(
    steps=[
        Step(OTHERS[0], "going"),
        Step(OTHERS[1], "going"),
        Step(OTHERS[2], "going"),  # full: waiting
        Step(OTHERS[3], "no"),
        Step(ALICE, "who"),
        Step(OTHERS[0], "no"),  # drops out: Sam moves up
        Step(ALICE, "events"),
        Step(ALICE, "maybe"),
    ]
)
def test_a_member_not_going_sees_counts_only_whatever_others_answered(
    steps: list[Step],
) -> None:
    real = _story(steps)
    alone = _story([s for s in steps if s.who == ALICE or not _answering(s)])

    assert real.seen_by(ALICE) == alone.seen_by(ALICE)
    for msg in (*real.posts(), *(r for who, r in real.replies if who == ALICE)):
        assert members_named(msg) <= {CAROL}, msg.plain_text()
    assert all(len(COUNTS.findall(p.plain_text())) <= 1 for p in real.posts())


@settings(max_examples=60, deadline=None, derandomize=True)
@given(steps=STEPS)
@example(
    steps=[
        Step(OTHERS[0], "going"),
        Step(OTHERS[1], "no"),
        Step(CAROL, "who"),
        Step(ORG, "who"),
        Step(OTHERS[0], "no"),
        Step(CAROL, "events"),
    ]
)
def test_a_decline_cannot_be_told_from_silence_by_anyone_else(steps: list[Step]) -> None:
    """A "Can't go" from someone not going is as if they never answered; from someone going
    or waiting (a drop-out), as a maybe: to everyone else, but for the public counts."""
    real = World()
    quiet = World()
    decliners = set()
    for step in steps:
        before = real.answer_of(step.who)
        real.do(step)
        if step.act != "no":
            quiet.do(step)
            continue
        decliners.add(step.who)
        if before in (Answer.GOING, Answer.WAITING):
            quiet.do(Step(step.who, "maybe"))
        # From a maybe, from silence or again: as if they had not pressed it.
    for post in real.posts():
        assert "can't go" not in post.plain_text().casefold(), post.plain_text()
    for member in EVERYONE:
        if member not in decliners:
            assert real.seen_by(member) == quiet.seen_by(member), member.user_id

"""Attacks on "people to meet there", consent first, as a property.

Five members go to an event; any of them may press "Suggest people to meet there", block
others, and describe what they offer and look for. Whatever they did, a member who did not ask
is shown exactly the same whether or not someone else asked (so nobody learns another's opt-in
by staying out), a suggestion only ever names someone who asked too, and never someone the
reader blocked or was blocked by.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING, ACTION_SUGGEST
from bot.commands.jobs.event_followups import EventSuggestions
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import ChannelPost, DirectMessage
from bot.core.event_followups import SUGGEST_BEFORE
from bot.core.identity import Member, Platform
from bot.core.message import Mention, Message, Paragraph
from tests.fakes import InMemoryStore, ManualClock
from tests.mentions import mentions_in
from tests.unit.harness import GENERAL, NOW

NAMES = {"UALICE": "Alice", "UBOB": "Bob", "UCAROL": "Carol", "UDAN": "Dan", "USAM": "Sam"}
PEOPLE = tuple(Member(Platform.SLACK, "T1", u) for u in NAMES)
WORDS = ("rust", "python", "hiring", "design")
Block = tuple[int, int]  # (blocker, blocked), as indexes into PEOPLE


class World:
    """Everyone going to one event; who asked for suggestions, who blocked whom, as drawn."""

    def __init__(self, *, asked: Set[int], blocks: Set[Block], profiles: list[int]) -> None:
        self.store = InMemoryStore()
        self.clock = ManualClock(NOW)
        self.service = CommandService(
            uow_factory=self.store, clock=self.clock, commands=COMMANDS, actions=ACTIONS
        )
        for index, member in enumerate(PEOPLE):
            self.say(member, "settings timezone UTC")
            offer, wants = divmod(profiles[index], len(WORDS))
            self.say(member, f"offer {WORDS[offer]}")
            self.say(member, f"looking-for {WORDS[wants]}")
        for blocker, blocked in sorted(blocks):
            self.say(PEOPLE[blocker], f"block <@{PEOPLE[blocked].user_id}>")
        self.say(PEOPLE[0], 'event "Rust night" friday 6pm', channel=True)
        [post] = [r.effect for r in self.store.outbox if isinstance(r.effect, ChannelPost)]
        event = post.message.choices[0].payload
        for index, member in enumerate(PEOPLE):
            self.service.press(ActionInput(ACTION_GOING, event, member, GENERAL))
            if index in asked:
                self.service.press(ActionInput(ACTION_SUGGEST, event, member))
        with self.store() as uow:
            [found] = uow.events.upcoming(GENERAL, now=NOW)
        # A few hours before it starts, then once more after a later tick: suggestions go out.
        for at in (found.starts_at - SUGGEST_BEFORE, found.starts_at - timedelta(hours=1)):
            self.clock.set(at)
            with self.store() as uow:
                EventSuggestions().run(uow, now=at, limit=100)
                uow.commit()

    def say(self, who: Member, text: str, *, channel: bool = False) -> None:
        self.service.run(
            CommandInput(
                text=text,
                invoker=who,
                channel=GENERAL if channel else None,
                invoker_name=NAMES[who.user_id],
                mentions=mentions_in(text, by=who, names=NAMES),
            )
        )

    def suggestions_to(self, member: Member) -> list[Message]:
        return [
            r.effect.message
            for r in self.store.dms_to(member)
            if isinstance(r.effect, DirectMessage) and r.key.startswith("event_suggest:")
        ]

    def dms_to(self, member: Member) -> list[str]:
        return [
            r.effect.message.plain_text()
            for r in self.store.dms_to(member)
            if isinstance(r.effect, DirectMessage)
        ]


def mentioned(msg: Message) -> set[Member]:
    """The members a message mentions (the event's title, quoted, is its creator's words)."""
    return {
        part.member
        for block in msg.blocks
        for para in ((block,) if isinstance(block, Paragraph) else block.items)
        for part in para.parts
        if isinstance(part, Mention)
    }


INDEXES = st.integers(0, len(PEOPLE) - 1)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    asked=st.frozensets(INDEXES),
    flip=st.integers(1, len(PEOPLE) - 1),
    blocks=st.frozensets(st.tuples(INDEXES, INDEXES).filter(lambda b: b[0] != b[1]), max_size=3),
    profiles=st.lists(st.integers(0, len(WORDS) ** 2 - 1), min_size=5, max_size=5),
)
@example(asked=frozenset({1, 2}), flip=1, blocks=frozenset(), profiles=[0, 1, 4, 5, 6])
@example(asked=frozenset({0, 1, 2}), flip=3, blocks=frozenset({(1, 0)}), profiles=[1] * 5)
@example(asked=frozenset({0, 1, 2}), flip=4, blocks=frozenset(), profiles=[1] * 5)
def test_suggestions_need_both_sides_consent_and_never_cross_a_block(
    asked: frozenset[int], flip: int, blocks: frozenset[Block], profiles: list[int]
) -> None:
    """Two worlds differing only in whether member `flip` asked for suggestions."""
    worlds = {
        frozenset(asked): World(asked=asked, blocks=blocks, profiles=profiles),
        frozenset(asked ^ {flip}): World(asked=asked ^ {flip}, blocks=blocks, profiles=profiles),
    }
    for opted, world in worlds.items():
        for index, member in enumerate(PEOPLE):
            named = {m for msg in world.suggestions_to(member) for m in mentioned(msg)}
            suggested = {PEOPLE.index(m) for m in named if m in PEOPLE} - {index}
            if index not in opted:
                assert suggested == set(), member.user_id  # never asked: nothing suggested
            assert suggested <= opted, member.user_id  # only others who asked
            assert not {(index, s) for s in suggested} & blocks, member.user_id
            assert not {(s, index) for s in suggested} & blocks, member.user_id
    one, other = worlds.values()
    for index, member in enumerate(PEOPLE):
        if index not in asked and index != flip:  # asked in neither world
            assert one.dms_to(member) == other.dms_to(member), member.user_id
    made = sum(len(w.suggestions_to(m)) for w in worlds.values() for m in PEOPLE)
    if len(asked - {flip}) >= 2 and not blocks:
        assert made  # the property is not empty: suggestions do go out

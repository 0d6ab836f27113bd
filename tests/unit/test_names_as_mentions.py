"""A member the bot names is a mention, never their display name written out: every reply,
DM, group intro and channel post of a scripted week is scanned for the members' names.
(`block` alone confirms with the name as text, by design: nothing about a block names them.)"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bot.commands.intros import ACTION_ACCEPT
from bot.commands.pairing import ACTION_MET
from bot.core.effects import ChannelPost, DirectMessage, GroupIntro
from bot.core.identity import Member
from bot.core.message import Code, CommandRef, Mention, Message, Paragraph, Strong, UserText
from tests.unit.harness import ALICE, BOB, CAROL, GENERAL, Buddy
from tests.unit.jobs_harness import timeline

SAM = Member(ALICE.platform, ALICE.workspace_id, "USAM")
# The display names the platform sends along with each member (tests/unit/harness.NAMES).
DISPLAY_NAMES = re.compile(r"\b(?:Alice|Bob|Carol|Sam)\b")


def _texts(msg: Message) -> Iterator[str]:
    """Every piece of text a reader sees written out (a mention is not one of them)."""
    for block in msg.blocks:
        for para in (block,) if isinstance(block, Paragraph) else block.items:
            for part in para.parts:
                match part:
                    case str():
                        yield part
                    case UserText(text) | Strong(text) | Code(text):
                        yield text
                    case CommandRef():
                        yield part.line
                    case Mention():
                        pass
    yield from (choice.label for choice in msg.choices)


def _a_week(buddy: Buddy) -> list[Message]:
    """Everything members read in a week of meetings, promises, an intro and a pairing round."""
    shown: list[Message] = []

    def say(line: str, *, by: Member = ALICE, **extra: Any) -> None:
        shown.append(buddy.run(line, by=by, **extra))

    for member in (ALICE, BOB, CAROL, SAM):
        say("offer code reviews", by=member)
        say("looking-for a co-organiser", by=member)
    say("met <@USAM> <@UBOB> at PyCon")
    say('met "Ana Lima" at the Lisbon meetup')
    say("note <@USAM> is hiring")
    say("promise <@USAM> the slides in 2 days")
    say("promise <@UBOB> a link")
    say("give <@UBOB> a broken link report")
    say("keep-in-touch <@USAM> every week")
    say("people")
    say("people <@USAM>")
    say("people <@UCAROL>")
    say("keep-in-touch <@UCAROL> off")
    say("promises")
    say("done 2")
    say("intro <@UBOB> <@USAM> you both organise meetups", by=CAROL, channel=GENERAL)
    [intro] = buddy.store.state.intros.values()
    for member in (BOB, SAM):
        shown.append(buddy.press(ACTION_ACCEPT, str(intro.id), by=member))
    say("people", by=BOB)
    say("pairing on", channel=GENERAL, is_organiser=True)
    for member in (ALICE, BOB, CAROL, SAM):
        say("join", by=member, channel=GENERAL)
    say("pairing now", channel=GENERAL, is_organiser=True)
    days = timeline(buddy)
    for _ in range(8 * 4):  # a week and a day, ticking every six hours
        asyncio.run(days.after(timedelta(hours=6)))
        for row in buddy.store.outbox:
            if ":checkin:" in row.key and isinstance(row.effect, DirectMessage):
                payload = row.effect.message.choices[0].payload
                shown.append(buddy.press(ACTION_MET, payload, by=row.effect.to))
    say("people", by=CAROL)
    say("stats", channel=GENERAL, is_organiser=True)
    for row in buddy.store.outbox:
        assert isinstance(row.effect, DirectMessage | GroupIntro | ChannelPost)
        shown.append(row.effect.message)
    return shown


def test_members_are_named_by_mention_in_everything_the_bot_sends(buddy: Buddy) -> None:
    shown = _a_week(buddy)
    everything = "\n".join(text for msg in shown for text in _texts(msg))
    # The scan reads what it should: outside people, follow-ups, the intro, the round.
    for seen in ("Ana Lima", "👋 You met", "introduced by", "🎉", "Did you meet", "digest"):
        assert seen in everything, seen
    written = {
        text for msg in shown for text in _texts(msg) if DISPLAY_NAMES.search(text) is not None
    }
    assert written == set()

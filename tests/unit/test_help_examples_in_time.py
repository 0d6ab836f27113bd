"""Every example the bot shows (in `help`, `help <command>` and the hints in its replies) is
accepted as written, whatever the day: at a year end, across DST changes, on a Friday night."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.identity import Member
from bot.core.message import Code, CommandRef, Message, Paragraph
from bot.web.links import SignedLinks
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, BOB, GENERAL, Buddy

SAM = Member(ALICE.platform, ALICE.workspace_id, "USAM")

# (UTC instant, the member's zone): moments when a fixed date or a day name could go wrong.
MOMENTS = [
    pytest.param(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), "Europe/Paris", id="december"),
    # 23:30 on 31 December in Los Angeles is already next year in UTC.
    pytest.param(datetime(2027, 1, 1, 7, 30, tzinfo=UTC), "America/Los_Angeles", id="year-end"),
    # Paris springs forward at 01:00 UTC on 28 March 2027; New York falls back on 1 November.
    pytest.param(datetime(2027, 3, 28, 0, 30, tzinfo=UTC), "Europe/Paris", id="dst-spring"),
    pytest.param(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York", id="dst-autumn"),
    # Friday 23:50 in Paris: "by friday" must not be a moment already gone.
    pytest.param(datetime(2026, 12, 4, 22, 50, tzinfo=UTC), "Europe/Paris", id="friday-night"),
]

# Lines whose replies carry example commands in their hints.
HINTED = (
    "pause",
    "snooze 1",
    "edit 1",
    "note <@UCAROL> a line",
    "people <@UCAROL>",
    "promise <@UALICE> a thing",
    "pairing sideways",
    "prompts sideways",
    "keep-in-touch",
    "forget-me",
)


def _buddy(now: datetime, timezone: str) -> Buddy:
    """A member (Alice, in `timezone`) with a contact @sam, promises #1 and #2, and pairing on
    in #general where @sam, @bob and she take part, and events 1 to 3 she announced there:
    everything an example may refer to."""
    store, clock = InMemoryStore(), ManualClock(now)
    links = SignedLinks(  # web pages on, as with BUDDY_SECRET_KEY set (`dashboard`, `me`)
        keys=["unit-tests"], base_url="https://buddy.test", lifetime=timedelta(hours=24),
        revocations=store,
    )  # fmt: skip
    service = CommandService(
        uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS, links=links
    )
    buddy = Buddy(service=service, store=store, clock=clock)
    for line in (
        f"settings timezone {timezone}",
        "met <@USAM> at PyCon",
        "promise <@USAM> the slides in 3 days",
        "promise <@USAM> a link",
        "snooze 2 in 2 days",  # something for `undo` to take back
    ):
        assert not buddy.say(line).startswith("⚠️"), line
    buddy.say("pairing on", channel=GENERAL, is_organiser=True)
    for title in ("Rust night", "Pairing lunch", "Demo day"):  # events 1 to 3, hers
        assert not buddy.say(f'event "{title}" in 10 days', channel=GENERAL).startswith("⚠️")
    for member in (ALICE, BOB, SAM):
        buddy.say("join", by=member, channel=GENERAL)
    return buddy


def _refs(msg: Message) -> Iterator[CommandRef | Code]:
    for block in msg.blocks:
        for para in (block,) if isinstance(block, Paragraph) else block.items:
            yield from (p for p in para.parts if isinstance(p, CommandRef | Code))


def _runnable(msg: Message) -> set[str]:
    """The command lines a member could copy as they are (usages with <placeholders> aside)."""
    return {
        ref.line
        for ref in _refs(msg)
        if isinstance(ref, CommandRef)
        and not any(c in ref.line for c in ("<", "[", "…", "@person"))
    }


def _shown(buddy: Buddy) -> set[str]:
    shown = _runnable(buddy.run("help"))
    for spec in COMMANDS:
        shown |= _runnable(buddy.run(f"help {spec.name}"))
    for line in HINTED:
        shown |= _runnable(buddy.run(line, channel=GENERAL, is_organiser=True))
    return shown


def _accepted(now: datetime, timezone: str, line: str) -> str:
    buddy = _buddy(now, timezone)
    name = line.split()[0]
    [spec] = [s for s in COMMANDS if name in (s.name, *s.aliases)]
    typed = line.replace("@sam", "<@USAM>").replace("@bob", "<@UBOB>").replace("@ana", "<@UANA>")
    if spec.needs_channel:  # pairing, prompts and events: in a channel, by an organiser
        return buddy.say(typed, channel=GENERAL, is_organiser=True)
    return buddy.say(typed, is_organiser=True)  # organisers' own commands (dashboard) too


@pytest.mark.parametrize(("now", "timezone"), MOMENTS)
def test_every_example_shown_is_accepted_as_written(now: datetime, timezone: str) -> None:
    shown = _shown(_buddy(now, timezone))
    assert {"promise @sam the Rust talk slides by friday", "pause 2 weeks"} <= shown
    refused = {}
    for line in sorted(shown):
        reply = _accepted(now, timezone, line)
        if reply.startswith(("⚠️", "Sorry")):
            refused[line] = reply
    assert not refused, refused


@pytest.mark.parametrize(("now", "timezone"), MOMENTS)
def test_every_time_in_the_promise_help_is_read_as_a_time(now: datetime, timezone: str) -> None:
    buddy = _buddy(now, timezone)
    phrases = [ref.text for ref in _refs(buddy.run("help promise")) if isinstance(ref, Code)]
    assert len(phrases) >= 6
    for phrase in phrases:
        reply = buddy.say(f"promise <@USAM> the venue list {phrase}")
        assert reply.startswith("✅"), (phrase, reply)
        assert "\nDue " in reply and "couldn't tell" not in reply, (phrase, reply)

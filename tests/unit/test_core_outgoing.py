"""Queuing, one way for commands and jobs: quiet hours held in one place, keys never twice."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, time
from pathlib import Path

from bot.core.effects import DirectMessage, GroupIntro
from bot.core.identity import Channel, Member, Platform
from bot.core.message import text_message
from bot.core.outgoing import Outgoing
from bot.core.records import Profile
from tests.fakes import InMemoryStore

ANN = Member(Platform.SLACK, "T1", "UANN")
BOB = Member(Platform.SLACK, "T1", "UBOB")
NIGHT = datetime(2026, 11, 2, 23, 0, tzinfo=UTC)
MORNING = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
SLEEPS = Profile(ANN, "Ann", quiet_start=time(22, 0), quiet_end=time(7, 0))
HELLO = text_message("hello")


def test_an_unprompted_dm_waits_for_the_end_of_quiet_hours_and_an_answer_does_not() -> None:
    store = InMemoryStore()
    outgoing = Outgoing(NIGHT)
    outgoing.dm(SLEEPS, HELLO, key="nudge:1")
    outgoing.answer(ANN, HELLO, key="export:1")
    with store() as uow:
        assert outgoing.queue(uow) == 2
        uow.commit()
    held = {row.key: row.not_before for row in store.outbox}
    assert held == {"nudge:1": MORNING, "export:1": NIGHT}


def test_a_key_is_queued_once_however_often_a_command_or_job_runs() -> None:
    store = InMemoryStore()
    for _ in range(2):
        outgoing = Outgoing(NIGHT)
        outgoing.group(
            (ANN, BOB),
            HELLO,
            key="intro:1:made",
            title="👋 Introductions",
            near=Channel(Platform.SLACK, "T1", "C1"),
        )
        outgoing.answer(BOB, HELLO)  # no natural key: one of its own
        with store() as uow:
            outgoing.queue(uow)
            assert outgoing.queue(uow) == 0  # what was queued is not queued again
            uow.commit()
    groups = [row.effect for row in store.outbox if isinstance(row.effect, GroupIntro)]
    assert groups == [GroupIntro((ANN, BOB), HELLO, Channel(Platform.SLACK, "T1", "C1"))]
    assert len([r for r in store.outbox if isinstance(r.effect, DirectMessage)]) == 2


def test_commands_and_jobs_queue_messages_only_through_outgoing() -> None:
    """No `uow.outbox.add…` and no hand-made effects in bot/commands: one way, quiet hours once."""
    commands = Path(__file__).parents[2] / "bot" / "commands"
    found = []
    for path in commands.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
            if name in {"add", "add_many"} and "outbox" in ast.unparse(node):
                found.append(f"{path.name}: {ast.unparse(node)}")
            if name in {"DirectMessage", "ChannelPost", "GroupIntro", "not_before"}:
                found.append(f"{path.name}: {name}")
    assert found == []

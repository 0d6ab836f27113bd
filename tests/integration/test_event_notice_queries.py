"""Telling an event's members about a change reads their profiles once for all of them, on
SQLite and PostgreSQL: cancelling an event 12 go to costs the same profile reads as one 3 go to,
and everyone answering is still told."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select

from bot.app import build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING
from bot.config import Settings
from bot.core.identity import Channel, Member, Platform
from bot.store.models import OutboxRow
from tests.fakes import ManualClock

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CARL = Member(Platform.SLACK, "T1", "U_CARL")
RUST = Channel(Platform.SLACK, "T1", "C_RUST")


def _profile_reads_to_cancel(database_url: str, *, going: int, title: str) -> tuple[int, int]:
    """Profile SELECTs run by `event cancel` of an event `going` members go to (each has used
    the bot, so has a profile); and how many of them were told."""
    buddy = build(Settings(database_url=database_url), clock=ManualClock(NOW))
    try:
        buddy.service.run(
            CommandInput(text=f'event "{title}" friday 6pm', invoker=CARL, channel=RUST)
        )
        with buddy.uow_factory() as uow:
            [created] = [e for e in uow.events.upcoming(RUST, now=NOW) if e.title == title]
        for n in range(going):
            member = Member(Platform.SLACK, "T1", f"U_{title}_{n}")
            buddy.service.run(CommandInput(text="settings timezone Europe/Paris", invoker=member))
            buddy.service.press(
                ActionInput(ACTION_GOING, str(created.id), invoker=member, channel=RUST)
            )
        reads: list[str] = []

        def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            words = " ".join(statement.split()) + " "
            if words.startswith("SELECT") and "FROM profiles " in words:
                reads.append(words)

        sa_event.listen(buddy.engine, "before_cursor_execute", capture)
        buddy.service.run(
            CommandInput(text=f"event cancel {created.number}", invoker=CARL, channel=RUST)
        )
        sa_event.remove(buddy.engine, "before_cursor_execute", capture)
        with buddy.engine.connect() as connection:
            keys = connection.scalars(select(OutboxRow.idempotency_key)).all()
        told = sum(1 for k in keys if k.startswith(f"event:{created.id}:cancelled:"))
        return len(reads), told
    finally:
        buddy.engine.dispose()


def test_cancelling_reads_profiles_once_however_many_are_going(database_url: str) -> None:
    few_reads, few_told = _profile_reads_to_cancel(database_url, going=3, title="small")
    many_reads, many_told = _profile_reads_to_cancel(database_url, going=12, title="large")

    assert (few_told, many_told) == (3, 12)
    assert many_reads == few_reads

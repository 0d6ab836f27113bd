"""What the ticker's jobs find due, on SQLite and PostgreSQL: exactly what is due, claimed once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select

from bot.commands.jobs import default_jobs
from bot.core.events import Answer, Rsvp
from bot.core.identity import Channel, Member, Platform
from bot.core.policy import Policy
from bot.core.ports import WatchedJob
from bot.core.promises import words_key
from bot.core.records import Profile
from bot.scheduler import Ticker
from bot.store.models import (
    CadenceRow,
    ChannelPromptRow,
    ContactRow,
    MeetingRow,
    OutboxRow,
    ProfileRow,
    PromiseRow,
)
from bot.store.uow import SqlUnitOfWorkFactory
from tests.contracts.given import add_promise
from tests.fakes import ManualClock
from tests.integration.people import ANN, BOB, NOW

HOUR = timedelta(hours=1)
GENERAL = Channel(Platform.SLACK, "T1", "C_GENERAL")


async def test_the_ticker_queues_due_work_once_on_the_real_store(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann", quiet_start=time(22), quiet_end=time(7)), now=NOW)
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id="U_SAM", now=NOW)
        add_promise(uow, ANN, "slides", remind_at=NOW - HOUR)
        uow.meetings.add(
            owner=ANN, contact_id=sam.id, met_at=NOW, context="at PyCon", follow_up_at=NOW
        )
        uow.cadences.add(owner=ANN, contact_id=sam.id, every_days=7, due_at=NOW)
        uow.channel_prompts.put(GENERAL, weekday=0, timezone="UTC", next_post_at=NOW, now=NOW)
        uow.commit()
    ticker = Ticker(uow_factory=uow_factory, clock=ManualClock(NOW), jobs=default_jobs(Policy()))
    counts = await ticker.tick()
    mine = {
        "heads_ups": 0,
        "reminders": 1,
        "follow_ups": 1,
        "keep_in_touch": 1,
        "digest": 1,
        "channel_prompts": 1,
    }
    assert {name: counts[name] for name in mine} == mine
    assert await ticker.tick() == dict.fromkeys(counts, 0)
    from sqlalchemy import select

    from bot.store.models import OutboxRow

    with uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        kinds = [row.idempotency_key.split(":")[0] for row in rows]
        assert kinds == ["reminder", "follow_up", "keep_in_touch", "prompt"]
        assert [row.recipient for row in rows] == ["U_ANN", "U_ANN", "U_ANN", "C_GENERAL"]


# --- PostgreSQL: two workers never claim the same row -----------------------------------------


@pytest.fixture
def postgres_only(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite one process ticks")
    return engine


def test_two_concurrent_transactions_claim_disjoint_due_rows(
    postgres_only: Engine, uow_factory: SqlUnitOfWorkFactory
) -> None:
    with uow_factory() as uow:
        for n in range(5):
            add_promise(uow, ANN, f"p{n}", remind_at=NOW - HOUR, heads_up_at=NOW - HOUR)
        sam = uow.contacts.add(owner=BOB, name="Sam", member_user_id=None, now=NOW)
        for _ in range(5):
            uow.meetings.add(owner=BOB, contact_id=sam.id, met_at=NOW, context="", follow_up_at=NOW)
        for n in range(5):
            jo = uow.contacts.add(owner=BOB, name=f"Jo{n}", member_user_id=None, now=NOW)
            uow.cadences.add(owner=BOB, contact_id=jo.id, every_days=7, due_at=NOW)
        for n in range(5):
            channel = Channel(Platform.SLACK, "T1", f"C{n}")
            uow.channel_prompts.put(channel, weekday=0, timezone="UTC", next_post_at=NOW, now=NOW)
            uow.profiles.save(Profile(Member(Platform.SLACK, "T1", f"U{n}"), f"U{n}"), now=NOW)
        uow.commit()

    queries: dict[str, Any] = {
        "reminders": lambda u, n: [
            d.promise.id for d in u.promises.due_reminders(now=NOW, limit=n)
        ],
        "heads_ups": lambda u, n: [
            d.promise.id for d in u.promises.due_heads_ups(now=NOW, limit=n)
        ],
        "follow_ups": lambda u, n: [
            d.meeting.id for d in u.meetings.due_follow_ups(now=NOW, limit=n)
        ],
        "cadences": lambda u, n: [d.cadence.id for d in u.cadences.due(now=NOW, limit=n)],
        "digests": lambda u, n: [
            d.profile.member.user_id for d in u.profiles.due_digests(now=NOW, limit=n)
        ],
        "prompts": lambda u, n: [p.id for p in u.channel_prompts.due(now=NOW, limit=n)],
    }
    for name, query in queries.items():
        with uow_factory() as first, uow_factory() as second:
            mine = query(first, 3)  # held until `first` ends
            theirs = query(second, 10)
            assert len(mine) == 3 and len(theirs) == 2, name
            assert not set(mine) & set(theirs), name


# --- the due queries use their indexes ---------------------------------------------------------


@pytest.fixture
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    yield statements
    event.remove(engine, "before_cursor_execute", capture)


INDEXES = {
    "unscheduled digests": "ix_profiles_digest_due_at",
    "due digests": "ix_profiles_digest_due_at",
    "reminders": "ix_promises_remind_at_due",
    "heads_ups": "ix_promises_heads_up_at_due",
    "follow_ups": "ix_meetings_follow_up_at_due",
    "cadences": "ix_cadences_due_at",
    "prompts": "ix_channel_prompts_next_post_at",
}


CROWD = 3000  # rows not due: enough that reading the whole table would cost far more


@pytest.fixture
def crowded(engine: Engine) -> Engine:
    """Tables full of rows that are not due (later, closed, unscheduled), and statistics."""

    def later(i: int) -> datetime:  # distinct times, as real ones are: the statistics see them
        return NOW + timedelta(days=30, minutes=i)

    owner = {"platform": "slack", "workspace_id": "T1"}
    with engine.begin() as connection:
        contact_ids = (
            connection.execute(
                insert(ContactRow).returning(ContactRow.id),
                [
                    {
                        **owner,
                        "owner_id": f"U{i}",
                        "name": "Sam",
                        "name_key": "sam",
                        "created_at": NOW,
                        "last_touch_at": NOW,
                    }
                    for i in range(CROWD)
                ],
            )
            .scalars()
            .all()
        )
        per_row = [
            {**owner, "owner_id": f"U{i}", "contact_id": c} for i, c in enumerate(contact_ids)
        ]
        connection.execute(
            insert(PromiseRow),
            [
                {
                    **row,
                    "what": "x",
                    "words_key": words_key("x"),
                    "number": 1,
                    "status": "open" if i % 2 else "done",
                    "created_at": NOW,
                    "due_at": later(i),
                    "remind_at": later(i) if i % 2 else None,
                    "heads_up_at": later(i) if i % 2 else None,
                    "snoozes": 0,
                }
                for i, row in enumerate(per_row)
            ],
        )
        connection.execute(
            insert(MeetingRow),
            [
                {**row, "met_at": NOW, "context": "", "follow_up_at": later(i) if i % 2 else None}
                for i, row in enumerate(per_row)
            ],
        )
        connection.execute(
            insert(CadenceRow),
            [{**row, "every_days": 30, "due_at": later(i)} for i, row in enumerate(per_row)],
        )
        connection.execute(
            insert(ProfileRow),
            [
                {
                    **owner,
                    "owner_id": f"U{i}",
                    "display_name": "x",
                    "timezone": "UTC",
                    "timezone_chosen": False,
                    "quiet_start": None,
                    "quiet_end": None,
                    "digest_weekday": 0,
                    "digest_time": time(9),
                    "paused_until": None,
                    "open_to_intros": True,
                    "offer": "",
                    "looking_for": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "digest_due_at": later(i),
                }
                for i in range(CROWD)
            ],
        )
        connection.execute(
            insert(ChannelPromptRow),
            [
                {
                    **owner,
                    "channel_id": f"C{i}",
                    "weekday": 0,
                    "timezone": "UTC",
                    "next_post_at": later(i),
                    "created_at": NOW,
                }
                for i in range(CROWD)
            ],
        )
        connection.exec_driver_sql("ANALYZE")
    return engine


def test_each_due_query_reads_its_index_not_the_whole_table(
    crowded: Engine, uow_factory: SqlUnitOfWorkFactory, captured: list[tuple[str, Any]]
) -> None:
    with uow_factory() as uow:
        uow.profiles.due_digests(now=NOW, limit=100)  # two reads: unscheduled, then due
        uow.promises.due_reminders(now=NOW, limit=100)
        uow.promises.due_heads_ups(now=NOW, limit=100)
        uow.meetings.due_follow_ups(now=NOW, limit=100)
        uow.cadences.due(now=NOW, limit=100)
        uow.channel_prompts.due(now=NOW, limit=100)
    assert len(captured) == len(INDEXES)
    explain = "EXPLAIN" if crowded.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    with crowded.connect() as connection:
        for (statement, parameters), (query, index) in zip(captured, INDEXES.items(), strict=True):
            rows = connection.exec_driver_sql(f"{explain} {statement}", parameters).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            assert index in plan, f"{query}:\n{plan}"
            assert "Seq Scan" not in plan and "SCAN" not in plan, f"{query}:\n{plan}"


def test_the_ticks_first_query_steps_into_each_index_and_reads_no_table_whole(
    crowded: Engine, uow_factory: SqlUnitOfWorkFactory, captured: list[tuple[str, Any]]
) -> None:
    with uow_factory() as uow:
        watched = [job for job in default_jobs(Policy()) if isinstance(job, WatchedJob)]
        assert uow.due_kinds([job.due_check(NOW) for job in watched]) == set()
    [(statement, parameters)] = captured
    explain = "EXPLAIN" if crowded.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    with crowded.connect() as connection:
        rows = connection.exec_driver_sql(f"{explain} {statement}", parameters).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    for index in set(INDEXES.values()):
        assert index in plan, plan
    for table in ("promises", "meetings", "cadences", "profiles", "channel_prompts"):
        assert f"Seq Scan on {table}" not in plan and f"SCAN {table}\n" not in plan + "\n", plan


# --- event jobs run only when something of theirs is due -------------------------------------


async def test_an_idle_tick_runs_no_event_query_and_a_due_event_reminder_still_goes_out(
    uow_factory: SqlUnitOfWorkFactory, captured: list[tuple[str, Any]]
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann"), now=NOW)
        uow.profiles.schedule_digest(ANN, at=NOW + timedelta(days=30))
        event = uow.events.add(
            channel=GENERAL,
            creator=BOB,
            title="Rust night",
            starts_at=NOW + timedelta(days=2),
            ends_at=NOW + timedelta(days=2) + HOUR,
            place="Café",
            limit=None,
            timezone="UTC",
            now=NOW,
        )
        uow.events.save(
            replace(
                event,
                day_before_at=NOW + timedelta(days=1),
                hour_before_at=NOW + timedelta(days=2) - HOUR,
            )
        )
        uow.events.answer(Rsvp(event.id, ANN, Answer.GOING, NOW, suggest=True))
        uow.commit()
    clock = ManualClock(NOW)
    ticker = Ticker(uow_factory=uow_factory, clock=clock, jobs=default_jobs(Policy()))
    captured.clear()
    assert set((await ticker.tick()).values()) == {0}
    assert len(captured) == 1, captured  # the tick's one question, and no job's query after it
    captured.clear()

    clock.advance(timedelta(days=1))
    counts = await ticker.tick()
    assert counts["event_reminders"] == 1
    assert counts["event_suggestions"] == counts["event_who_did_you_meet"] == 0
    with uow_factory() as uow:
        keys = uow.session.scalars(select(OutboxRow.idempotency_key)).all()
    assert keys == [f"event_reminder:{event.id}:day_before:0:U_ANN"]

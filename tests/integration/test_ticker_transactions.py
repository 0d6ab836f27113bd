"""One transaction per tick, on SQLite and PostgreSQL, each job's batch in a savepoint: a job
that fails (even with a database error) loses only its own batch, never another job's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text

from bot.commands.jobs import PromiseReminders
from bot.core.effects import DirectMessage
from bot.core.message import message, paragraph
from bot.core.ports import UnitOfWork
from bot.core.records import Profile
from bot.scheduler import Ticker
from bot.store.models import OutboxRow, PromiseRow
from bot.store.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.contracts.given import add_promise
from tests.fakes import ManualClock
from tests.integration.people import ANN, NOW


def _queue(uow: UnitOfWork, key: str, now: datetime) -> None:
    uow.outbox.add(DirectMessage(ANN, message(paragraph(key))), key=key, now=now, not_before=now)


class Queues:
    """Queues one message per tick, keyed by its name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        _queue(uow, self.name, now)
        return 1


class FailsMidway:
    """Queues a message, then hits a database error (which aborts a PostgreSQL transaction)."""

    name = "fails_midway"

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        _queue(uow, self.name, now)
        assert isinstance(uow, SqlUnitOfWork)
        uow.session.execute(text("SELECT * FROM no_such_table"))
        return 1


async def test_a_failing_job_loses_only_its_own_work_in_a_tick(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann"), now=NOW)
        promise_id = add_promise(uow, ANN, "slides", remind_at=NOW - timedelta(hours=1))
        uow.commit()
    jobs = [PromiseReminders(), Queues("before"), FailsMidway(), Queues("after")]
    ticker = Ticker(uow_factory=uow_factory, clock=ManualClock(NOW), jobs=jobs)

    counts = await ticker.tick()

    assert counts == {"reminders": 1, "before": 1, "fails_midway": -1, "after": 1}
    with uow_factory() as uow:
        keys = uow.session.scalars(select(OutboxRow.idempotency_key).order_by(OutboxRow.id)).all()
        remind_at = uow.session.scalar(
            select(PromiseRow.remind_at).where(PromiseRow.id == promise_id)
        )
    # The reminder and the jobs before and after the failure are kept, though committed with
    # the failed one; its message is gone with its batch, and the reminder is not due again.
    assert [key.split(":")[0] for key in keys] == ["reminder", "before", "after"]
    assert remind_at is None
    assert (await ticker.tick())["reminders"] == 0

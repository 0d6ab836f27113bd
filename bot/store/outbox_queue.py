"""The outbox's delivery side: claim due rows (SKIP LOCKED on PostgreSQL), then settle them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.effects import effect_from_json
from bot.core.ports import OutboxEntry, OutboxItem
from bot.store.models import OutboxRow

_ERROR_LIMIT = 500  # keep recorded errors short: they are for operators, not archives


class SqlOutboxQueue:
    """Each call is its own short transaction, so a claim is visible to other workers at once."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    def claim_due(
        self, *, platforms: Sequence[str], now: datetime, limit: int, lease: timedelta
    ) -> Sequence[OutboxItem]:
        earlier = aliased(OutboxRow)
        earlier_pending = exists().where(
            earlier.status == "pending",
            earlier.platform == OutboxRow.platform,
            earlier.workspace_id == OutboxRow.workspace_id,
            earlier.recipient == OutboxRow.recipient,
            earlier.id < OutboxRow.id,
        )
        statement = (
            select(OutboxRow)
            .where(
                OutboxRow.status == "pending",
                OutboxRow.platform.in_(platforms),
                OutboxRow.next_attempt_at <= now,
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until <= now),
                ~earlier_pending,
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            # Ignored by SQLite, where a single process ticks.
            .with_for_update(skip_locked=True, of=OutboxRow)
        )
        with self._sessions.begin() as session:
            rows = session.scalars(statement).all()
            for row in rows:
                row.claimed_until = now + lease
            return [
                OutboxItem(
                    id=row.id,
                    key=row.idempotency_key,
                    effect=effect_from_json(row.payload),
                    attempts=row.attempts,
                    created_at=row.created_at,
                )
                for row in rows
            ]

    def mark_sent(self, item_id: int, *, now: datetime) -> None:
        self._set(item_id, status="sent", sent_at=now, claimed_until=None)

    def retry_at(self, item_id: int, *, at: datetime, error: str, failed: bool) -> None:
        self._set(
            item_id,
            attempts=OutboxRow.attempts + (1 if failed else 0),
            next_attempt_at=at,
            claimed_until=None,
            last_error=error[:_ERROR_LIMIT],
        )

    def mark_dead(self, item_id: int, *, now: datetime, error: str) -> None:
        self._set(
            item_id,
            status="dead",
            attempts=OutboxRow.attempts + 1,
            claimed_until=None,
            last_error=error[:_ERROR_LIMIT],
        )

    def entries(self, *, statuses: Sequence[str], limit: int) -> Sequence[OutboxEntry]:
        statement = (
            select(OutboxRow)
            .where(OutboxRow.status.in_(statuses))
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        with self._sessions() as session:
            return [
                OutboxEntry(
                    id=row.id,
                    key=row.idempotency_key,
                    kind=row.kind,
                    platform=row.platform,
                    workspace_id=row.workspace_id,
                    recipient=row.recipient,
                    status=row.status,
                    attempts=row.attempts,
                    next_attempt_at=row.next_attempt_at,
                    last_error=row.last_error,
                )
                for row in session.scalars(statement)
            ]

    def _set(self, item_id: int, **values: object) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxRow)
                .where(and_(OutboxRow.id == item_id, OutboxRow.status == "pending"))
                .values(**values)
            )

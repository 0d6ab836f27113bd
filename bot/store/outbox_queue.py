"""The outbox's delivery side: claim due rows (SKIP LOCKED on PostgreSQL), then settle them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnClause,
    Integer,
    Row,
    Update,
    bindparam,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.effects import ChannelPost, DirectMessage, Effect, EffectKind, effect_from_json
from bot.core.identity import Channel, Platform
from bot.core.ports import OutboxEntry, OutboxItem, OutboxStatus
from bot.store import events
from bot.store.models import OutboxRow
from bot.store.repositories import SqlOutbox
from bot.store.types import UTCDateTime

PENDING: ColumnClause[str] = literal_column(f"'{OutboxStatus.PENDING.value}'")
_ERROR_LIMIT = 500  # keep recorded errors short: they are for operators, not archives


class SqlOutboxQueue:
    """Each call is its own short transaction, so a claim is visible to other workers at once."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        self._claim = _claim_statement()

    def claim_due(
        self, *, platform: Platform, now: datetime, limit: int, lease: timedelta
    ) -> Sequence[OutboxItem]:
        claimed_until = now + lease
        values = {
            "for_platform": platform,
            "now": now,
            "limit": limit,
            "until": claimed_until,
        }
        while True:
            with self._sessions.begin() as session:
                rows = session.execute(self._claim, values).all()
                items = [
                    self._item(session, row, claimed_until=claimed_until, now=now) for row in rows
                ]
            readable = [item for item in items if item is not None]
            if readable or len(readable) == len(items):
                # RETURNING comes in no particular order.
                return sorted(readable, key=lambda item: item.id)
            # Only unreadable rows, now dead-lettered: the messages behind them may go.

    @staticmethod
    def _item(
        session: Session, row: Row[Any], *, claimed_until: datetime, now: datetime
    ) -> OutboxItem | None:
        try:
            effect = effect_from_json(row.payload)
        except (KeyError, TypeError, ValueError) as error:
            # A row no version of the bot can read must not block its recipient forever.
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row.id)
                .values(
                    status=OutboxStatus.DEAD,
                    claimed_until=None,
                    settled_at=now,
                    last_error=f"unreadable: {type(error).__name__}: {error}"[:_ERROR_LIMIT],
                )
                .execution_options(synchronize_session=False)
            )
            return None
        return OutboxItem(
            id=row.id,
            key=row.idempotency_key,
            effect=effect,
            attempts=row.attempts,
            created_at=row.created_at,
            claimed_until=claimed_until,
            group=None
            if row.group_channel_id is None
            else Channel(Platform(row.platform), row.workspace_id, row.group_channel_id),
        )

    def mark_sent(self, item: OutboxItem, *, now: datetime) -> bool:
        return self._settle(
            item,
            status=OutboxStatus.SENT,
            sent_at=now,
            settled_at=now,
            claimed_until=None,
            last_error=None,
            **_purged_at_once(item.effect),
        )

    def retry_at(self, item: OutboxItem, *, at: datetime, error: str | None, failed: bool) -> bool:
        values: dict[str, object] = {"next_attempt_at": at, "claimed_until": None}
        if failed:
            values["attempts"] = OutboxRow.attempts + 1
        if error is not None:
            values["last_error"] = error[:_ERROR_LIMIT]
        return self._settle(item, **values)

    def mark_dead(self, item: OutboxItem, *, now: datetime, error: str, notify: bool) -> bool:
        return self._settle(
            item,
            status=OutboxStatus.DEAD,
            attempts=OutboxRow.attempts + 1,
            claimed_until=None,
            last_error=error[:_ERROR_LIMIT],
            notice_pending_since=now if notify else None,
            settled_at=now,
            **_purged_at_once(item.effect),
        )

    def record_group(self, item: OutboxItem, group: Channel) -> bool:
        return self._settle(item, group_channel_id=group.channel_id)

    def posted(self, channel: Channel, anchor: str) -> str | None:
        with self._sessions() as session:
            return events.posted(session, channel, anchor)

    def record_post(self, item: OutboxItem, ref: str) -> bool:
        effect = item.effect
        if not isinstance(effect, ChannelPost) or not effect.anchor:
            raise ValueError("only an anchored channel post records its post")
        with self._sessions.begin() as session:
            # A no-op change to the row, made only while this claim holds it: the fence.
            if not self._settle_in(session, item, claimed_until=item.claimed_until):
                return False
            events.record_post(session, effect.channel, effect.anchor, ref)
            return True

    def fan_out(self, item: OutboxItem, effects: Mapping[str, Effect], *, now: datetime) -> bool:
        with self._sessions.begin() as session:
            sent = {
                "status": OutboxStatus.SENT,
                "sent_at": now,
                "settled_at": now,
                "claimed_until": None,
            }
            if not self._settle_in(session, item, **sent):
                return False
            outbox = SqlOutbox(session)
            for key, effect in effects.items():
                outbox.add(effect, key=key, now=now, not_before=now)
            return True

    def entries(self, *, statuses: Sequence[OutboxStatus], limit: int) -> Sequence[OutboxEntry]:
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
                    kind=EffectKind(row.kind),
                    platform=Platform(row.platform),
                    workspace_id=row.workspace_id,
                    recipient=row.recipient,
                    status=OutboxStatus(row.status),
                    attempts=row.attempts,
                    next_attempt_at=row.next_attempt_at,
                    last_error=row.last_error,
                )
                for row in session.scalars(statement)
            ]

    def counts(self, *, statuses: Sequence[OutboxStatus]) -> Mapping[OutboxStatus, int]:
        statement = (
            select(OutboxRow.status, func.count())
            .where(OutboxRow.status.in_(statuses))
            .group_by(OutboxRow.status)
        )
        with self._sessions() as session:
            rows = session.execute(statement).all()
            return {OutboxStatus(status): count for status, count in rows}

    def _settle(self, item: OutboxItem, **values: object) -> bool:
        with self._sessions.begin() as session:
            return self._settle_in(session, item, **values)

    @staticmethod
    def _settle_in(session: Session, item: OutboxItem, **values: object) -> bool:
        """Change the row only while this claim still holds it: the fence against a worker
        whose lease ran out settling a message that another worker has taken over."""
        settled = session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == item.id,
                OutboxRow.status == OutboxStatus.PENDING,
                OutboxRow.claimed_until == item.claimed_until,
            )
            .values(**values)
            .returning(OutboxRow.id)
            .execution_options(synchronize_session=False)
        ).first()
        return settled is not None


def _purged_at_once(effect: Effect) -> dict[str, object]:
    """An attachment (an export: everything held about a member) is not kept once settled:
    the member can ask again, and nobody else ever needs it."""
    if isinstance(effect, DirectMessage) and effect.message.attachment is not None:
        return {"payload": null()}
    return {}


def _claim_statement() -> Update:
    """Claim the due messages of a platform: `:for_platform`, `:now`, `:limit`, `:until`.

    One statement, so the claim is atomic on both databases; ix_outbox_due drives it and
    ix_outbox_recipient answers the per-recipient check (EXPLAIN: ~2 ms with 10^6 sent rows).
    The status and the limit are written into the SQL, not bound: PostgreSQL reuses a plan
    for a prepared statement, and a plan that knows neither joins the claim to the whole
    table (a sequential scan; ~40 ms per 10^5 rows).
    """
    now = bindparam("now", type_=UTCDateTime)
    due, earlier = aliased(OutboxRow, name="due"), aliased(OutboxRow, name="earlier")
    # The recipient's first pending message, held back by nothing: a message goes only when
    # it is that one. A correlated subquery, looked up per candidate in ix_outbox_recipient;
    # as NOT EXISTS, PostgreSQL may plan a join that scans every pending row per candidate
    # when its statistics are stale (they usually are, for a queue).
    first_of_recipient = (
        select(earlier.id)
        .where(
            earlier.platform == due.platform,
            earlier.workspace_id == due.workspace_id,
            earlier.recipient == due.recipient,
            earlier.status == PENDING,
            # A message held until later (quiet hours) does not hold back an urgent one.
            earlier.not_before <= now,
        )
        .order_by(earlier.id)
        .limit(literal(1, literal_execute=True))
        .scalar_subquery()
    )
    claimable = (
        select(due.id)
        .where(
            due.status == PENDING,
            due.platform == bindparam("for_platform"),
            due.next_attempt_at <= now,
            or_(due.claimed_until.is_(None), due.claimed_until <= now),
            due.id == first_of_recipient,
        )
        .order_by(due.next_attempt_at, due.id)
        .limit(bindparam("limit", type_=Integer, literal_execute=True))
        # Ignored by SQLite, where this one UPDATE statement holds the write lock throughout.
        .with_for_update(skip_locked=True)
    )
    return (
        update(OutboxRow)
        .where(OutboxRow.id.in_(claimable))
        .values(claimed_until=bindparam("until", type_=UTCDateTime))
        .returning(
            OutboxRow.id,
            OutboxRow.idempotency_key,
            OutboxRow.payload,
            OutboxRow.attempts,
            OutboxRow.created_at,
            OutboxRow.platform,
            OutboxRow.workspace_id,
            OutboxRow.group_channel_id,
        )
        .execution_options(synchronize_session=False)
    )

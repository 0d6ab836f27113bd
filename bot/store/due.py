"""The ticker's first question each tick, in one query: which kinds of due work have any."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, literal, select
from sqlalchemy.orm import Session

from bot.core.ports import DueCheck, DueKind
from bot.store.models import (
    CadenceRow,
    ChannelPromptRow,
    MeetingRow,
    OutboxRow,
    ProfileRow,
    PromiseRow,
)
from bot.store.pairing_models import IntroRow, PairingChannelRow, PairingRoundRow
from bot.store.repositories import _OPEN as OPEN  # the partial indexes' own constant


def _first(column: Any, *where: ColumnElement[bool]) -> ScalarSelect[Any]:
    """The earliest due time, read off the start of the index the job's query reads. No
    parameter: PostgreSQL's generic plan for a prepared `column <= $1` may scan the table."""
    return (
        select(column)
        .where(column.is_not(None), *where)
        .order_by(column)
        .limit(literal(1, literal_execute=True))
        .scalar_subquery()
    )


# Each spelled as its job's own due query (the same plain columns, the same partial-index
# conditions), so each is one step into the index that query reads.
_EARLIEST: dict[DueKind, ScalarSelect[Any]] = {
    DueKind.REMINDERS: _first(PromiseRow.remind_at, PromiseRow.status == OPEN),
    DueKind.HEADS_UPS: _first(PromiseRow.heads_up_at, PromiseRow.status == OPEN),
    DueKind.FOLLOW_UPS: _first(MeetingRow.follow_up_at),
    DueKind.CADENCES: _first(CadenceRow.due_at),
    DueKind.DIGESTS: _first(ProfileRow.digest_due_at),
    DueKind.CHANNEL_PROMPTS: _first(ChannelPromptRow.next_post_at),
    DueKind.INTRO_NOTICES: _first(IntroRow.notice_at),
    DueKind.PAIRING_HEADS_UPS: _first(
        PairingChannelRow.heads_up_at, PairingChannelRow.active.is_(True)
    ),
    DueKind.PAIRING_ROUNDS: _first(
        PairingChannelRow.next_round_at, PairingChannelRow.active.is_(True)
    ),
    DueKind.PAIRING_CHECKINS: _first(PairingRoundRow.checkin_at),
    DueKind.SETTLED_OUTBOX: _first(OutboxRow.settled_at, OutboxRow.payload.is_not(None)),
}
# The purge takes rows settled strictly before its time; every other job, due at or before.
_STRICTLY_BEFORE = frozenset({DueKind.SETTLED_OUTBOX})
# A profile with no digest scheduled yet is due at once: the job schedules it.
_UNSCHEDULED_DIGEST = select(ProfileRow.id).where(ProfileRow.digest_due_at.is_(None)).exists()


@cache  # one statement per set of kinds asked (the same every tick): compiled once, prepared
def _statement(kinds: tuple[DueKind, ...]) -> Select[*tuple[Any, ...]]:
    columns: list[Any] = [_EARLIEST[kind].label(kind.value) for kind in kinds]
    if DueKind.DIGESTS in kinds:
        columns.append(_UNSCHEDULED_DIGEST.label("unscheduled_digest"))
    return select(*columns)


def due_kinds(session: Session, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
    """The kinds among `checks` with a row due by the check's time (see UnitOfWork.due_kinds)."""
    by = {check.kind: check.by for check in checks}
    if not by:
        return frozenset()
    kinds = tuple(sorted(by))
    row = session.execute(_statement(kinds)).one()
    earliest = dict(zip(kinds, row[: len(kinds)], strict=True))
    due = {
        kind
        for kind, at in earliest.items()
        if at is not None and (at < by[kind] if kind in _STRICTLY_BEFORE else at <= by[kind])
    }
    if DueKind.DIGESTS in kinds and row[-1]:
        due.add(DueKind.DIGESTS)
    return frozenset(due)

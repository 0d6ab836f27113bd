"""The ticker's first question each tick, in one query: which kinds of due work have any."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, bindparam, literal, select
from sqlalchemy.orm import Session

from bot.core.ports import DueCheck, DueKind
from bot.store.event_followups import OPTED_IN, UNASKED
from bot.store.event_models import EventRow
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


def _first_within(kind: DueKind, column: Any, *where: ColumnElement[bool]) -> ScalarSelect[Any]:
    """The earliest time inside the check's window (`after`, `by`], for a kind due only there:
    the window's rows are few, so the bounds may be parameters."""
    return (
        select(column)
        .where(column > bindparam(f"{kind.value}_after"), column <= bindparam(f"{kind.value}_by"))
        .where(*where)
        .order_by(column)
        .limit(literal(1, literal_execute=True))
        .scalar_subquery()
    )


# Each spelled as its job's own due query (the same plain columns, the same partial-index
# conditions), so each is one step into the index that query reads.
# A kind with several due times (an event's two reminders) is due at the earliest of them.
_EARLIEST: dict[DueKind, tuple[ScalarSelect[Any], ...]] = {
    DueKind.REMINDERS: (_first(PromiseRow.remind_at, PromiseRow.status == OPEN),),
    DueKind.HEADS_UPS: (_first(PromiseRow.heads_up_at, PromiseRow.status == OPEN),),
    DueKind.FOLLOW_UPS: (_first(MeetingRow.follow_up_at),),
    DueKind.CADENCES: (_first(CadenceRow.due_at),),
    DueKind.DIGESTS: (_first(ProfileRow.digest_due_at),),
    DueKind.CHANNEL_PROMPTS: (_first(ChannelPromptRow.next_post_at),),
    DueKind.INTRO_NOTICES: (_first(IntroRow.notice_at),),
    DueKind.PAIRING_HEADS_UPS: (
        _first(PairingChannelRow.heads_up_at, PairingChannelRow.active.is_(True)),
    ),
    DueKind.PAIRING_ROUNDS: (
        _first(PairingChannelRow.next_round_at, PairingChannelRow.active.is_(True)),
    ),
    DueKind.PAIRING_CHECKINS: (_first(PairingRoundRow.checkin_at),),
    DueKind.SETTLED_OUTBOX: (_first(OutboxRow.settled_at, OutboxRow.payload.is_not(None)),),
    DueKind.EVENT_REMINDERS: (_first(EventRow.day_before_at), _first(EventRow.hour_before_at)),
    DueKind.EVENT_QUESTIONS: (
        _first_within(
            DueKind.EVENT_QUESTIONS, EventRow.ends_at, EventRow.cancelled.is_(False), UNASKED
        ),
    ),
    DueKind.EVENT_SUGGESTIONS: (
        _first_within(
            DueKind.EVENT_SUGGESTIONS, EventRow.starts_at, EventRow.cancelled.is_(False), OPTED_IN
        ),
    ),
}
_WINDOWED = frozenset({DueKind.EVENT_QUESTIONS, DueKind.EVENT_SUGGESTIONS})
# The purge takes rows settled strictly before its time; every other job, due at or before.
_STRICTLY_BEFORE = frozenset({DueKind.SETTLED_OUTBOX})
# A profile with no digest scheduled yet is due at once: the job schedules it.
_UNSCHEDULED_DIGEST = select(ProfileRow.id).where(ProfileRow.digest_due_at.is_(None)).exists()


@cache  # one statement per set of kinds asked (the same every tick): compiled once, prepared
def _statement(kinds: tuple[DueKind, ...]) -> Select[*tuple[Any, ...]]:
    columns: list[Any] = [
        probe.label(f"{kind.value}_{n}")
        for kind in kinds
        for n, probe in enumerate(_EARLIEST[kind])
    ]
    if DueKind.DIGESTS in kinds:
        columns.append(_UNSCHEDULED_DIGEST.label("unscheduled_digest"))
    return select(*columns)


def due_kinds(session: Session, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
    """The kinds among `checks` with a row due by the check's time (see UnitOfWork.due_kinds)."""
    by = {check.kind: check for check in checks}
    if not by:
        return frozenset()
    kinds = tuple(sorted(by))
    window: dict[str, datetime] = {}
    for kind in _WINDOWED.intersection(kinds):
        after = by[kind].after
        if after is None:
            raise ValueError(f"{kind.value} is due only inside a window: give its start")
        window[f"{kind.value}_after"], window[f"{kind.value}_by"] = after, by[kind].by
    row = iter(session.execute(_statement(kinds), window).one())
    due = set()
    for kind in kinds:
        times = [at for at in islice(row, len(_EARLIEST[kind])) if at is not None]
        at, until = min(times, default=None), by[kind].by
        if at is not None and (at < until if kind in _STRICTLY_BEFORE else at <= until):
            due.add(kind)
    if DueKind.DIGESTS in kinds and next(row):
        due.add(DueKind.DIGESTS)
    return frozenset(due)

"""The ticker's first question each tick, in one query: which kinds of due work have any."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Exists, Select, bindparam, or_, select
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
from bot.store.types import UTCDateTime

By = BindParameter[datetime]  # the kind's time, bound per tick


def _exists(*where: ColumnElement[bool]) -> Exists:
    return select(1).where(*where).exists()


# Each spelled as its job's own due query (the same plain columns, the same partial-index
# conditions), so each is one probe of the index that query reads.
_PROBES: dict[DueKind, Callable[[By], ColumnElement[bool]]] = {
    DueKind.REMINDERS: lambda by: _exists(
        PromiseRow.status == OPEN, PromiseRow.remind_at.is_not(None), PromiseRow.remind_at <= by
    ),
    DueKind.HEADS_UPS: lambda by: _exists(
        PromiseRow.status == OPEN,
        PromiseRow.heads_up_at.is_not(None),
        PromiseRow.heads_up_at <= by,
    ),
    DueKind.FOLLOW_UPS: lambda by: _exists(
        MeetingRow.follow_up_at.is_not(None), MeetingRow.follow_up_at <= by
    ),
    DueKind.CADENCES: lambda by: _exists(CadenceRow.due_at <= by),
    # A profile with no digest scheduled yet is due: the job schedules it.
    DueKind.DIGESTS: lambda by: or_(
        _exists(ProfileRow.digest_due_at.is_(None)), _exists(ProfileRow.digest_due_at <= by)
    ),
    DueKind.CHANNEL_PROMPTS: lambda by: _exists(ChannelPromptRow.next_post_at <= by),
    DueKind.INTRO_NOTICES: lambda by: _exists(
        IntroRow.notice_at.is_not(None), IntroRow.notice_at <= by
    ),
    DueKind.PAIRING_HEADS_UPS: lambda by: _exists(
        PairingChannelRow.active.is_(True),
        PairingChannelRow.heads_up_at.is_not(None),
        PairingChannelRow.heads_up_at <= by,
    ),
    DueKind.PAIRING_ROUNDS: lambda by: _exists(
        PairingChannelRow.active.is_(True),
        PairingChannelRow.next_round_at.is_not(None),
        PairingChannelRow.next_round_at <= by,
    ),
    DueKind.PAIRING_CHECKINS: lambda by: _exists(
        PairingRoundRow.checkin_at.is_not(None), PairingRoundRow.checkin_at <= by
    ),
    DueKind.SETTLED_OUTBOX: lambda by: _exists(
        OutboxRow.payload.is_not(None), OutboxRow.settled_at < by
    ),
}


@cache  # one statement per set of kinds asked (the same every tick): compiled once, prepared
def _statement(kinds: tuple[DueKind, ...]) -> Select[*tuple[Any, ...]]:
    return select(
        *(
            _PROBES[kind](bindparam(f"by_{kind.value}", type_=UTCDateTime)).label(kind.value)
            for kind in kinds
        )
    )


def due_kinds(session: Session, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
    """The kinds among `checks` with a row due by the check's time (see UnitOfWork.due_kinds)."""
    by = {check.kind: check.by for check in checks}
    if not by:
        return frozenset()
    kinds = tuple(sorted(by))
    row = session.execute(_statement(kinds), {f"by_{kind.value}": by[kind] for kind in kinds}).one()
    return frozenset(kind for kind, due in zip(kinds, row, strict=True) if due)

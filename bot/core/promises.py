"""Rules about promises: short numbers, when to remind, repeats, how one closes, and taking a
change back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.policy import Policy
from bot.core.records import Promise, PromiseAction, PromiseStatus, Undoable


def next_free_number(taken: Iterable[int], *, above: int = 0) -> int:
    """The smallest positive number not taken (open, or closed too recently to hand out);
    `above`: every number up to it is known to be taken."""
    used = set(taken)
    number = above + 1
    while number in used:
        number += 1
    return number


def numbers_held_since(*, now: datetime, policy: Policy) -> datetime:
    """A closed promise's number stays out of use until this long after it closed, so a number
    typed from memory never lands on a new promise."""
    return now - policy.number_rest


def heads_up_time(*, made_at: datetime, due_at: datetime, policy: Policy) -> datetime | None:
    """A day-before heads-up, only for promises due well after they were made."""
    if due_at - made_at <= policy.heads_up_threshold:
        return None
    return due_at - timedelta(days=1)


def closed(promise: Promise, *, status: PromiseStatus, now: datetime) -> Promise:
    """A promise kept (DONE) or dropped (DROPPED) at `now`: nothing left to remind about."""
    return replace(promise, status=status, closed_at=now, remind_at=None, heads_up_at=None)


def is_snoozed(promise: Promise) -> bool:
    """The next reminder is not the due time: the member moved it."""
    return promise.remind_at is not None and promise.remind_at != promise.due_at


def same_promise(a: str, b: str) -> bool:
    """The same words, whatever the case and spacing."""
    return _words(a) == _words(b)


def words_key(what: str) -> str:
    """A short fingerprint of `what` as `same_promise` reads it, stored with each promise: a
    repeat is found by it without reading every open promise to that person. Different words
    may share one, so a match is still checked with `same_promise`."""
    return hashlib.blake2b(_words(what).encode(), digest_size=8).hexdigest()


def _words(what: str) -> str:
    return " ".join(what.casefold().split())


def changed(
    before: Promise,
    after: Promise,
    *,
    action: PromiseAction,
    now: datetime,
    give_id: int | None = None,
) -> Promise:
    """`after`, remembering `before` so that `undo` can put it back."""
    undo = Undoable(
        action=action,
        at=now,
        what=before.what,
        due_at=before.due_at,
        remind_at=before.remind_at,
        heads_up_at=before.heads_up_at,
        give_id=give_id,
    )
    return replace(after, undo=undo)


def undo_since(*, now: datetime, policy: Policy) -> datetime:
    """Changes made after this may still be taken back."""
    return now - policy.undo_window


def undone(promise: Promise) -> Promise:
    """The promise as it was before its last change: open, with its text and times back."""
    undo = promise.undo
    if undo is None:
        raise ValueError(f"promise {promise.id} has no change to take back")
    snoozes = promise.snoozes - 1 if undo.action is PromiseAction.SNOOZE else promise.snoozes
    return replace(
        promise,
        status=PromiseStatus.OPEN,
        closed_at=None,
        what=undo.what,
        due_at=undo.due_at,
        remind_at=undo.remind_at,
        heads_up_at=undo.heads_up_at,
        snoozes=snoozes,
        undo=None,
    )

"""Rules about promises: short numbers, when to remind, and what counts as the same promise."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.policy import Policy
from bot.core.records import Promise


def next_free_number(taken: Iterable[int]) -> int:
    """The smallest positive number not taken (open, or closed too recently to hand out)."""
    used = set(taken)
    number = 1
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


def is_snoozed(promise: Promise) -> bool:
    """The next reminder is not the due time: the member moved it."""
    return promise.remind_at is not None and promise.remind_at != promise.due_at


def same_promise(a: str, b: str) -> bool:
    """The same words, whatever the case and spacing."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())

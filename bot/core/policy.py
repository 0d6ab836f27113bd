"""Tunable rules of behaviour, with the product's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.limits import ASKS_PER_CHANNEL, EXPORTS, MAX_OPEN_PROMISES, Rate


@dataclass(frozen=True)
class Policy:
    follow_up_after: timedelta = timedelta(days=3)
    give_window: timedelta = timedelta(days=30)
    heads_up_threshold: timedelta = timedelta(days=2)
    # A closed promise's number is not given to a new promise for this long.
    number_rest: timedelta = timedelta(days=7)
    # `undo` takes back a done, drop, snooze or edit made within this long.
    undo_window: timedelta = timedelta(minutes=10)
    # Per-member limits (bot/core/limits.py)
    asks_per_channel: Rate = ASKS_PER_CHANNEL
    max_open_promises: int = MAX_OPEN_PROMISES
    exports: Rate = EXPORTS
    # Sent and dead outbox messages keep their text this long, for operators; then only the
    # key (for deduplication) and the delivery record remain.
    outbox_retention: timedelta = timedelta(days=14)

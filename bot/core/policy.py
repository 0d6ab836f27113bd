"""Tunable rules of behaviour, with the product's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Policy:
    follow_up_after: timedelta = timedelta(days=3)
    give_window: timedelta = timedelta(days=30)
    heads_up_threshold: timedelta = timedelta(days=2)
    # Sent and dead outbox messages keep their text this long, for operators; then only the
    # key (for deduplication) and the delivery record remain.
    outbox_retention: timedelta = timedelta(days=14)

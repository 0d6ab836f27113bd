"""Per-member limits: how much one member may post, keep open, mention, list or export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_MENTIONS = 10  # people named in one command; more is refused before any platform lookup
LIST_SHOWN = 20  # items in one list reply; the rest are counted ("…and N more")


@dataclass(frozen=True)
class Rate:
    """At most `times` in any `per` (a sliding window)."""

    times: int
    per: timedelta

    def next_allowed(self, recent: Sequence[datetime], *, now: datetime) -> datetime | None:
        """None when one more is allowed now; otherwise when the next one will be."""
        within = sorted(at for at in recent if at > now - self.per)
        if len(within) < self.times:
            return None
        return within[len(within) - self.times] + self.per


# Defaults for `Policy`: enough for anyone using the bot in earnest, not for a flood.
ASKS_PER_CHANNEL = Rate(times=3, per=timedelta(days=1))
EXPORTS = Rate(times=1, per=timedelta(hours=1))
MAX_OPEN_PROMISES = 200

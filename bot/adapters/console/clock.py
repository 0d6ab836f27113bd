"""The console's clock: the real time, plus however far `wait` has moved it forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ConsoleClock:
    def __init__(self) -> None:
        self._ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._ahead

    def advance(self, delta: timedelta) -> datetime:
        self._ahead += delta
        return self.now()

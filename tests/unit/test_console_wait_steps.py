"""The console's `wait` ticks at each whole hour and at the typed time of day on each day."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.adapters.console.session import wait_steps

PARIS = ZoneInfo("Europe/Paris")


def test_a_wait_across_the_autumn_clock_change_ticks_at_the_same_local_time_each_day() -> None:
    start = datetime(2026, 10, 24, 14, 57, tzinfo=PARIS).astimezone(UTC)
    until = datetime(2026, 10, 26, 14, 57, tzinfo=PARIS).astimezone(UTC)  # "in 2 days"
    steps = wait_steps(start, until, timezone="Europe/Paris")
    local = [step.astimezone(PARIS) for step in steps]
    assert [f"{s:%d %H:%M}" for s in local if s.minute == 57] == ["25 14:57", "26 14:57"]
    assert all(s.minute == 0 for s in local if s.minute != 57)
    assert len(steps) == 49 + 2  # 49 whole hours (the day with 25), the day step, the end
    assert steps == sorted(steps) and steps[0] > start and steps[-1] == until

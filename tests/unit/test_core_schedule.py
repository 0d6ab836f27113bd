"""When the bot may speak: quiet hours across midnight, pauses, weekly instants across DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.identity import Member, Platform
from bot.core.records import Profile
from bot.core.schedule import is_paused, is_stale, next_weekly, not_before, quiet_until

PARIS = ZoneInfo("Europe/Paris")
NIGHT = {"start": time(22, 0), "end": time(7, 0)}
MEMBER = Member(Platform.SLACK, "T1", "UALICE")


def paris(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("local", "ends"),
    [
        (paris(11, 26, 21, 59), None),  # just before
        (paris(11, 26, 22, 0), paris(11, 27, 7, 0)),  # from the start, until tomorrow morning
        (paris(11, 26, 23, 30), paris(11, 27, 7, 0)),
        (paris(11, 27, 0, 10), paris(11, 27, 7, 0)),  # after midnight: until this morning
        (paris(11, 27, 6, 59), paris(11, 27, 7, 0)),
        (paris(11, 27, 7, 0), None),  # the end is not quiet any more
        (paris(11, 27, 12, 0), None),
    ],
)
def test_quiet_hours_across_midnight_end_the_next_morning_in_the_members_zone(
    local: datetime, ends: datetime | None
) -> None:
    assert quiet_until(local.astimezone(UTC), timezone="Europe/Paris", **NIGHT) == ends


def test_quiet_hours_within_one_day_end_the_same_day() -> None:
    lunch = {"start": time(12, 0), "end": time(14, 0)}
    assert quiet_until(paris(11, 26, 13, 0), timezone="Europe/Paris", **lunch) == paris(11, 26, 14)
    assert quiet_until(paris(11, 26, 14, 0), timezone="Europe/Paris", **lunch) is None
    assert quiet_until(paris(11, 26, 11, 0), timezone="Europe/Paris", **lunch) is None


def test_no_quiet_hours_or_an_empty_span_never_hold_a_message() -> None:
    now = paris(11, 26, 23, 0)
    assert quiet_until(now, timezone="Europe/Paris", start=None, end=None) is None
    assert quiet_until(now, timezone="Europe/Paris", start=time(9), end=time(9)) is None


def test_quiet_hours_follow_the_zone_not_utc() -> None:
    # 23:00 UTC is midnight in Paris (quiet) but 18:00 in New York (not quiet).
    now = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    assert quiet_until(now, timezone="Europe/Paris", **NIGHT) == paris(11, 27, 7)
    assert quiet_until(now, timezone="America/New_York", **NIGHT) is None


def test_quiet_hours_ending_on_the_night_the_clocks_go_back_end_at_local_seven() -> None:
    # The night of Sat 24 to Sun 25 October 2026 has 25 hours in Paris.
    ends = quiet_until(paris(10, 24, 23, 0), timezone="Europe/Paris", **NIGHT)
    assert ends == paris(10, 25, 7, 0) == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # winter time


def test_a_message_waits_for_quiet_hours_to_end_and_goes_at_once_otherwise() -> None:
    quiet = Profile(
        MEMBER, "Alice", timezone="Europe/Paris", quiet_start=time(22), quiet_end=time(7)
    )
    assert not_before(quiet, paris(11, 26, 23, 0)) == paris(11, 27, 7, 0)
    assert not_before(quiet, paris(11, 26, 10, 0)) == paris(11, 26, 10, 0)


def test_a_member_is_paused_only_until_the_pause_ends() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert not is_paused(Profile(MEMBER, "Alice"), now)
    assert is_paused(Profile(MEMBER, "Alice", paused_until=now + timedelta(seconds=1)), now)
    assert not is_paused(Profile(MEMBER, "Alice", paused_until=now), now)


def test_next_weekly_digest_is_monday_nine_local_across_the_end_of_summer_time() -> None:
    monday_nine = {"timezone": "Europe/Paris", "weekday": 0, "at": time(9, 0)}
    first = next_weekly(paris(10, 18, 12), **monday_nine)  # Sunday 18 October, summer time
    assert first == paris(10, 19, 9) == datetime(2026, 10, 19, 7, tzinfo=UTC)
    # The clocks go back on Sunday 25 October: still 09:00 in Paris, now 08:00 UTC.
    second = next_weekly(first, **monday_nine)
    assert second == paris(10, 26, 9) == datetime(2026, 10, 26, 8, tzinfo=UTC)
    assert second - first == timedelta(days=7, hours=1)


def test_next_weekly_is_strictly_after_the_given_instant() -> None:
    monday_nine = {"timezone": "Europe/Paris", "weekday": 0, "at": time(9, 0)}
    assert next_weekly(paris(11, 30, 8, 59), **monday_nine) == paris(11, 30, 9)
    assert next_weekly(paris(11, 30, 9, 0), **monday_nine) == paris(12, 7, 9)


def test_a_weekly_time_skipped_by_spring_forward_lands_just_after_the_gap() -> None:
    # Sunday 29 March 2026 has no 02:30 in Paris.
    at = next_weekly(paris(3, 28, 12), timezone="Europe/Paris", weekday=6, at=time(2, 30))
    assert at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time


def test_a_weekly_message_more_than_a_day_late_is_stale() -> None:
    due = datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert not is_stale(due, due + timedelta(days=1))
    assert is_stale(due, due + timedelta(days=1, seconds=1))

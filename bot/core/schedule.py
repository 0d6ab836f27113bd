"""When the bot may speak to a member: quiet hours, pauses, and weekly instants in a time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.records import Profile

STALE_AFTER = timedelta(days=1)  # a weekly message later than this is skipped, not sent late


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _instant(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall time `at` on `day`'s date; a time skipped by a DST change
    lands just after it (02:30 on a spring-forward night reads as 03:30)."""
    local = datetime.combine(day.date(), at, tzinfo=zone)
    return local.astimezone(UTC)


def quiet_until(
    now: datetime, *, timezone: str, start: time | None, end: time | None
) -> datetime | None:
    """The end of the quiet hours `now` falls in, or None when it is not quiet.

    Hours may run across midnight (22:00–07:00); equal ends mean no quiet hours at all.
    """
    if start is None or end is None or start == end:
        return None
    zone = _zone(timezone)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        quiet, ends_tomorrow = start <= clock < end, False
    else:  # across midnight: quiet from `start` to midnight and from midnight to `end`
        quiet, ends_tomorrow = clock >= start or clock < end, clock >= start
    if not quiet:
        return None
    day = local + timedelta(days=1) if ends_tomorrow else local
    return _instant(day, end, zone)


def not_before(profile: Profile, now: datetime) -> datetime:
    """When a non-urgent message to this member may go out: now, or when their quiet hours end."""
    held = quiet_until(
        now, timezone=profile.timezone, start=profile.quiet_start, end=profile.quiet_end
    )
    return held or now


def in_quiet_hours(profile: Profile, now: datetime) -> bool:
    """Whether an unprompted message queued now waits for the member's quiet hours to end."""
    return not_before(profile, now) > now


def is_paused(profile: Profile, now: datetime) -> bool:
    return profile.paused_until is not None and profile.paused_until > now


def next_weekly(after: datetime, *, timezone: str, weekday: int, at: time) -> datetime:
    """The first instant strictly after `after` that is `weekday` (Monday=0) at `at` local time.

    Computed on the local calendar, so it stays at `at` across daylight-saving changes.
    """
    zone = _zone(timezone)
    local = after.astimezone(zone)
    for days in range(8):
        day = local + timedelta(days=days)
        if day.weekday() != weekday:
            continue
        candidate = _instant(day, at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("a weekday recurs within eight days")  # pragma: no cover


def is_stale(due_at: datetime, now: datetime) -> bool:
    """A weekly message due more than a day ago (the bot was down): skip it, don't send it late."""
    return now - due_at > STALE_AFTER

"""When people in different time zones can meet: a time inside everyone's working hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

WORK_START, WORK_END = time(9, 0), time(17, 0)
MEETING_LENGTH = timedelta(minutes=30)
STEP = timedelta(minutes=15)  # every zone in use is a whole number of quarter hours from UTC
SEARCH = timedelta(weeks=1)


def in_working_hours(start: datetime, zone: str, *, length: timedelta = MEETING_LENGTH) -> bool:
    """A meeting from `start` lasting `length` lies on a weekday between 09:00 and 17:00 in
    `zone`, start and end alike."""
    place = ZoneInfo(zone)
    begin, end = start.astimezone(place), (start + length).astimezone(place)
    return (
        begin.weekday() < 5
        and begin.date() == end.date()
        and begin.time() >= WORK_START
        and end.time() <= WORK_END
    )


def suggest_time(
    zones: Sequence[str], *, after: datetime, length: timedelta = MEETING_LENGTH
) -> datetime:
    """The first quarter hour, from a day after `after` and within a week, at which a meeting
    of `length` is inside everyone's working hours; failing that, the one that suits the most
    of them. In UTC; each member reads it in their own zone."""
    start = _next_quarter(after + timedelta(days=1))
    best, best_score = start, -1
    for step in range(SEARCH // STEP):
        slot = start + step * STEP
        score = sum(1 for zone in zones if in_working_hours(slot, zone, length=length))
        if score == len(zones):
            return slot
        if score > best_score:
            best, best_score = slot, score
    return best


def _next_quarter(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    whole = utc.replace(second=0, microsecond=0)
    if whole < utc:
        whole += timedelta(minutes=1)
    return whole + timedelta(minutes=-whole.minute % 15)

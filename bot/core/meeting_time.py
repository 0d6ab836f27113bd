"""When people in different time zones can meet: a time inside everyone's working hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WORK_START, WORK_END = time(9, 0), time(17, 0)
MEETING_LENGTH = timedelta(minutes=30)
STEP = timedelta(minutes=15)  # every zone in use is a whole number of quarter hours from UTC
SEARCH = timedelta(weeks=1)


def in_working_hours(start: datetime, zone: str, *, length: timedelta = MEETING_LENGTH) -> bool:
    """A meeting from `start` lasting `length` lies on a weekday between 09:00 and 17:00 in
    `zone`, start and end alike."""
    return _inside(start, ZoneInfo(zone), length)


def suggest_time(
    zones: Sequence[str], *, after: datetime, length: timedelta = MEETING_LENGTH
) -> datetime:
    """The first quarter hour, from a day after `after` and within a week, at which a meeting
    of `length` is inside everyone's working hours; failing that, the one that suits the most
    of them. In UTC; each member reads it in their own zone."""
    # Order does not matter, so a round's many groups in the same zones share one search.
    return _suggest(tuple(sorted(zones)), _next_quarter(after + timedelta(days=1)), length)


@lru_cache(maxsize=1024)
def _suggest(zones: tuple[str, ...], start: datetime, length: timedelta) -> datetime:
    places = [ZoneInfo(zone) for zone in zones]
    best, best_score = start, -1
    for step in range(SEARCH // STEP):
        slot = start + step * STEP
        score = sum(1 for place in places if _inside(slot, place, length))
        if score == len(places):
            return slot
        if score > best_score:
            best, best_score = slot, score
    return best


def _inside(start: datetime, place: ZoneInfo, length: timedelta) -> bool:
    begin, end = start.astimezone(place), (start + length).astimezone(place)
    return (
        begin.weekday() < 5
        and begin.date() == end.date()
        and begin.time() >= WORK_START
        and end.time() <= WORK_END
    )


def _next_quarter(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    whole = utc.replace(second=0, microsecond=0)
    if whole < utc:
        whole += timedelta(minutes=1)
    return whole + timedelta(minutes=-whole.minute % 15)

"""A suggested meeting time for 2–3 people anywhere: inside everyone's working hours whenever
the coming week has such a time, DST changes included; and what each one's invitation says."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.commands.meeting_invites import meeting_invite
from bot.core.identity import Member, Platform
from bot.core.meeting_time import MEETING_LENGTH, SEARCH, suggest_time
from bot.core.records import Profile

ZONES = sorted(available_timezones())

# Weeks holding a DST change somewhere: the US, Europe, Chile and Australia / New Zealand.
DST_CHANGES = (
    datetime(2026, 3, 8, tzinfo=UTC),
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 4, 5, tzinfo=UTC),
    datetime(2026, 9, 27, tzinfo=UTC),
    datetime(2026, 10, 4, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
    datetime(2027, 3, 14, tzinfo=UTC),
    datetime(2027, 3, 28, tzinfo=UTC),
)
NEAR_A_DST_CHANGE = st.builds(
    lambda change, minutes: change - timedelta(days=8) + timedelta(minutes=minutes),
    st.sampled_from(DST_CHANGES),
    st.integers(0, 9 * 24 * 60),
)
ANY_TIME = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def _working_spans(zone: str, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """The zone's weekday 09:00–17:00 stretches between two dates, in UTC (worked out from
    each local day, not by trying instants as `suggest_time` does)."""
    place, spans, day = ZoneInfo(zone), [], first
    while day <= last:
        if day.weekday() < 5:
            spans.append(
                (
                    datetime.combine(day, time(9), place).astimezone(UTC),
                    datetime.combine(day, time(17), place).astimezone(UTC),
                )
            )
        day += timedelta(days=1)
    return spans


def _shared_start(zones: list[str], start: datetime) -> bool:
    """Whether a meeting can start within a week of `start` with everyone inside their spans."""
    first, last = (start - timedelta(days=2)).date(), (start + SEARCH + timedelta(days=2)).date()
    common = [(start, start + SEARCH + MEETING_LENGTH)]
    for zone in zones:
        common = [
            (max(lo, a), min(hi, b))
            for lo, hi in common
            for a, b in _working_spans(zone, first, last)
            if max(lo, a) < min(hi, b)
        ]
    return any(hi - lo >= MEETING_LENGTH and lo < start + SEARCH for lo, hi in common)


def _first_quarter(moment: datetime) -> datetime:
    return datetime.fromtimestamp(math.ceil(moment.timestamp() / 900) * 900, UTC)


def _inside(slot: datetime, zone: str) -> bool:
    begin = slot.astimezone(ZoneInfo(zone))
    end = (slot + MEETING_LENGTH).astimezone(ZoneInfo(zone))
    return begin.weekday() < 5 and time(9) <= begin.time() and end.time() <= time(17)


@settings(max_examples=300, deadline=None)
@given(
    zones=st.lists(st.sampled_from(ZONES), min_size=2, max_size=3),
    after=st.one_of(NEAR_A_DST_CHANGE, ANY_TIME),
)
@example(zones=["Pacific/Marquesas", "America/Noronha"], after=datetime(2026, 11, 26, tzinfo=UTC))
@example(zones=["Asia/Kathmandu", "America/Sao_Paulo"], after=datetime(2026, 11, 26, tzinfo=UTC))
@example(zones=["Europe/Paris", "America/New_York"], after=datetime(2026, 3, 7, 20, tzinfo=UTC))
@example(zones=["Australia/Sydney", "Europe/London"], after=datetime(2026, 4, 3, tzinfo=UTC))
def test_the_suggested_time_is_inside_everyones_working_hours_whenever_the_week_has_one(
    zones: list[str], after: datetime
) -> None:
    slot = suggest_time(zones, after=after)
    start = _first_quarter(after + timedelta(days=1))
    assert start <= slot < start + SEARCH
    if _shared_start(zones, start):
        assert all(_inside(slot, zone) for zone in zones), [
            slot.astimezone(ZoneInfo(zone)) for zone in zones
        ]


def test_a_half_hour_shared_off_the_hour_is_found() -> None:
    """The Marquesas (UTC−9:30) start work at 18:30 UTC; Noronha (UTC−2) stops at 19:00 UTC."""
    zones = ["Pacific/Marquesas", "America/Noronha"]
    slot = suggest_time(zones, after=datetime(2026, 11, 26, tzinfo=UTC))  # a Thursday
    assert slot == datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
    assert [f"{slot.astimezone(ZoneInfo(zone)):%a %H:%M}" for zone in zones] == [
        "Fri 09:00",
        "Fri 16:30",
    ]


def _profile(user: str, zone: str) -> Profile:
    return Profile(Member(Platform.SLACK, "T1", user), display_name=user.title(), timezone=zone)


def test_the_invitation_says_whether_the_time_suits_everyone_or_only_most() -> None:
    now = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)
    for zones, words, title in (
        (("Europe/Paris", "America/New_York"), "inside everyone's working hours.", "Meet U1"),
        (
            ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"),  # +14, −11, 0
            "the time that suits most of you.",
            "Meet U1 and U2",
        ),
    ):
        people = [_profile(f"u{index}", zone) for index, zone in enumerate(zones)]
        slot = suggest_time(zones, after=now)
        msg = meeting_invite(people[0], people[1:], slot=slot, uid="x", filename="x.ics", now=now)
        assert msg.plain_text().splitlines()[0].endswith(words)
        assert msg.invite is not None and msg.invite.title == title
        assert msg.invite.starts_at == slot

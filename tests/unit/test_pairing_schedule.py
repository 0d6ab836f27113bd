"""Rounds keep their local day and hour across time zones and DST; groups get a time that suits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands.jobs.pairing import PairingHeadsUps, PairingRounds
from bot.core.meeting_time import suggest_time
from bot.core.pairing import make_groups, next_round, utc_offset_minutes
from bot.core.schedule import next_weekly
from tests.unit.harness import ALICE, BOB, CAROL, GENERAL, Buddy

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def test_a_weekly_round_stays_at_ten_in_paris_across_the_spring_change() -> None:
    before = datetime(2027, 3, 22, 9, 0, tzinfo=UTC)  # Monday 10:00 CET
    after = next_round(
        previous=before, every_weeks=1, weekday=0, at=time(10), zone=PARIS, now=before
    )
    assert after == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)  # Monday 10:00 CEST
    assert local(after, PARIS).time() == time(10)


def test_a_fortnightly_round_stays_at_nine_in_new_york_across_the_autumn_change() -> None:
    before = datetime(2027, 10, 25, 13, 0, tzinfo=UTC)  # Monday 09:00 EDT
    after = next_round(
        previous=before, every_weeks=2, weekday=0, at=time(9), zone=NEW_YORK, now=before
    )
    assert after == datetime(2027, 11, 8, 14, 0, tzinfo=UTC)  # Monday 09:00 EST
    assert local(after, NEW_YORK).weekday() == 0


def test_a_four_weekly_round_lands_four_weeks_on() -> None:
    before = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Paris
    after = next_round(
        previous=before, every_weeks=4, weekday=1, at=time(9), zone=PARIS, now=before
    )
    assert after == datetime(2026, 12, 29, 8, 0, tzinfo=UTC)


def test_rounds_a_down_time_left_behind_are_skipped_not_stacked() -> None:
    before = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    now = before + timedelta(weeks=5, hours=1)
    after = next_round(previous=before, every_weeks=2, weekday=0, at=time(10), zone=PARIS, now=now)
    assert after == datetime(2027, 2, 15, 9, 0, tzinfo=UTC)  # the first on the beat after now


def test_a_round_at_a_time_the_clocks_skip_happens_just_after_the_gap() -> None:
    # 02:30 does not exist in Paris on Sunday 28 March 2027: the round is at 03:30 CEST.
    moment = next_weekly(
        datetime(2027, 3, 27, 12, tzinfo=UTC), timezone=PARIS, weekday=6, at=time(2, 30)
    )
    assert local(moment, PARIS).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 30)


def test_the_same_hour_is_another_utc_instant_in_each_zone() -> None:
    after = datetime(2026, 11, 26, 12, tzinfo=UTC)
    tokyo = next_weekly(after, timezone="Asia/Tokyo", weekday=0, at=time(10))
    la = next_weekly(after, timezone="America/Los_Angeles", weekday=0, at=time(10))
    assert tokyo == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert la == datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


def test_utc_offsets_follow_dst() -> None:
    assert utc_offset_minutes(PARIS, datetime(2027, 1, 10, tzinfo=UTC)) == 60
    assert utc_offset_minutes(PARIS, datetime(2027, 7, 10, tzinfo=UTC)) == 120
    assert utc_offset_minutes("Asia/Kolkata", datetime(2027, 7, 10, tzinfo=UTC)) == 330


# --- a suggested time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "zones",
    [
        (PARIS, NEW_YORK),
        ("Asia/Tokyo", "America/Los_Angeles"),
        ("Asia/Kolkata", "Europe/London", "Africa/Nairobi"),
        ("UTC",),
    ],
)
def test_the_suggested_time_is_within_everyones_working_hours_on_a_weekday(
    zones: tuple[str, ...],
) -> None:
    after = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # a Friday afternoon
    slot = suggest_time(zones, after=after)
    assert slot >= after + timedelta(days=1) - timedelta(hours=1)
    for zone in zones:
        there = local(slot, zone)
        assert there.weekday() < 5 and time(9) <= there.time() < time(17), (zone, there)


def test_with_no_shared_working_hour_the_time_suits_as_many_as_possible() -> None:
    zones = ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London")  # +14, −11, 0
    slot = suggest_time(zones, after=datetime(2026, 11, 26, tzinfo=UTC))
    inside = [
        z
        for z in zones
        if local(slot, z).weekday() < 5 and time(9) <= local(slot, z).time() < time(17)
    ]
    assert len(inside) == 2


def test_members_in_close_time_zones_are_grouped_together_when_it_costs_nothing() -> None:
    for count in (8, 40):  # the exhaustive search, and the method for large channels
        offsets = {f"m{i:02d}": (540 if i % 2 else -480) for i in range(count)}
        grouping = make_groups(list(offsets), size=2, offsets=offsets, seed=7)
        assert all(len({offsets[m] for m in group}) == 1 for group in grouping.groups)


# --- through the ticker, with the clock moving --------------------------------------------------


def test_a_channels_rounds_start_at_its_local_hour_before_and_after_dst(buddy: Buddy) -> None:
    buddy.clock.set(datetime(2027, 3, 17, 12, tzinfo=UTC))
    buddy.say(
        "pairing on on monday at 10:00 in Europe/Paris",
        by=CAROL,
        channel=GENERAL,
        is_organiser=True,
    )
    for member in (ALICE, BOB, CAROL):
        buddy.say("join", by=member, channel=GENERAL)
    for hours in range(0, 24 * 16, 1):
        buddy.clock.set(datetime(2027, 3, 17, 12, tzinfo=UTC) + timedelta(hours=hours))
        for job in (PairingHeadsUps(), PairingRounds()):
            with buddy.store() as uow:
                job.run(uow, now=buddy.clock.now(), limit=10)
                uow.commit()
    started = [r.started_at for r in buddy.store.state.pairing_rounds.values()]
    assert started == [
        datetime(2027, 3, 22, 9, 0, tzinfo=UTC),  # CET
        datetime(2027, 3, 29, 8, 0, tzinfo=UTC),  # CEST
    ]
    heads_ups = sorted(r.queued_at for r in buddy.store.dms_to(ALICE) if ":heads_up:" in r.key)
    assert heads_ups == [
        datetime(2027, 3, 21, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 28, 8, 0, tzinfo=UTC),
    ]

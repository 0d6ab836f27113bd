"""The dashboard's aggregates, counted by SQLite and PostgreSQL, one workspace at a time."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.dashboard import EventCounts, PairingChannelName, Period, RoundCounts, WeekCounts
from bot.core.identity import Channel, Platform, Workspace
from bot.store.dashboard import SqlDashboardStats
from bot.store.database import make_session_factory
from tests.web.community import (
    ANA_ELSEWHERE,
    BOARD_GAMES,
    LOBBY,
    NOW,
    ORGANISER,
    POTTERY,
    community,
)

WEEKS = Period.ending(NOW.date(), weeks=3)


def test_the_store_counts_each_week_and_round_of_one_workspace(database_url: str) -> None:
    world = community(database_url)
    stats = SqlDashboardStats(make_session_factory(world.buddy.engine))
    try:
        assert [c.name for c in stats.pairing_channels(ORGANISER.workspace)] == ["lobby"]
        assert stats.rounds(LOBBY, period=WEEKS) == [
            RoundCounts(1, NOW.replace(day=17), paired=12, met=6),
            RoundCounts(2, NOW.replace(day=24), paired=12, met=2),
        ]
        quiet = WeekCounts(date(2026, 11, 9), 0, 0, 0, 0, 0, 0, 0)
        assert stats.weeks(ORGANISER.workspace, period=WEEKS) == [
            quiet,
            WeekCounts(date(2026, 11, 16), 0, 0, gives=3, asks=0, promises_due=0,
                       promises_kept_on_time=0, members_active=3),
            WeekCounts(date(2026, 11, 23), 0, 0, gives=12, asks=7, promises_due=11,
                       promises_kept_on_time=6, members_active=11),
        ]  # fmt: skip
        # The other workspace: one member who noted something, no pairing, nothing of T1's.
        elsewhere = ANA_ELSEWHERE.workspace
        assert stats.pairing_channels(elsewhere) == []
        assert [w.members_active for w in stats.weeks(elsewhere, period=WEEKS)] == [0, 0, 1]
        assert [w.gives for w in stats.weeks(elsewhere, period=WEEKS)] == [0, 0, 0]
        other_lobby = Channel(Platform.SLACK, "T2", LOBBY.channel_id)
        assert stats.rounds(other_lobby, period=WEEKS) == []
        assert stats.weeks(Workspace(Platform.DISCORD, "T1"), period=WEEKS)[-1].gives == 0
        # A period before any of it counts nothing.
        before = Period(date(2026, 1, 5), 4)
        assert stats.rounds(LOBBY, period=before) == []
        assert {w.members_active for w in stats.weeks(ORGANISER.workspace, period=before)} == {0}
    finally:
        world.buddy.engine.dispose()


def test_the_store_counts_the_events_held_in_one_channel_of_one_workspace(
    database_url: str,
) -> None:
    world = community(database_url)
    stats = SqlDashboardStats(make_session_factory(world.buddy.engine))
    try:
        assert stats.event_channels(ORGANISER.workspace) == [PairingChannelName(LOBBY, "")]
        held = stats.events(LOBBY, period=WEEKS, before=NOW)
        assert [(e.title, e.going, e.attended, e.meetings) for e in held] == [
            (POTTERY, 8, 6, 7),
            (BOARD_GAMES, 3, 2, 1),
        ]
        assert all(isinstance(e, EventCounts) for e in held)
        # The one still to come counts once it has started; none before the period.
        assert len(stats.events(LOBBY, period=WEEKS, before=NOW + timedelta(days=2))) == 3
        assert stats.events(LOBBY, period=Period(date(2026, 1, 5), 4), before=NOW) == []
        # The other workspace's event, in a channel of the same id, is its own.
        other_lobby = Channel(Platform.SLACK, "T2", LOBBY.channel_id)
        assert stats.event_channels(ANA_ELSEWHERE.workspace) == [
            PairingChannelName(other_lobby, "")
        ]
        [party] = stats.events(other_lobby, period=WEEKS, before=NOW + timedelta(days=2))
        assert (party.going, party.attended, party.meetings) == (0, 0, 0)
    finally:
        world.buddy.engine.dispose()

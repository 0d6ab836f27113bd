"""Organisers see a channel's events in figures: in the pairing round summary and in `stats`,
numbers only, under five as "<5"."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.event_posts import ACTION_GOING
from tests.unit.harness import ALICE, BOB, CAROL, GENERAL, Buddy
from tests.unit.test_pairing_rounds import FIRST_ROUND, channel, dms, in_channel, tick

__all__ = ["channel"]


def test_the_round_summary_shows_the_channels_recent_events_in_figures(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND - timedelta(days=4))  # Thu 26 Nov
    in_channel(channel, 'event "Rust night" friday 6pm', by=ALICE)
    [event] = channel.store.state.events.values()
    for member in (ALICE, BOB):
        channel.press(ACTION_GOING, str(event.id), by=member, channel=GENERAL)
    channel.clock.set(FIRST_ROUND)
    tick(channel)

    [summary] = [r for r in dms(channel, CAROL) if r.key.endswith(":summary")]
    text = summary.effect.message.plain_text()
    assert "Events in #general:\n• 1 · “Rust night” (Fri 27 Nov): going <5 · maybe <5" in text
    assert "attended <5 · meetings logged there <5" in text
    assert "@" not in text  # no member is named

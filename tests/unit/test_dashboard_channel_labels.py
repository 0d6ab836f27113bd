"""The dashboard's channel choices read as names, never a platform's channel id."""

from __future__ import annotations

from bot.core.dashboard import PairingChannelName
from bot.core.identity import Channel, Platform
from bot.web.server import channel_labels


def _channel(channel_id: str) -> Channel:
    return Channel(Platform.SLACK, "T1", channel_id)


def test_named_channels_read_as_names_and_unnamed_ones_get_a_neutral_numbered_label() -> None:
    lobby, old_pairing, talks, old1, old2 = map(_channel, ("C1", "C2", "C3", "C4", "C5"))
    choices = [
        PairingChannelName(lobby, "lobby"),
        PairingChannelName(old_pairing, ""),
        PairingChannelName(talks, "talks"),
        PairingChannelName(old1, ""),
        PairingChannelName(old2, ""),
    ]

    labels = channel_labels(choices, paired={lobby, old_pairing})

    assert labels == (
        "#lobby",
        "a channel with pairing",
        "#talks",
        "a channel (events only), 1",
        "a channel (events only), 2",
    )
    assert not any(
        c.channel_id in label for c in (lobby, old_pairing, talks, old1, old2) for label in labels
    )

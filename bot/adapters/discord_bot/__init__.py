"""The Discord adapter, named so it never shadows the `discord` library it is built on."""

from __future__ import annotations

from bot.adapters.discord_bot.client import (
    NOT_SYNCED,
    BuddyClient,
    DiscordPorts,
    bot_intents,
    make_client,
    point_at,
    run_bot,
    sync_commands,
)

__all__ = [
    "NOT_SYNCED",
    "BuddyClient",
    "DiscordPorts",
    "bot_intents",
    "make_client",
    "point_at",
    "run_bot",
    "sync_commands",
]

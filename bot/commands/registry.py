"""Every command and button the bot knows, collected once for all adapters."""

from __future__ import annotations

from bot.commands import (
    channel_prompts,
    event_buttons,
    event_followups,
    events,
    intros,
    ledger,
    pairing,
    people,
    privacy,
    profile,
    promises,
    tips,
    web_links,
)
from bot.commands.base import ActionSpec, AnySpec
from bot.commands.help import make_help
from bot.commands.jobs import follow_ups

HELP = make_help(lambda: COMMANDS)

COMMANDS: tuple[AnySpec, ...] = (
    HELP,
    *people.SPECS,
    *promises.SPECS,
    *ledger.SPECS,
    *profile.SPECS,
    *privacy.SPECS,
    *channel_prompts.SPECS,
    *intros.SPECS,
    *pairing.SPECS,
    *events.SPECS,
    *tips.SPECS,
    *web_links.SPECS,
)

ACTIONS: tuple[ActionSpec, ...] = (
    *promises.ACTIONS,
    *privacy.ACTIONS,
    *ledger.ACTIONS,
    *follow_ups.ACTIONS,
    *intros.ACTIONS,
    *pairing.ACTIONS,
    *event_buttons.ACTIONS,
    *event_followups.ACTIONS,
)

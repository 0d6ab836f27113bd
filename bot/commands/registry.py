"""Every command and button the bot knows, collected once for all adapters."""

from __future__ import annotations

from bot.commands import ledger, people, privacy, profile, promises
from bot.commands.base import ActionSpec, AnySpec
from bot.commands.help import make_help

HELP = make_help(lambda: COMMANDS)

COMMANDS: tuple[AnySpec, ...] = (
    HELP,
    *people.SPECS,
    *promises.SPECS,
    *ledger.SPECS,
    *profile.SPECS,
    *privacy.SPECS,
)

ACTIONS: tuple[ActionSpec, ...] = (*promises.ACTIONS, *privacy.ACTIONS)

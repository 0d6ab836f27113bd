"""The terminal adapter: no tokens, the same core; `as @name` switches who is typing."""

from __future__ import annotations

from bot.adapters.console.clock import ConsoleClock
from bot.adapters.console.render import console_channel, console_member, render
from bot.adapters.console.screen import ConsoleMessenger, ConsoleScreen
from bot.adapters.console.session import ConsoleSession
from bot.adapters.console.terminal import read_eval_print

__all__ = [
    "ConsoleClock",
    "ConsoleMessenger",
    "ConsoleScreen",
    "ConsoleSession",
    "console_channel",
    "console_member",
    "read_eval_print",
    "render",
]

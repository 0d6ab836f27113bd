"""Each chat platform plugs in with one entry, which `buddy`, the worker and delivery loop over."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import Settings
from bot.core.identity import Platform
from bot.core.ports import Messenger

if TYPE_CHECKING:
    from bot.app import Buddy

# The platforms, one line each: the module holding its `PLUGIN`, imported when `buddy` starts
# (each imports its SDK only when it serves, so a process loads only the SDKs it uses).
REGISTERED = (
    "bot.plugins.slack",
    "bot.plugins.discord_bot",
)


class MissingSetting(Exception):
    """A setting the chosen process needs is not set; the message says where to find it."""


class Serve(Protocol):
    """Serve the platform until cancelled, with delivery, and the ticker unless `tick` is
    False (default: BUDDY_TICKER)."""

    def __call__(self, buddy: Buddy, *, tick: bool | None = None) -> Coroutine[Any, Any, None]: ...


@dataclass(frozen=True, kw_only=True)
class Plugin:
    """What the rest of the bot knows of one chat platform."""

    platform: Platform
    name: str  # as its users know it: "Slack"
    # Its credentials as an operator reads them, e.g. "DISCORD_TOKEN".
    credentials: str
    # Whether its credentials are set: `buddy run` serves it and the worker delivers to it.
    configured: Callable[[Settings], bool]
    # Raise MissingSetting unless the settings suffice to serve it, or to deliver to it.
    check_serve: Callable[[Settings], None]
    check_worker: Callable[[Settings], None]
    # Messages a second each process sends to it (0: as fast as its rate limits allow).
    send_rate: Callable[[Settings], float]
    serve: Serve
    # A messenger that needs no chat gateway; what it opens closes with the stack.
    worker_messenger: Callable[[Buddy, contextlib.AsyncExitStack], Awaitable[Messenger]]
    # Its own `buddy` subcommands (`buddy slack`, `buddy discord sync`, ...).
    add_commands: Callable[[argparse._SubParsersAction[Any]], None]


def plugins() -> tuple[Plugin, ...]:
    """The registered platforms, in order: in `buddy run` the first one's ticker serves all."""
    plugged: tuple[Plugin, ...] = tuple(import_module(name).PLUGIN for name in REGISTERED)
    return plugged


def require(settings: Settings, *names: str, where: str) -> None:
    """MissingSetting naming each of `names` that is empty, then where to find them."""
    missing = [name.upper() for name in names if not getattr(settings, name)]
    if missing:
        raise MissingSetting(f"{' and '.join(missing)} not set. {where}")

"""A platform plugs in with one registration line: `buddy`, the worker and delivery loop over it."""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

import bot.plugins
from bot.adapters.console import ConsoleMessenger, ConsoleScreen
from bot.app import Buddy, build, worker_messengers
from bot.cli import main
from bot.config import Settings
from bot.core.identity import Platform
from bot.core.ports import Messenger
from bot.plugins import Plugin
from tests.integration.test_worker_command import PLATFORM_VARIABLES

# This module is the plugin of a made-up platform (it reuses the console's identity, the one
# Platform no chat plugin claims): registering it is all a new adapter asks of existing code.
THIS_MODULE = __name__
SERVED: list[bool | None] = []  # each serve's `tick`
COMMANDS_RUN: list[str] = []


async def serve(buddy: Buddy, *, tick: bool | None = None) -> None:
    SERVED.append(tick)


async def worker_messenger(buddy: Buddy, stack: contextlib.AsyncExitStack) -> Messenger:
    return ConsoleMessenger(ConsoleScreen(io.StringIO()))


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    commands.add_parser("third", help="run on the third platform").set_defaults(
        run=lambda settings, args: COMMANDS_RUN.append("third")
    )


PLUGIN = Plugin(
    platform=Platform.CONSOLE,
    name="Third",
    credentials="THIRD_TOKEN",
    configured=lambda settings: True,
    check_serve=lambda settings: None,
    check_worker=lambda settings: None,
    send_rate=lambda settings: 7.0,
    serve=serve,
    worker_messenger=worker_messenger,
    add_commands=add_commands,
)


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "buddy.sqlite3"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    SERVED.clear()
    COMMANDS_RUN.clear()
    return f"sqlite:///{path}"


def registered(monkeypatch: pytest.MonkeyPatch, *extra: str) -> None:
    """The one line a new platform adds: its plugin's module in the registry."""
    monkeypatch.setattr(bot.plugins, "REGISTERED", (*bot.plugins.REGISTERED, *extra))


def test_buddy_run_serves_a_registered_platform_and_offers_its_own_command(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(monkeypatch, THIS_MODULE)

    assert main(["run"]) == 0
    assert main(["third"]) == 0

    assert SERVED == [None]  # alone, it ticks as BUDDY_TICKER says
    assert COMMANDS_RUN == ["third"]


def test_with_two_platforms_configured_both_serve_on_one_loop_and_only_the_first_ticks(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(monkeypatch, THIS_MODULE, "tests.integration.fourth_platform")

    assert main(["run"]) == 0

    assert SERVED == [None, False]


def test_without_a_registered_platform_configured_run_names_every_platforms_credentials(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2

    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "DISCORD_TOKEN" in err and "buddy console" in err


async def test_the_worker_delivers_through_a_registered_platforms_messenger(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered(monkeypatch, THIS_MODULE)
    buddy = build(Settings(database_url=database))

    async with contextlib.AsyncExitStack() as stack:
        messengers = await worker_messengers(buddy, stack)

    assert set(messengers) == {Platform.CONSOLE}  # Slack and Discord have no credentials
    assert isinstance(messengers[Platform.CONSOLE], ConsoleMessenger)

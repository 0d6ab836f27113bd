"""Setting the bot up on Discord: the generated `/buddy` group, `buddy discord sync`, intents."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_bot import bot_intents, make_client
from bot.cli import main
from bot.commands.base import ArgKind
from bot.commands.registry import COMMANDS
from tests.adapters.discord_fake import (
    GUILD_A,
    TOKEN,
    DiscordWorld,
    FakeDiscord,
    copy_database,
    discord_world,
)

OPTION_TYPES = {ArgKind.PERSON: 6, ArgKind.NUMBER: 4}  # the rest are strings (3)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


@pytest.fixture
def restore_discord_urls() -> Iterator[None]:
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def registered_group(world: DiscordWorld) -> dict[str, Any]:
    [group] = world.client.tree.get_commands()
    return group.to_dict(world.client.tree)


async def test_every_command_is_a_subcommand_of_one_guild_only_buddy_group(
    world: DiscordWorld,
) -> None:
    group = registered_group(world)

    assert group["name"] == "buddy"
    assert group["contexts"] == [0]  # guilds only: a member's data lives per guild
    subcommands = {sub["name"]: sub for sub in group["options"]}
    channel, more = subcommands.pop("channel"), subcommands.pop("more")
    subcommands.update({sub["name"]: sub for sub in (*channel["options"], *more["options"])})
    # Discord allows 25 in a group: the personal commands come first, in the registry's order,
    # and those beyond the room left by the two subgroups go in `more`.
    personal = [spec.name for spec in COMMANDS if not spec.needs_channel]
    assert len(group["options"]) <= 25
    assert [sub["name"] for sub in group["options"]] == [*personal[:23], "channel", "more"]
    assert [sub["name"] for sub in more["options"]] == personal[23:]
    assert [sub["name"] for sub in channel["options"]] == [
        spec.name for spec in COMMANDS if spec.needs_channel
    ]
    for spec in COMMANDS:
        sub = subcommands[spec.name]
        assert len(sub["description"]) <= 100
        options = {option["name"]: option for option in sub["options"]}
        for arg in spec.args:
            option = options[arg.name]
            assert option["type"] == OPTION_TYPES.get(arg.kind, 3)
            assert len(option["description"]) <= 100
            number = arg.kind is ArgKind.NUMBER and arg.name == "number"  # not a count
            completes = number or arg.kind is ArgKind.TIMEZONE
            assert option.get("autocomplete", False) is completes


async def test_a_person_can_also_be_named_for_someone_outside_the_server(
    world: DiscordWorld,
) -> None:
    met = next(sub for sub in registered_group(world)["options"] if sub["name"] == "met")

    assert [(o["name"], o["type"], o["required"]) for o in met["options"]] == [
        ("person", 6, False),
        ("name", 3, False),
        ("person_2", 6, False),
        ("person_2_name", 3, False),
        ("person_3", 6, False),
        ("person_3_name", 3, False),
        ("context", 3, False),
    ]


def test_the_bot_asks_for_guild_events_only_and_no_privileged_intent() -> None:
    intents = bot_intents()

    assert intents.value == discord.Intents(guilds=True).value
    assert not (intents.members or intents.presences or intents.message_content)


@pytest.mark.usefixtures("restore_discord_urls")
async def test_buddy_discord_sync_registers_the_group_in_one_guild(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", copy_database(sqlite_template, tmp_path))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DISCORD_API_URL", fake.api_url)
    try:
        code = await asyncio.to_thread(main, ["discord", "sync", "--guild", str(GUILD_A.id)])
    finally:
        await fake.close()

    assert code == 0
    [group] = fake.registered[str(GUILD_A.id)]
    assert group["name"] == "buddy"
    # Discord's most: the first personal commands, the channel group and the `more` group.
    assert len(group["options"]) == 25
    assert [sub["name"] for sub in group["options"]][-2:] == ["channel", "more"]
    assert "global" not in fake.registered


@pytest.mark.usefixtures("restore_discord_urls")
async def test_a_refused_token_says_so(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    fake = FakeDiscord()
    await fake.start()
    fake.fail("GET", "users/@me", status=401, body={"message": "401: Unauthorized", "code": 0})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", copy_database(sqlite_template, tmp_path))
    monkeypatch.setenv("DISCORD_TOKEN", "wrong")
    monkeypatch.setenv("DISCORD_API_URL", fake.api_url)
    try:
        code = await asyncio.to_thread(main, ["discord", "sync"])
    finally:
        await fake.close()

    assert code == 2
    assert "Discord refused DISCORD_TOKEN" in capsys.readouterr().err


async def test_a_sharded_client_is_the_same_bot(world: DiscordWorld) -> None:
    client = make_client(world.client.ports, sharded=True)

    assert isinstance(client, discord.AutoShardedClient)
    assert client.tree.get_commands()[0].to_dict(client.tree) == registered_group(world)

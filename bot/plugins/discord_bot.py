"""Discord plugged in: its settings, the gateway client, its worker messenger, `discord sync`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from bot.app import DELIVERY_POLL_SECONDS, Buddy, build, deliver_and_tick
from bot.config import Settings
from bot.core.identity import Member, Platform, Workspace
from bot.core.ports import Messenger
from bot.plugins import MissingSetting, Plugin, require

if TYPE_CHECKING:  # imported where used, so no other process loads discord.py
    from bot.adapters.discord_bot import DiscordPorts

DISCORD_HELP = "Create a Discord application (README, “Create the Discord bot”): Bot → Token."


def discord_ports(buddy: Buddy, *, after_each: Callable[[], None] = lambda: None) -> DiscordPorts:
    """The storage the Discord adapter needs, as plain callables over this bot's unit of work."""
    from bot.adapters.discord_bot import DiscordPorts
    from bot.store.workspaces import stored_workspace_ids

    def erase_workspace(workspace: Workspace) -> None:
        with buddy.uow_factory() as uow:
            uow.erase_workspace(workspace)
            uow.commit()

    def open_promises(member: Member) -> list[tuple[int, str]]:
        with buddy.uow_factory() as uow:
            # Bounded: autocomplete shows 25 at most, and open promises are capped anyway.
            listed = uow.promises.list_open(member, limit=buddy.policy.max_open_promises)
            return [(p.number, p.what) for p in listed]

    def stored_guilds() -> set[str]:
        with buddy.uow_factory() as uow:
            return stored_workspace_ids(uow.session, Platform.DISCORD)

    return DiscordPorts(
        service=buddy.service,
        erase_workspace=erase_workspace,
        open_promises=open_promises,
        after_each=after_each,
        stored_guilds=stored_guilds,
    )


async def serve_discord(
    buddy: Buddy, *, tick: bool | None = None, sharded: bool = False, **options: object
) -> None:
    """`buddy discord`: the gateway client, delivery through its messenger, and the ticker
    unless `tick` is False (default: BUDDY_TICKER).

    `options` go to discord.py's client (tests shorten its wait for guilds, for one).
    """
    from bot.adapters import discord_bot

    s = buddy.settings
    discord_bot.point_at(api_url=s.discord_api_url, gateway_url=s.discord_gateway_url)
    wake = asyncio.Event()

    async def background(messenger: Messenger) -> None:
        await deliver_and_tick(
            buddy,
            {Platform.DISCORD: messenger},
            wake=wake,
            tick=s.buddy_ticker if tick is None else tick,
            interval=min(s.buddy_tick_seconds, DELIVERY_POLL_SECONDS),
        )

    await discord_bot.run_bot(
        discord_ports(buddy, after_each=wake.set),
        token=s.discord_token,
        sharded=sharded,
        background=background,
        ack_budget=s.buddy_ack_budget_seconds,
        **options,
    )


async def sync_discord(buddy: Buddy, *, guild_id: int | None = None) -> int:
    """`buddy discord sync`: register `/buddy`; the number of subcommands registered."""
    from bot.adapters import discord_bot

    s = buddy.settings
    discord_bot.point_at(api_url=s.discord_api_url, gateway_url=s.discord_gateway_url)
    return await discord_bot.sync_commands(
        discord_ports(buddy), token=s.discord_token, guild_id=guild_id
    )


@contextlib.contextmanager
def _discord_refusals() -> Iterator[None]:
    """Discord refusing the token, as a clear message."""
    from discord import LoginFailure

    try:
        yield
    except LoginFailure:
        raise MissingSetting(f"Discord refused DISCORD_TOKEN. {DISCORD_HELP}") from None


async def serve(buddy: Buddy, *, tick: bool | None = None, sharded: bool = False) -> None:
    """`buddy discord`, and Discord's part of `buddy run`: a refused token reads clearly."""
    with _discord_refusals():
        await serve_discord(buddy, tick=tick, sharded=sharded)


def _check_discord(settings: Settings) -> None:
    require(settings, "discord_token", where=DISCORD_HELP)


def cmd_discord(settings: Settings, args: argparse.Namespace) -> None:
    _check_discord(settings)
    buddy = build(settings)
    if getattr(args, "discord_action", None) == "sync":
        with _discord_refusals():
            count = asyncio.run(sync_discord(buddy, guild_id=args.guild))
        where = f"in guild {args.guild} (visible at once)" if args.guild else "globally"
        print(f"Registered /buddy with {count} subcommands {where}.")
    else:
        asyncio.run(serve(buddy, sharded=getattr(args, "sharded", False)))


async def worker_messenger(buddy: Buddy, stack: contextlib.AsyncExitStack) -> Messenger:
    """Through the REST API, with a client that logs in but never connects."""
    import discord

    from bot.adapters import discord_bot
    from bot.adapters.discord_bot.messenger import DiscordMessenger, Pacer

    s = buddy.settings
    discord_bot.point_at(api_url=s.discord_api_url)
    client = await stack.enter_async_context(discord.Client(intents=discord.Intents.none()))
    await client.login(s.discord_token)
    return DiscordMessenger(client, pacer=Pacer(1.0))


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    discord = commands.add_parser(
        "discord", help="run on Discord (`discord sync` registers /buddy)"
    )
    discord.add_argument(
        "discord_action",
        nargs="?",
        choices=["sync"],
        metavar="sync",
        help="register the /buddy commands with Discord, then exit",
    )
    discord.add_argument("--guild", type=int, help="sync: register in this guild only, at once")
    discord.add_argument("--sharded", action="store_true", help="run with AutoShardedClient")
    discord.set_defaults(run=cmd_discord)


PLUGIN = Plugin(
    platform=Platform.DISCORD,
    name="Discord",
    credentials="DISCORD_TOKEN",
    configured=lambda settings: bool(settings.discord_token),
    check_serve=_check_discord,
    check_worker=lambda settings: None,
    send_rate=lambda settings: settings.buddy_discord_send_rate,
    serve=serve,
    worker_messenger=worker_messenger,
    add_commands=add_commands,
)

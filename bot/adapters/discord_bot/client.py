"""The Discord adapter: a discord.py client whose `/buddy` commands and buttons run the core."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_bot.commands import MAX_CHOICES, TypedCommand, build_group
from bot.adapters.discord_bot.messenger import DiscordMessenger, Pacer
from bot.adapters.discord_bot.other import BuddyOther
from bot.adapters.discord_bot.render import BuddyButton, BuddySelect, no_mentions, render
from bot.commands.base import ActionInput, AnySpec, CommandInput
from bot.commands.replies import oops_reply
from bot.commands.service import CommandService
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.message import Message, text_message

log = logging.getLogger(__name__)

SHARDING_REQUIRED = 4011  # the gateway's close code once a bot is in too many guilds for one shard
# discord.py waits out a rate limit up to this long itself (30 s is its minimum); a longer one is
# raised, so the outbox reschedules the message instead of holding a delivery task.
MAX_RATELIMIT_WAIT = 30.0
# Besides each READY, the guilds held in the database are compared with the bot's this often.
GUILD_CHECK_SECONDS = 24 * 3600.0
# An answer ready this soon is the interaction's first response; later, it follows a deferral
# (Discord waits 3 s for the first response).
ACK_BUDGET = 1.5

NOT_SYNCED = (
    "⚠️ My commands changed since they were registered: ask a server admin to run "
    "`buddy discord sync`."
)


@dataclass(frozen=True)
class DiscordPorts:
    """What the adapter needs from the rest of the bot; `bot.app` passes the concrete pieces."""

    service: CommandService
    erase_workspace: Callable[[Workspace], None]  # the bot left a guild: forget it
    open_promises: Callable[[Member], Sequence[tuple[int, str]]]  # (number, what), for autocomplete
    after_each: Callable[[], None] = lambda: None  # a command ran: its messages may be queued
    stored_guilds: Callable[[], Collection[str]] = lambda: ()  # guild ids the database holds


def bot_intents() -> discord.Intents:
    """Guild events only: interactions need no intent, and the bot reads no messages or members."""
    intents = discord.Intents.none()
    intents.guilds = True  # GUILD_CREATE/DELETE: leaving a guild erases it; channels for threads
    return intents


def point_at(*, api_url: str = "", gateway_url: str = "") -> None:
    """DISCORD_API_URL and DISCORD_GATEWAY_URL: discord.py reads both from class attributes."""
    if api_url:
        Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class BuddyTree(app_commands.CommandTree[Any]):
    """Errors end in a private, friendly reply, not Discord's "The application did not respond"."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            log.warning("autocomplete failed: %s", type(error).__name__)  # its text quotes input
            return
        if isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
            text = NOT_SYNCED
        elif isinstance(error, app_commands.TransformerError):
            log.warning("a discord option could not be read")  # its message quotes the value
            text = "\n".join(part.content for part in render(oops_reply()))
        else:
            log.error("discord command failed", exc_info=error)
            text = "\n".join(part.content for part in render(oops_reply()))
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(
                    text, ephemeral=True, allowed_mentions=no_mentions()
                )
            else:
                await interaction.response.send_message(
                    text, ephemeral=True, allowed_mentions=no_mentions()
                )


class BuddyClient(discord.Client):
    """One `/buddy` group made from the command specs, persistent buttons, and the messenger."""

    def __init__(
        self,
        ports: DiscordPorts,
        *,
        dm_interval: float = 1.0,
        guild_check_seconds: float = GUILD_CHECK_SECONDS,
        ack_budget: float = ACK_BUDGET,
        **options: Any,
    ) -> None:
        # discord.py logs whole gateway events and HTTP bodies at DEBUG: typed text, names.
        logging.getLogger("discord").setLevel(max(logging.INFO, logging.root.level))
        super().__init__(
            intents=bot_intents(),
            allowed_mentions=no_mentions(),  # the default for anything not saying otherwise
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            **options,
        )
        self.ports = ports
        self.messenger = DiscordMessenger(self, pacer=Pacer(dm_interval))
        self.tree = BuddyTree(self)
        self.tree.add_command(
            build_group(
                ports.service.commands,
                invoke=self.run_command,
                complete_number=self.complete_promise,
            )
        )
        self._guild_check_seconds = guild_check_seconds
        self._ack_budget = ack_budget
        self._watching: asyncio.Task[None] | None = None
        # The `/buddy` command's id, learnt from the first slash command: replies then show
        # command references as clickable command mentions.
        self._command_id = ""

    async def setup_hook(self) -> None:
        self.add_dynamic_items(BuddyButton, BuddySelect, BuddyOther)
        self._watching = asyncio.create_task(self._check_guilds_daily())

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
        await super().close()

    async def on_ready(self) -> None:
        """READY lists every guild the bot is in (those in an outage too, as unavailable): a
        guild that removed the bot while it was down is missing, and is erased now."""
        await self.forget_departed_guilds()

    async def forget_departed_guilds(self) -> None:
        """Erase the data of every guild the database holds that the bot is no longer in."""
        if not self.is_ready():
            return
        present = {str(guild.id) for guild in self.guilds}
        stored = await asyncio.to_thread(self.ports.stored_guilds)
        for guild_id in sorted(set(stored) - present):
            await asyncio.to_thread(
                self.ports.erase_workspace, Workspace(Platform.DISCORD, guild_id)
            )
            log.info("erased a guild the bot is no longer in", extra={"workspace": guild_id})

    async def _check_guilds_daily(self) -> None:
        while True:
            await asyncio.sleep(self._guild_check_seconds)
            try:
                await self.forget_departed_guilds()
            except Exception:
                log.exception("the daily check of Discord guilds failed")

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked, or the guild deleted (an outage is `guild_unavailable`, not this)."""
        await asyncio.to_thread(
            self.ports.erase_workspace, Workspace(Platform.DISCORD, str(guild.id))
        )
        log.info("left a guild and erased its data", extra={"workspace": str(guild.id)})

    async def run_command(
        self, interaction: discord.Interaction[Any], spec: AnySpec, typed: TypedCommand
    ) -> None:
        try:
            data: Mapping[str, object] = interaction.data or {}
            self._command_id = str(data.get("id") or self._command_id)
            await self._answer(interaction, self._command_reply(interaction, spec, typed))
        finally:
            self.ports.after_each()

    async def _command_reply(
        self, interaction: discord.Interaction[Any], spec: AnySpec, typed: TypedCommand
    ) -> tuple[Message, str]:
        if interaction.guild_id is None:
            return text_message("⚠️ Use /buddy in a server."), ""
        member = _member(interaction, str(interaction.guild_id))
        if typed.problem:
            return text_message("⚠️ ", typed.problem), member.workspace_id
        reply = await asyncio.to_thread(
            self.ports.service.run,
            CommandInput(
                text=spec.name,
                invoker=member,
                channel=_channel(interaction, member.workspace_id),
                channel_name=getattr(interaction.channel, "name", None) or "",
                invoker_name=interaction.user.display_name,
                mentions=typed.mentions(member.workspace_id),
                args=typed.args,
                platform_timezone=None,  # Discord shares none
                is_organiser=interaction.permissions.manage_channels,
            ),
        )
        return reply, member.workspace_id

    async def press_button(
        self,
        interaction: discord.Interaction[Any],
        *,
        action: str,
        guild_id: str,
        payload: str,
        picked: tuple[str, ...] | None = None,
        typed: str | None = None,
    ) -> None:
        try:
            await self._answer(
                interaction,
                self._press_reply(interaction, action, guild_id, payload, picked, typed),
            )
        finally:
            self.ports.after_each()

    async def _press_reply(
        self,
        interaction: discord.Interaction[Any],
        action: str,
        guild_id: str,
        payload: str,
        picked: tuple[str, ...] | None,
        typed: str | None,
    ) -> tuple[Message, str]:
        workspace = self._press_guild(interaction, guild_id)
        if not workspace:
            return text_message("⚠️ That button is too old."), ""
        member = _member(interaction, workspace)
        reply = await asyncio.to_thread(
            self.ports.service.press,
            ActionInput(
                action=action,
                payload=payload,
                invoker=member,
                channel=_channel(interaction, workspace),
                invoker_name=interaction.user.display_name,
                is_organiser=interaction.permissions.manage_channels,
                picked=picked,
                typed=typed,
            ),
        )
        return reply, workspace

    async def _answer(
        self,
        interaction: discord.Interaction[Any],
        work: Coroutine[Any, Any, tuple[Message, str]],
    ) -> None:
        """The reply is the first response when ready within the budget; else the interaction
        is deferred when the budget ends and the reply follows. The work (committed before it
        answers) runs once, and only this coroutine answers: never twice."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self._ack_budget)
        if task not in done:
            await interaction.response.defer(ephemeral=True, thinking=True)
        message, workspace_id = await task
        await self._reply(interaction, message, workspace_id)

    def _press_guild(self, interaction: discord.Interaction[Any], custom_id_guild: str) -> str:
        """The guild a press acts in: Discord's own id of it always wins. Only a button in a DM
        (which has none) names its guild in its custom_id, and only a guild the bot is in; the
        handlers then check the member owns what the payload names."""
        if interaction.guild_id is not None:
            return str(interaction.guild_id)
        known = custom_id_guild.isdecimal() and self.get_guild(int(custom_id_guild)) is not None
        return custom_id_guild if known else ""

    async def complete_promise(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        """The member's open promises, for the `number` options."""
        if interaction.guild_id is None:
            return []
        member = _member(interaction, str(interaction.guild_id))
        promises = await asyncio.to_thread(self.ports.open_promises, member)
        needle = current.strip().lstrip("#").lower()
        return [
            app_commands.Choice(name=f"#{number} · {what}"[:100], value=number)
            for number, what in promises
            if not needle or needle in str(number) or needle in what.lower()
        ][:MAX_CHOICES]

    async def _reply(
        self, interaction: discord.Interaction[Any], message: Message, workspace_id: str
    ) -> None:
        """The first response (or the deferred one's follow-up), then any further parts, visible
        to the member only, pinging no one."""
        for part in render(message, command_id=self._command_id):
            kwargs = part.send_kwargs(guild_id=workspace_id, allowed_mentions=no_mentions())
            if interaction.response.is_done():
                await interaction.followup.send(ephemeral=True, **kwargs)
            else:
                await interaction.response.send_message(ephemeral=True, **kwargs)


class ShardedBuddyClient(BuddyClient, discord.AutoShardedClient):
    """The same bot over as many gateway shards as Discord recommends."""


def _member(interaction: discord.Interaction[Any], workspace_id: str) -> Member:
    return Member(Platform.DISCORD, workspace_id, str(interaction.user.id))


def _channel(interaction: discord.Interaction[Any], workspace_id: str) -> Channel | None:
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    return Channel(Platform.DISCORD, workspace_id, str(interaction.channel_id))


def make_client(
    ports: DiscordPorts, *, sharded: bool = False, dm_interval: float = 1.0, **options: Any
) -> BuddyClient:
    """`options` go to discord.py's client as they are."""
    kind = ShardedBuddyClient if sharded else BuddyClient
    return kind(ports, dm_interval=dm_interval, **options)


Background = Callable[[DiscordMessenger], Coroutine[Any, Any, None]]


async def run_bot(
    ports: DiscordPorts,
    *,
    token: str,
    sharded: bool = False,
    background: Background | None = None,
    **options: Any,
) -> None:
    """Run the gateway client in this event loop until it stops.

    `background(messenger)` runs alongside (the ticker and the delivery loop). A bot Discord says
    is too big for one shard restarts as an `AutoShardedClient`.
    """
    while True:
        client = make_client(ports, sharded=sharded, **options)
        try:
            await _run_client(client, token=token, background=background)
            return
        except discord.ConnectionClosed as closed:
            if closed.code != SHARDING_REQUIRED or sharded:
                raise
            log.warning("Discord requires sharding for this bot: restarting with shards")
            sharded = True


async def _run_client(client: BuddyClient, *, token: str, background: Background | None) -> None:
    async with client:
        await client.login(token)
        task = asyncio.create_task(background(client.messenger)) if background else None
        if task is not None:
            task.add_done_callback(_report_crash)
        try:
            await client.connect()
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the background work stopped", exc_info=task.exception())


async def sync_commands(ports: DiscordPorts, *, token: str, guild_id: int | None = None) -> int:
    """Register `/buddy` with Discord (globally, or in one guild at once); its subcommand count.

    Command creation is rate-limited by Discord, so this runs on demand, never at every start.
    """
    client = make_client(ports)
    async with client:
        await client.login(token)
        if guild_id is None:
            synced = await client.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    return sum(len(command.options) for command in synced)

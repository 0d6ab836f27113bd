"""The Discord messenger: DMs, posts and private group threads; failures as delivery errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import aiohttp
import discord

from bot.adapters.discord_bot import scheduled
from bot.adapters.discord_bot.render import (
    Outgoing,
    mentioned_user_ids,
    no_mentions,
    only_users,
    render,
)
from bot.core.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RateLimited,
    TransientDeliveryError,
)
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # "Cannot send messages to this user": DMs closed, or the bot is blocked
OPENING_DMS_TOO_FAST = 40003  # Discord's anti-spam: stop opening new DMs for a while
DM_COOLDOWN = 60.0
THREAD_NAME_LIMIT = 100  # characters Discord allows in a thread's name
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week


class DmsClosed(PermanentDeliveryError):
    """The member does not accept DMs from the bot; they are told in their next reply."""


class Pacer:
    """At most one new DM channel per `interval` seconds across the bot (Discord's anti-spam)."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = asyncio.Lock()
        self._next = 0.0

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            delay = self._next - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = loop.time() + self._interval

    def hold(self, seconds: float) -> None:
        """Open no new DM channel for `seconds` (Discord said we went too fast)."""
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)


def _retry_after(error: discord.HTTPException) -> float:
    try:
        return float(error.response.headers.get("Retry-After", "5"))
    except ValueError:
        return 5.0


def delivery_error(error: discord.HTTPException) -> DeliveryError:
    """What the outbox should do about a refused request."""
    detail = f"{error.status} {error.code}: {error.text}"[:300]
    if error.code == CANNOT_DM:
        return DmsClosed(detail)
    if error.code == OPENING_DMS_TOO_FAST:
        return RateLimited(DM_COOLDOWN, detail)
    if error.status == 429:  # discord.py retried it already, or it came from Cloudflare
        return RateLimited(_retry_after(error), detail)
    if error.status >= 500:
        return TransientDeliveryError(detail)
    # 400, 403, 404: a gone member or channel, or a missing permission; retrying won't help.
    return PermanentDeliveryError(detail)


@contextmanager
def delivery_errors() -> Iterator[None]:
    """Turn discord.py's and aiohttp's failures into the outbox's delivery errors."""
    try:
        yield
    except discord.RateLimited as limited:  # a wait longer than max_ratelimit_timeout
        raise RateLimited(limited.retry_after, str(limited)) from limited
    except discord.HTTPException as error:
        raise delivery_error(error) from error
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error


class DiscordMessenger:
    """The outbound port for Discord; every call goes through the client's HTTP session."""

    def __init__(self, client: discord.Client, *, pacer: Pacer) -> None:
        self._client = client
        self._pacer = pacer

    async def send_dm(self, member: Member, message: Message) -> None:
        try:
            with delivery_errors():
                user_id = int(member.user_id)
                user = self._client.get_user(user_id) or await self._client.fetch_user(user_id)
                if user.dm_channel is None:
                    await self._pacer.wait()
                    await user.create_dm()
                for part in render(message):
                    await user.send(**self._kwargs(part, member.workspace_id, no_mentions()))
        except RateLimited as limited:
            if limited.retry_after >= DM_COOLDOWN:
                self._pacer.hold(limited.retry_after)
            raise

    async def post(self, channel: Channel, message: Message) -> str | None:
        """The id of the post's last part (the one with the buttons), for `edit_post`; with an
        invite, also the id of the scheduled event made for it ("post:event")."""
        sent = None
        with delivery_errors():
            target = self._channel(channel)
            for part in render(message):
                sent = await target.send(**self._kwargs(part, channel.workspace_id, no_mentions()))
        if sent is None:
            return None
        made = None
        if message.invite is not None:
            made = await scheduled.create(self._client, int(channel.workspace_id), message.invite)
        return f"{sent.id}:{made}" if made is not None else str(sent.id)

    async def edit_post(self, channel: Channel, ref: str, message: Message) -> str | None:
        """The post's last part becomes the message's last part (an event's post is short);
        its scheduled event follows an invite the message carries, made now if the post has
        none yet (announced before the bot could manage events): then the post's new ref."""
        last = render(message)[-1]
        post_id, _, event_id = ref.partition(":")
        with delivery_errors():
            post = self._channel(channel).get_partial_message(int(post_id))
            kwargs = self._kwargs(last, channel.workspace_id, no_mentions())
            kwargs.pop("file", None)  # a post with a file is never edited
            await post.edit(**kwargs)
        if message.invite is None:
            return None
        guild_id = int(channel.workspace_id)
        if event_id.isdecimal():
            await scheduled.update(self._client, guild_id, int(event_id), message.invite)
            return None
        made = await scheduled.create(self._client, guild_id, message.invite)
        return f"{post_id}:{made}" if made is not None else None

    def _channel(self, channel: Channel) -> discord.PartialMessageable:
        return self._client.get_partial_messageable(
            int(channel.channel_id), guild_id=int(channel.workspace_id)
        )

    async def send_group(
        self,
        members: Sequence[Member],
        message: Message,
        *,
        near: Channel | None,
        title: str,
        opened: Channel | None,
        record: Callable[[Channel], Awaitable[None]],
    ) -> Channel | None:
        """A private thread named `title` in `near`, with the members added; None (DM each)
        where there is none."""
        if opened is not None:
            thread = await self._thread(opened)
        elif (
            near is not None
            and (created := await self._create_thread(near, title=title)) is not None
        ):
            thread = created
            opened = Channel(Platform.DISCORD, near.workspace_id, str(created.id))
            await record(opened)
        else:
            return None
        # In the group's own thread the bot may ping the members it names.
        allowed = only_users(mentioned_user_ids(message))
        with delivery_errors():
            for member in members:  # again on a retry: adding a member twice is harmless
                await thread.add_user(discord.Object(id=int(member.user_id)))
            for part in render(message):
                await thread.send(**self._kwargs(part, opened.workspace_id, allowed))
        return opened

    async def _thread(self, opened: Channel) -> discord.Thread:
        """The thread an earlier attempt opened (gone since: a permanent failure)."""
        with delivery_errors():
            thread_id = int(opened.channel_id)
            thread = self._client.get_channel(thread_id) or (
                await self._client.fetch_channel(thread_id)
            )
        if not isinstance(thread, discord.Thread):
            raise PermanentDeliveryError(f"channel {opened.channel_id} is no longer a thread")
        return thread

    async def _create_thread(self, near: Channel, *, title: str) -> discord.Thread | None:
        with delivery_errors():
            try:
                channel = self._client.get_channel(int(near.channel_id)) or (
                    await self._client.fetch_channel(int(near.channel_id))
                )
                if isinstance(channel, discord.Thread) and channel.parent is not None:
                    channel = channel.parent
                if not isinstance(channel, discord.TextChannel):
                    return None
                return await channel.create_thread(
                    name=title[:THREAD_NAME_LIMIT],
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
            except (discord.Forbidden, discord.NotFound) as error:
                # No thread here (channel gone, or private threads not allowed): DM each instead.
                log.warning("no private thread in channel %s: %s", near.channel_id, error.text)
                return None

    @staticmethod
    def _kwargs(
        part: Outgoing, workspace_id: str, allowed: discord.AllowedMentions
    ) -> dict[str, Any]:
        return part.send_kwargs(guild_id=workspace_id, allowed_mentions=allowed)

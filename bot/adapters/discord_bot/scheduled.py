"""Discord's native scheduled events, kept in step with an event's post: made with the post
where the bot may manage events, edited or cancelled with it; without the permission, none
until the bot has it and the event is next edited."""

from __future__ import annotations

import logging

import discord

from bot.core.calendar import CalendarInvite, InviteMethod

log = logging.getLogger(__name__)

MAX_NAME = 100  # Discord's limits for a scheduled event's name and location
MAX_LOCATION = 100
NO_PLACE = "See the announcement"  # an external event must name a location


async def _guild(client: discord.Client, guild_id: int) -> discord.Guild:
    return client.get_guild(guild_id) or await client.fetch_guild(guild_id)


def _may_manage_events(guild: discord.Guild) -> bool:
    """False only when the bot's own member is known and lacks Manage Events; otherwise the
    request itself tells (403)."""
    me = guild.me
    return me is None or me.guild_permissions.manage_events


async def create(client: discord.Client, guild_id: int, invite: CalendarInvite) -> int | None:
    """The event as an external scheduled event; its id, or None where it may not be made."""
    try:
        guild = await _guild(client, guild_id)
        if invite.method is InviteMethod.CANCEL or not _may_manage_events(guild):
            return None
        made = await guild.create_scheduled_event(
            name=invite.title[:MAX_NAME],
            start_time=invite.starts_at,
            end_time=invite.ends_at,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=(invite.location or NO_PLACE)[:MAX_LOCATION],
        )
    except discord.HTTPException as error:  # no permission, or Discord refused: the post stands
        log.info("no scheduled event made: %s", error.status)
        return None
    return made.id


async def update(
    client: discord.Client, guild_id: int, scheduled_id: int, invite: CalendarInvite
) -> None:
    """Edited (name, times, place) or cancelled as the event was."""
    try:
        guild = await _guild(client, guild_id)
        scheduled = await guild.fetch_scheduled_event(scheduled_id, with_counts=False)
        if invite.method is InviteMethod.CANCEL:
            # Named as the invite says: after its creator's forget-me, none of their words.
            await scheduled.edit(
                name=invite.title[:MAX_NAME],
                location=(invite.location or NO_PLACE)[:MAX_LOCATION],
                status=discord.EventStatus.cancelled,
            )
            return
        await scheduled.edit(
            name=invite.title[:MAX_NAME],
            start_time=invite.starts_at,
            end_time=invite.ends_at,
            location=(invite.location or NO_PLACE)[:MAX_LOCATION],
        )
    except discord.HTTPException as error:  # removed by hand, or no permission any more
        log.info("scheduled event not updated: %s", error.status)

"""What a command or a tick asks the outside world to do; services never call a platform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.identity import Channel, Member, Workspace
from bot.core.message import (
    Message,
    channel_from_json,
    channel_to_json,
    member_from_json,
    member_to_json,
    members_named,
    message_from_json,
    message_to_json,
)


@dataclass(frozen=True)
class DirectMessage:
    to: Member
    message: Message


@dataclass(frozen=True)
class ChannelPost:
    """A post in a channel. With an `anchor` (a name unique in the workspace), the first post
    under that name is posted and each later one edits it in place (an event's live counts)."""

    channel: Channel
    message: Message
    anchor: str = ""


INTRODUCTIONS = "👋 Introductions"


@dataclass(frozen=True)
class GroupIntro:
    """A private group conversation; where a platform has none, the adapter falls back."""

    members: tuple[Member, ...]
    message: Message
    channel: Channel | None = None  # where the request came from, for thread-based fallbacks
    title: str = INTRODUCTIONS  # the group's name where the platform names one (a thread)


Effect = DirectMessage | ChannelPost | GroupIntro


class EffectKind(StrEnum):
    """An effect's kind as stored (payloads and outbox rows): values never change."""

    DM = "dm"
    POST = "post"
    GROUP = "group"


def effect_to_json(effect: Effect) -> dict[str, Any]:
    match effect:
        case DirectMessage(to, msg):
            return {
                "kind": EffectKind.DM.value,
                "to": member_to_json(to),
                "message": message_to_json(msg),
            }
        case ChannelPost(channel, msg, anchor):
            data = {
                "kind": EffectKind.POST.value,
                "channel": channel_to_json(channel),
                "message": message_to_json(msg),
            }
            return {**data, "anchor": anchor} if anchor else data
        case GroupIntro(members, msg, channel, title):
            return {
                "kind": EffectKind.GROUP.value,
                "members": [member_to_json(m) for m in members],
                "message": message_to_json(msg),
                "channel": channel_to_json(channel) if channel else None,
                "title": title,
            }


def effect_from_json(data: dict[str, Any]) -> Effect:
    msg = message_from_json(data["message"])
    if data["kind"] == EffectKind.DM:
        return DirectMessage(member_from_json(data["to"]), msg)
    if data["kind"] == EffectKind.POST:
        return ChannelPost(channel_from_json(data["channel"]), msg, data.get("anchor", ""))
    channel = data.get("channel")
    return GroupIntro(
        tuple(member_from_json(m) for m in data["members"]),
        msg,
        channel_from_json(channel) if channel else None,
        # Queued before groups had titles: every group then was an introduction.
        data.get("title", INTRODUCTIONS),
    )


def effect_workspace(effect: Effect) -> Workspace:
    match effect:
        case DirectMessage(to, _):
            return to.workspace
        case ChannelPost(channel, _, _):
            return channel.workspace
        case GroupIntro(members, _, _):
            return members[0].workspace


def effect_members(effect: Effect) -> frozenset[Member]:
    """Every member an effect reaches, mentions or quotes: the outbox records them, so erasing
    a member finds every queued or kept message about them."""
    match effect:
        case DirectMessage(to, msg):
            return members_named(msg) | {to}
        case ChannelPost(_, msg, _):
            return members_named(msg)
        case GroupIntro(members, msg, _):
            return members_named(msg) | set(members)

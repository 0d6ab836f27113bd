"""Messages as terminal lines, and the console's names for members and channels."""

from __future__ import annotations

import re

from bot.commands.base import Mentioned
from bot.core.identity import Channel, Member, Platform
from bot.core.message import (
    Bullets,
    ChannelRef,
    Code,
    CommandRef,
    Inline,
    Mention,
    Message,
    Paragraph,
    Strong,
    UserText,
    one_line,
)

WORKSPACE = "local"
_MENTION = re.compile(r"(?<![\w<@])@([A-Za-z0-9_.\-]+)")
BROADCAST_NAMES = frozenset({"everyone", "here", "channel"})


def console_member(name: str) -> Member:
    return Member(Platform.CONSOLE, WORKSPACE, name.lstrip("@").lower())


def console_channel(name: str) -> Channel:
    return Channel(Platform.CONSOLE, WORKSPACE, name.lstrip("#").lower())


def normalise_mentions(text: str) -> tuple[str, dict[str, Mentioned]]:
    """`@sam` becomes the neutral `<@sam>`, and the member @sam; broadcast words stay text."""
    mentions: dict[str, Mentioned] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".").lower()
        if name in BROADCAST_NAMES:
            return match.group(0)
        mentions[name] = Mentioned(console_member(name), name)
        return f"<@{name}>{match.group(1)[len(name) :]}"

    return _MENTION.sub(replace, text), mentions


def _inline(part: Inline) -> str:
    match part:
        case str():
            return part
        case UserText(text) | Strong(text):
            return one_line(text)
        case Mention(member):
            return f"@{member.user_id}"
        case ChannelRef(channel, name):
            return f"#{name or channel.channel_id}"
        case CommandRef():
            return f"`{part.line}`"  # the line exactly as typed at the console prompt
        case Code(text):
            return f"`{text}`"


def render(message: Message, *, number: int | None = None) -> list[str]:
    """A message as terminal lines; its buttons as [Label], pressed with `click LABEL number`."""
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, Paragraph):
            lines.append("".join(_inline(part) for part in block.parts))
        elif isinstance(block, Bullets):
            lines += ["  • " + "".join(_inline(p) for p in item.parts) for item in block.items]
    if message.attachment is not None:
        lines.append(f"📎 {message.attachment.filename}:")
        lines += ["    " + line for line in message.attachment.content.splitlines()]
    if message.select is not None:
        options = message.select.options
        on = f" on {number}" if number else ""
        if options:
            lines.append(f"  {message.select.placeholder}:")
            lines += [f"    {i}. {_inline(option.label)}" for i, option in enumerate(options, 1)]
            lines.append(f"  (pick with: pick 1 2{on}; up to {message.select.max_picks})")
        if message.select.other:
            lines.append(f"  ({message.select.other}: pick{on} + Ana Lima, Jo Silva)")
    if message.choices:
        labels = " ".join(f"[{choice.label}]" for choice in message.choices)
        lines.append(f"  {labels}   (press with: click LABEL {number or ''}".rstrip() + ")")
    return lines

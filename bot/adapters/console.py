"""The terminal adapter: no tokens, the same core; `as @name` switches who is typing."""

from __future__ import annotations

import asyncio
import os
import re
import zoneinfo
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.commands.base import ActionInput, CommandInput, Mentioned
from bot.commands.service import CommandService
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
_BROADCAST_NAMES = {"everyone", "here", "channel"}


def console_member(name: str) -> Member:
    return Member(Platform.CONSOLE, WORKSPACE, name.lstrip("@").lower())


def console_channel(name: str) -> Channel:
    return Channel(Platform.CONSOLE, WORKSPACE, name.lstrip("#").lower())


def normalise_mentions(text: str) -> tuple[str, dict[str, Mentioned]]:
    """`@sam` becomes the neutral `<@sam>`, and the member @sam; broadcast words stay text."""
    mentions: dict[str, Mentioned] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).rstrip(".").lower()
        if name in _BROADCAST_NAMES:
            return match.group(0)
        mentions[name] = Mentioned(console_member(name), name)
        return f"<@{name}>{match.group(1)[len(name) :]}"

    return _MENTION.sub(replace, text), mentions


def local_timezone() -> str | None:
    """The terminal's IANA zone (from TZ or /etc/localtime), so times read as the user expects."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in localtime:
        candidates.append(localtime.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name:
            continue
        try:
            zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            continue
        return name
    return None


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


def render(message: Message) -> list[str]:
    """A message as terminal lines; buttons as [Label]."""
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, Paragraph):
            lines.append("".join(_inline(part) for part in block.parts))
        elif isinstance(block, Bullets):
            lines += ["  • " + "".join(_inline(p) for p in item.parts) for item in block.items]
    if message.attachment is not None:
        lines.append(f"📎 {message.attachment.filename}:")
        lines += ["    " + line for line in message.attachment.content.splitlines()]
    if message.choices:
        labels = " ".join(f"[{choice.label}]" for choice in message.choices)
        lines.append(f"  {labels}   (press with: click LABEL)")
    return lines


@dataclass(frozen=True)
class _Button:
    label: str
    action: str
    payload: str
    owner: Member | None  # None: anyone in the channel may press it


class ConsoleScreen:
    """Where every message lands, remembering buttons so `click` can press them."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._buttons: list[_Button] = []

    def show(self, header: str, message: Message, *, owner: Member | None) -> None:
        self._out.write("\n".join([header, *("  " + line for line in render(message))]) + "\n")
        self._out.flush()
        self._buttons += [
            _Button(c.label.lower(), c.action, c.payload, owner) for c in message.choices
        ]

    def say(self, text: str) -> None:
        self.write(text + "\n")

    def write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def button(self, label: str, presser: Member) -> _Button | None:
        """The newest button with that label that this member may press."""
        for button in reversed(self._buttons):
            if button.label == label.lower() and button.owner in (None, presser):
                return button
        return None


class ConsoleMessenger:
    """The outbound port for the console: DMs and posts are printed with clear labels."""

    def __init__(self, screen: ConsoleScreen) -> None:
        self._screen = screen

    async def send_dm(self, member: Member, message: Message) -> None:
        self._screen.show(f"DM to @{member.user_id}:", message, owner=member)

    async def post(self, channel: Channel, message: Message) -> None:
        self._screen.show(f"#{channel.channel_id}:", message, owner=None)

    async def open_group(
        self, members: Sequence[Member], *, near: Channel | None
    ) -> Channel | None:
        names = "-".join(sorted(member.user_id for member in members))
        return Channel(Platform.CONSOLE, WORKSPACE, f"group-{names}")


class ConsoleSession:
    """Reads lines, runs them as the acting member, prints what comes back."""

    def __init__(
        self,
        *,
        service: CommandService,
        screen: ConsoleScreen,
        user: str,
        after_each: Callable[[], Awaitable[object]],
    ) -> None:
        self._service = service
        self._screen = screen
        self._after_each = after_each
        self.member = console_member(user)
        self.channel = console_channel("general")
        self._timezone = local_timezone()

    def banner(self) -> str:
        return (
            f"Networking Buddy console — you are @{self.member.user_id} in "
            f"#{self.channel.channel_id}.\n"
            "Type `help`. Console extras: `as @name` (act as someone else), `in #channel`, "
            "`click LABEL` (press a button), `quit` or Ctrl-D."
        )

    @property
    def prompt(self) -> str:
        return f"@{self.member.user_id}> "

    async def handle_line(self, line: str) -> bool:
        """Run one line; False when the member asked to quit."""
        line = line.strip()
        if not line or line.startswith("#!"):
            return True
        lowered = line.lower()
        if lowered in {"quit", "exit"}:
            return False
        if lowered.startswith("as "):
            name = line[3:].strip()
            if (
                not re.fullmatch(r"@?[\w.\-]+", name)
                or name.lstrip("@").lower() in _BROADCAST_NAMES
            ):
                self._screen.say("⚠️ `as` takes one member name, like `as @sam`.")
                return True
            self.member = console_member(name)
            self._screen.say(f"Now acting as @{self.member.user_id}.")
            return True
        if lowered.startswith("in "):
            self.channel = console_channel(line[3:].strip())
            self._screen.say(f"Now in #{self.channel.channel_id}.")
            return True
        if lowered.startswith("click "):
            await self._click(line[6:].strip().strip("[]"))
        else:
            text, mentions = normalise_mentions(line)
            reply = await asyncio.to_thread(
                self._service.run,
                CommandInput(
                    text=text,
                    invoker=self.member,
                    channel=self.channel,
                    channel_name=self.channel.channel_id,  # the console's channels are names
                    invoker_name=self.member.user_id,
                    mentions=mentions,
                    platform_timezone=self._timezone,
                    is_organiser=True,  # in the console anyone may organise
                ),
            )
            self._screen.show(
                f"(only you) buddy → @{self.member.user_id}:", reply, owner=self.member
            )
        await self._after_each()
        return True

    async def _click(self, label: str) -> None:
        button = self._screen.button(label, self.member)
        if button is None:
            self._screen.say(f"⚠️ No button “{label}” for @{self.member.user_id} to press.")
            return
        reply = await asyncio.to_thread(
            self._service.press,
            ActionInput(
                action=button.action,
                payload=button.payload,
                invoker=self.member,
                channel=self.channel,
                invoker_name=self.member.user_id,
                platform_timezone=self._timezone,
            ),
        )
        self._screen.show(f"(only you) buddy → @{self.member.user_id}:", reply, owner=self.member)


async def read_eval_print(session: ConsoleSession, screen: ConsoleScreen, stdin: TextIO) -> None:
    """Interactive at a terminal; scripted otherwise (lines until EOF, echoed as a transcript)."""
    interactive = stdin.isatty()
    screen.say(session.banner())
    while True:
        if interactive:
            screen.write(session.prompt)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        if not interactive and line.strip():
            screen.say(session.prompt + line.strip())
        if not await session.handle_line(line):
            break

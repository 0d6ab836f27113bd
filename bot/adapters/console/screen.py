"""Where every message lands, and the outbound port that prints DMs and posts there."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.adapters.console.render import WORKSPACE, render
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message, Select


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    payload: str
    owner: Member | None  # None: anyone in the channel may press it
    number: int  # the listed message it is on


@dataclass(frozen=True)
class Picker:
    """A message's `Select`: its option values in the order listed (`pick 1 3` takes 1st, 3rd)."""

    select: Select
    owner: Member | None
    number: int


class ConsoleScreen:
    """Prints messages, numbering those with buttons so `click LABEL N` can press them."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._fixed_out = out  # None: sys.stdout at each write (prompt_toolkit swaps it)
        self._buttons: list[Button] = []
        self._pickers: list[Picker] = []
        self._listed = 0
        self._heading: str | None = None

    @property
    def _out(self) -> TextIO:
        return self._fixed_out or sys.stdout

    def show(self, header: str, message: Message, *, owner: Member | None) -> int | None:
        """Print the message; its number when it has buttons (`click LABEL N`) or a pick."""
        number = None
        if message.choices or message.select is not None:
            self._listed += 1
            number = self._listed
            self._buttons += [
                Button(c.label.lower(), c.action, c.payload, owner, number) for c in message.choices
            ]
            if message.select is not None:
                self._pickers.append(Picker(message.select, owner, number))
        self._print(header, message, number)
        return number

    def show_again(self, number: int, header: str, message: Message) -> None:
        """Listed message `number`, changed: printed again under its number, its buttons
        replaced (anyone in the channel may press them)."""
        self._buttons = [b for b in self._buttons if b.number != number] + [
            Button(c.label.lower(), c.action, c.payload, None, number) for c in message.choices
        ]
        self._print(header, message, number)

    def _print(self, header: str, message: Message, number: int | None) -> None:
        lines = [header, *("  " + line for line in render(message, number=number))]
        if self._heading is not None:
            lines.insert(0, self._heading)
            self._heading = None
        self.write("\n".join(lines) + "\n")

    def heading(self, text: str | None) -> None:
        """A line printed before the next message, if one comes (None: forget it)."""
        self._heading = text

    def say(self, text: str) -> None:
        self.write(text + "\n")

    def write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def button(self, label: str, presser: Member, *, number: int | None = None) -> Button | None:
        """The button with that label that this member may press: on listed message `number`,
        or the newest one."""
        for button in reversed(self._buttons):
            if (
                button.label == label.lower()
                and button.owner in (None, presser)
                and number in (None, button.number)
            ):
                return button
        return None

    def picker(self, presser: Member, *, number: int | None = None) -> Picker | None:
        """The newest pick this member may answer (or the one on listed message `number`)."""
        for picker in reversed(self._pickers):
            if picker.owner in (None, presser) and number in (None, picker.number):
                return picker
        return None


class ConsoleMessenger:
    """The outbound port for the console: DMs and posts are printed with clear labels."""

    def __init__(self, screen: ConsoleScreen) -> None:
        self._screen = screen

    async def send_dm(self, member: Member, message: Message) -> None:
        self._screen.show(f"DM to @{member.user_id}:", message, owner=member)

    async def post(self, channel: Channel, message: Message) -> str | None:
        number = self._screen.show(f"#{channel.channel_id}:", message, owner=None)
        return None if number is None else str(number)

    async def edit_post(self, channel: Channel, ref: str, message: Message) -> None:
        self._screen.show_again(int(ref), f"#{channel.channel_id} (updated):", message)

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
        """Printed under the group's name: the same members always make the same group."""
        group = opened
        if group is None:
            names = "-".join(sorted(member.user_id for member in members))
            group = Channel(Platform.CONSOLE, WORKSPACE, f"group-{names}")
            await record(group)
        await self.post(group, message)
        return group

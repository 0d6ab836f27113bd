"""One console session: lines run as the acting member; `as`, `in`, `click`, `wait` and
`organisers` are the console's own extras."""

from __future__ import annotations

import asyncio
import os
import re
import zoneinfo
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.adapters.console.render import (
    BROADCAST_NAMES,
    console_channel,
    console_member,
    normalise_mentions,
    render,
)
from bot.adapters.console.screen import ConsoleScreen
from bot.commands.base import ActionInput, CommandInput
from bot.commands.replies import error_reply
from bot.commands.service import CommandService
from bot.commands.when import format_moment, parse_when
from bot.core.errors import UserError

EXTRAS = (
    "`as @name` (act as someone else), `in #channel`, `click LABEL N` (press a button on "
    "message N), `pick 1 3` (answer a pick with its options 1 and 3; `pick 1 + Ana Lima` also "
    "names someone not listed), `wait 3 days` / "
    "`wait until monday 9am` (move the clock on: what falls due "
    "shows up), `organisers` (who may run organiser commands), `quit` or Ctrl-D."
)
MAX_WAIT = timedelta(days=31)
WAIT_STEP = timedelta(hours=1)  # due work runs at most this late in a wait; a tick per step
_NAME = re.compile(r"@?[\w.\-]+")
_CLICK_ON = re.compile(r"\[?(?P<label>.+?)\]?\s+(?P<number>\d{1,6})")
_PICK = re.compile(r"(?P<options>\d{1,3}(?:[\s,]+\d{1,3})*)?(?:\s*\bon\s+(?P<number>\d{1,6}))?")


class MovableClock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> datetime: ...


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


def wait_steps(start: datetime, until: datetime, *, timezone: str) -> list[datetime]:
    """The moments a wait ticks at: each whole hour, and the time of day of `start` on each
    day after it (when "in 2 days", follow-ups and cadences fall due), then `until`."""
    hours = _every(start.replace(minute=0, second=0, microsecond=0), WAIT_STEP, until)
    days = _every(start.astimezone(zoneinfo.ZoneInfo(timezone)), timedelta(days=1), until)
    return [*sorted({*hours, *(day.astimezone(UTC) for day in days)} - {start}), until]


def _every(first: datetime, step: timedelta, until: datetime) -> Iterator[datetime]:
    moment = first + step
    while moment < until:
        yield moment
        moment += step


def _wait_until(typed: str, *, now: datetime, timezone: str) -> datetime:
    """`wait 3 days` or `wait until monday 9am`: the moment, at most MAX_WAIT ahead."""
    hint = "Try `wait 3 days`, `wait 2 hours` or `wait until monday 9am`."
    if not typed:
        raise UserError("`wait` takes how long, or until when.", hint=hint)
    if typed.lower().startswith("until "):
        until = parse_when(typed[len("until ") :], now=now, timezone=timezone)
    else:
        try:
            until = parse_when(f"in {typed}", now=now, timezone=timezone)
        except UserError:
            raise UserError(f"I couldn't read “{typed}” as how long to wait.", hint=hint) from None
    if until - now > MAX_WAIT:
        raise UserError("I can wait up to 31 days at once.", hint="Try `wait 1 week`, then again.")
    return until


class ConsoleSession:
    """Reads lines, runs them as the acting member, prints what comes back."""

    def __init__(
        self,
        *,
        service: CommandService,
        screen: ConsoleScreen,
        user: str,
        after_each: Callable[[], Awaitable[object]],
        clock: MovableClock,
        tick: Callable[[], Awaitable[object]],
        organisers: Iterable[str] = (),
    ) -> None:
        self._service = service
        self._screen = screen
        self._after_each = after_each
        self._clock = clock
        self._tick = tick
        self.member = console_member(user)
        self.channel = console_channel("general")
        self._timezone = local_timezone()
        self.organisers = {console_member(name) for name in organisers} or {self.member}
        self._seen = {self.member.user_id}

    @property
    def names(self) -> set[str]:
        """The members this session has met: to complete `@names` with."""
        return self._seen | {member.user_id for member in self.organisers}

    def banner(self) -> str:
        return (
            f"Networking Buddy console — you are @{self.member.user_id} in "
            f"#{self.channel.channel_id}.\n"
            f"Type `help`. Console extras: {EXTRAS}"
        )

    @property
    def prompt(self) -> str:
        return f"@{self.member.user_id}> "

    async def handle_line(self, line: str) -> bool:
        """Run one line; False when the member asked to quit."""
        line = line.strip()
        if not line or line.startswith("#!"):
            return True
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        if word in {"quit", "exit"} and not rest:
            return False
        if word == "as":
            self._act_as(rest)
            return True
        if word == "in":
            if not _NAME.fullmatch(rest.lstrip("#")):
                self._screen.say("⚠️ `in` takes one channel name, like `in #events`.")
                return True
            self.channel = console_channel(rest)
            self._screen.say(f"Now in #{self.channel.channel_id}.")
            return True
        if word == "organisers":
            self._organisers(rest)
            return True
        if word == "wait":
            await self._wait(rest)
            return True
        if word == "click":
            await self._click(rest)
        elif word == "pick":
            await self._pick(rest)
        else:
            await self._run(line)
        await self._after_each()
        return True

    def _act_as(self, name: str) -> None:
        if not _NAME.fullmatch(name) or name.lstrip("@").lower() in BROADCAST_NAMES:
            self._screen.say("⚠️ `as` takes one member name, like `as @sam`.")
            return
        self.member = console_member(name)
        self._seen.add(self.member.user_id)
        self._screen.say(f"Now acting as @{self.member.user_id}.")

    def _organisers(self, names: str) -> None:
        typed = names.split()
        if any(not _NAME.fullmatch(n) or n.lstrip("@").lower() in BROADCAST_NAMES for n in typed):
            self._screen.say("⚠️ `organisers` takes member names, like `organisers @me @ana`.")
            return
        if typed:
            self.organisers = {console_member(name) for name in typed}
        listed = ", ".join(f"@{m.user_id}" for m in sorted(self.organisers, key=str))
        self._screen.say(
            f"Organisers (may turn pairing and channel prompts on or off): {listed}. "
            "Change with `organisers @me @ana`."
        )

    async def _run(self, line: str) -> None:
        text, mentions = normalise_mentions(line)
        self._seen.update(mentions)
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
                is_organiser=self.member in self.organisers,
            ),
        )
        self._screen.show(f"(only you) buddy → @{self.member.user_id}:", reply, owner=self.member)

    async def _click(self, typed: str) -> None:
        label, number = typed.strip("[]"), None
        on = _CLICK_ON.fullmatch(typed)
        if on and self._screen.button(on["label"], self.member, number=int(on["number"])):
            label, number = on["label"], int(on["number"])
        button = self._screen.button(label, self.member, number=number)
        if button is None:
            where = f" on message {on['number']}" if on else ""
            label = on["label"] if on else label
            self._screen.say(f"⚠️ No button “{label}”{where} for @{self.member.user_id} to press.")
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
                is_organiser=self.member in self.organisers,
            ),
        )
        self._screen.show(f"(only you) buddy → @{self.member.user_id}:", reply, owner=self.member)

    async def _pick(self, typed: str) -> None:
        """`pick 1 3` answers the newest pick shown to this member with its options 1 and 3;
        `pick 1 3 on 5` answers the one on listed message 5; `pick 1 + Ana Lima, Jo` also names
        people not listed (in the pick's free-text field), `pick + Ana Lima` only them."""
        listed, plus, names = typed.partition("+")
        match = _PICK.fullmatch(listed.strip())
        number = int(match["number"]) if match and match["number"] else None
        picker = self._screen.picker(self.member, number=number)
        found = match["options"] if match else None
        chosen = [int(n) for n in re.split(r"[\s,]+", found)] if found else []
        if picker is None or not (chosen or plus) or (plus and not picker.select.other):
            self._screen.say(f"⚠️ Nothing for @{self.member.user_id} to pick, like `pick 1 3`.")
            return
        options = picker.select.options
        if any(not 1 <= n <= len(options) for n in chosen) or len(chosen) > picker.select.max_picks:
            self._screen.say(f"⚠️ Pick up to {picker.select.max_picks} of 1–{len(options)}.")
            return
        reply = await asyncio.to_thread(
            self._service.press,
            ActionInput(
                action=picker.select.action,
                payload=picker.select.payload,
                invoker=self.member,
                channel=self.channel,
                invoker_name=self.member.user_id,
                platform_timezone=self._timezone,
                is_organiser=self.member in self.organisers,
                picked=tuple(options[n - 1].value for n in dict.fromkeys(chosen)) or None,
                typed=names if plus else None,  # in the same answer: both saved, or neither
            ),
        )
        self._screen.show(f"(only you) buddy → @{self.member.user_id}:", reply, owner=self.member)

    async def _wait(self, typed: str) -> None:
        """Move the clock on hour by hour, ticking at each step, so what falls due shows up in
        order, each batch under the time it came, in the acting member's time zone."""
        zone = await asyncio.to_thread(
            self._service.timezone_of, self.member, platform_timezone=self._timezone
        )
        start = self._clock.now()
        try:
            until = _wait_until(typed, now=start, timezone=zone)
        except UserError as error:
            self._screen.say("\n".join(render(error_reply(error))))
            return
        for step in wait_steps(start, until, timezone=zone):
            self._clock.advance(step - self._clock.now())
            self._screen.heading(f"⏩ {format_moment(step, timezone=zone)}")
            await self._tick()
        self._screen.heading(None)
        self._screen.say(f"⏩ It is now {format_moment(until, timezone=zone)}.")

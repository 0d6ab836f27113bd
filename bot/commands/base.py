"""The shapes every command shares: inputs from adapters, the handler context, and specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.core.identity import Channel, Member
from bot.core.message import Message, Text
from bot.core.outgoing import Outgoing
from bot.core.policy import Policy
from bot.core.ports import UnitOfWork
from bot.core.records import Profile
from bot.core.web_links import LinkIssuer

MAX_TEXT = 2000


@dataclass(frozen=True)
class Mentioned:
    """A member named in a command, as the platform resolved them: any shape of id works."""

    member: Member
    name: str


@dataclass(frozen=True)
class PersonRef:
    """A member of the workspace (`user_id` set) or an outside person known by name."""

    user_id: str | None
    name: str


# A typed argument's value, by kind: PERSON a `PersonRef`; NUMBER an `int`; WHEN the time as
# typed (`str`) or an instant the platform already knew (`datetime`); the others `str`.
ArgValue = PersonRef | str | int | datetime
Args = Mapping[str, ArgValue]


@dataclass(frozen=True)
class CommandInput:
    """A command from any platform: a text line (`text`, mentions in it as `<@KEY>` placeholders
    that `mentions` resolves), or, when the platform collected them typed, the command's name in
    `text` and its argument values in `args`, which never go back through the text parser."""

    text: str
    invoker: Member
    channel: Channel | None = None
    channel_name: str = ""  # as the platform names the channel, when it says
    invoker_name: str = ""
    mentions: Mapping[str, Mentioned] = field(default_factory=dict)
    args: Args | None = None
    platform_timezone: str | None = None
    is_organiser: bool = False


@dataclass(frozen=True)
class ActionInput:
    """A button press: the choice's stable action id and payload; or, for a `Select`, its
    action and payload with the option values picked (`picked` is None for a button), or the
    text typed in its `other` field (`typed`)."""

    action: str
    payload: str
    invoker: Member
    channel: Channel | None = None
    invoker_name: str = ""
    platform_timezone: str | None = None
    is_organiser: bool = False  # as the platform says (who may see who is going)
    picked: tuple[str, ...] | None = None
    typed: str | None = None  # the free text of a `Select` with `other`


class ArgKind(StrEnum):
    """How an argument is typed, so adapters with typed options (Discord) can offer them."""

    PERSON = "person"
    TEXT = "text"
    WHEN = "when"
    NUMBER = "number"
    INTERVAL = "interval"
    TIMEZONE = "timezone"
    WORD = "word"
    CHOICE = "choice"  # one of `Arg.choices`: a select on Slack, a choice list on Discord


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    description: str
    required: bool = True
    keyword: str = ""  # the word that introduces it in text form ("every", "by")
    choices: tuple[str, ...] = ()  # a CHOICE's values, as typed


@dataclass(frozen=True)
class ParseEnv:
    """What parsing may depend on: the clock, the invoker's time zone and who they mentioned."""

    now: datetime
    timezone: str
    invoker: Member
    mentions: Mapping[str, Mentioned] = field(default_factory=dict)


@dataclass
class Context:
    """Everything a handler may touch: one unit of work, the invoker, and the messages it
    queues (written to the outbox in the same transaction)."""

    uow: UnitOfWork
    invoker: Member
    profile: Profile
    now: datetime
    policy: Policy
    channel: Channel | None = None
    channel_name: str = ""
    is_organiser: bool = False
    keep_profile: bool = True  # False once the member asked to be forgotten
    links: LinkIssuer | None = None  # signs private web links; None where no web pages run
    outgoing: Outgoing = field(init=False)

    def __post_init__(self) -> None:
        self.outgoing = Outgoing(self.now)


Request = TypeVar("Request")


@dataclass(frozen=True)
class CommandSpec(Generic[Request]):
    """One command: its help, its typed arguments, its parser and its handler.

    `build` makes the request from typed argument values (named as in `args`); `parse` reads a
    text line, splitting it into those same values and building through `build`. A command
    without arguments has no `build`: its `parse` reads an empty line.
    """

    name: str
    summary: str
    usage: str
    examples: tuple[str, ...]
    parse: Callable[[str, ParseEnv], Request]
    handle: Callable[[Context, Request], Message]
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    # Text, or made from the clock and the member's zone when it shows dates (never past ones).
    details: Text | Callable[[datetime, str], Text] = ""
    needs_channel: bool = False  # pairing and prompts live in a channel, not a DM
    build: Callable[[Args, ParseEnv], Request] | None = None

    def details_at(self, now: datetime, timezone: str) -> Text:
        """The details as the member reads them at `now` in `timezone`."""
        return self.details(now, timezone) if callable(self.details) else self.details


@dataclass(frozen=True)
class ActionSpec:
    """A button handler; the payload is whatever the choice carried (ids, never secrets).
    `pick` answers a `Select` with this action: the payload and the values picked; `other`
    the text typed in its free-text field."""

    action: str
    handle: Callable[[Context, str], Message]
    pick: Callable[[Context, str, tuple[str, ...]], Message] | None = None
    other: Callable[[Context, str, str], Message] | None = None


AnySpec = CommandSpec[Any]

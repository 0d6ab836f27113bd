"""The shapes every command shares: inputs from adapters, the handler context, and specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bot.core.identity import Channel, Member
from bot.core.message import Message
from bot.core.outgoing import Outgoing
from bot.core.policy import Policy
from bot.core.ports import UnitOfWork
from bot.core.records import Profile

MAX_TEXT = 2000


@dataclass(frozen=True)
class CommandInput:
    """A `/buddy …` line from any platform, mentions already normalised to `<@USER_ID>`."""

    text: str
    invoker: Member
    channel: Channel | None = None
    invoker_name: str = ""
    mention_names: Mapping[str, str] = field(default_factory=dict)
    platform_timezone: str | None = None
    is_organiser: bool = False


@dataclass(frozen=True)
class ActionInput:
    """A button press: the choice's stable action id and payload."""

    action: str
    payload: str
    invoker: Member
    channel: Channel | None = None
    invoker_name: str = ""
    platform_timezone: str | None = None


class ArgKind(StrEnum):
    """How an argument is typed, so adapters with typed options (Discord) can offer them."""

    PERSON = "person"
    TEXT = "text"
    WHEN = "when"
    NUMBER = "number"
    INTERVAL = "interval"
    TIMEZONE = "timezone"
    WORD = "word"


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    description: str
    required: bool = True
    keyword: str = ""  # the word that introduces it in text form ("every", "by")


@dataclass(frozen=True)
class ParseEnv:
    """What parsing may depend on: the clock and the invoker's time zone and names."""

    now: datetime
    timezone: str
    invoker: Member
    mention_names: Mapping[str, str] = field(default_factory=dict)


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
    is_organiser: bool = False
    mention_names: Mapping[str, str] = field(default_factory=dict)
    keep_profile: bool = True  # False once the member asked to be forgotten
    outgoing: Outgoing = field(init=False)

    def __post_init__(self) -> None:
        self.outgoing = Outgoing(self.now)


Request = TypeVar("Request")


@dataclass(frozen=True)
class CommandSpec(Generic[Request]):
    """One command: its help, its typed arguments, its parser and its handler."""

    name: str
    summary: str
    usage: str
    examples: tuple[str, ...]
    parse: Callable[[str, ParseEnv], Request]
    handle: Callable[[Context, Request], Message]
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    details: str = ""
    needs_channel: bool = False  # pairing and prompts live in a channel, not a DM


@dataclass(frozen=True)
class ActionSpec:
    """A button handler; the payload is whatever the choice carried (ids, never secrets)."""

    action: str
    handle: Callable[[Context, str], Message]


AnySpec = CommandSpec[Any]

"""The `/buddy` command group, generated from the command specs: one subcommand each."""

from __future__ import annotations

import functools
import inspect
import re
import zoneinfo
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands

from bot.commands.base import AnySpec, Arg, ArgKind, Args, ArgValue, Mentioned, PersonRef
from bot.core.identity import Member, Platform

GROUP_NAME = "buddy"
GROUP_DESCRIPTION = "Networking Buddy: who you met, what you promised, and intros."
CHANNEL_GROUP = "channel"
MORE_GROUP = "more"
MAX_SUBCOMMANDS = 25  # Discord's limit on one group's subcommands and subgroups together
MAX_DESCRIPTION = 100
MAX_CHOICES = 25
MAX_NUMBER = 999_999

_TIMESTAMP = re.compile(r"<t:(-?[0-9]{1,15})(?::[tTdDfFR])?>", re.ASCII)
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@dataclass(frozen=True)
class Option:
    """One Discord option: a spec argument, or the typed-name alternative to a person."""

    param: str
    arg: Arg
    outside_name: bool = False

    @property
    def description(self) -> str:
        if self.outside_name:
            return f"…or the name of someone not on this server ({self.arg.description.lower()})"
        return self.arg.description


@dataclass(frozen=True)
class TypedCommand:
    """A subcommand's options as the command's typed argument values."""

    args: Args
    problem: str = ""

    def mentions(self, workspace_id: str) -> dict[str, Mentioned]:
        """The members picked in the options, as Discord named them."""
        return {
            v.user_id: Mentioned(Member(Platform.DISCORD, workspace_id, v.user_id), v.name)
            for v in self.args.values()
            if isinstance(v, PersonRef) and v.user_id
        }


def _param(name: str) -> str:
    return name.replace("-", "_")


def options_for(spec: AnySpec) -> tuple[Option, ...]:
    """Each argument as an option; a person also gets a free-text name for outside people
    ("name" for the one person a command needs, else named after the person's option)."""
    needed = [arg for arg in spec.args if arg.kind is ArgKind.PERSON and arg.required]
    taken = {_param(arg.name) for arg in spec.args}
    options: list[Option] = []
    for arg in spec.args:
        options.append(Option(_param(arg.name), arg))
        if arg.kind is ArgKind.PERSON:
            only = needed == [arg] and "name" not in taken
            name = "name" if only else f"{_param(arg.name)}_name"
            options.append(Option(name, arg, outside_name=True))
    return tuple(options)


def _one_line(value: str) -> str:
    return " ".join(value.split())


class PersonOption(app_commands.Transformer):
    """A member picked in a user option: their id and server name, nothing re-parsed."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.user

    async def transform(
        self, interaction: discord.Interaction[Any], value: discord.Member | discord.User, /
    ) -> PersonRef:
        return PersonRef(str(value.id), value.display_name)


class TextOption(app_commands.Transformer):
    """Free text (also a person's typed name, a time zone, an interval), on one line."""

    async def transform(self, interaction: discord.Interaction[Any], value: str, /) -> str:
        return _one_line(value)


class WordOption(app_commands.Transformer):
    """One word ("on", "monday", "10:00"): spaces typed inside it go."""

    async def transform(self, interaction: discord.Interaction[Any], value: str, /) -> str:
        return value.replace(" ", "")


class WhenOption(app_commands.Transformer):
    """A time as typed, or the instant a Discord timestamp (`<t:1796040000:F>`) stands for."""

    async def transform(
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> str | datetime:
        typed = _one_line(value)
        stamp = _TIMESTAMP.fullmatch(typed)
        if stamp is None:
            return typed
        try:
            return datetime.fromtimestamp(int(stamp[1]), tz=UTC)
        except (OverflowError, OSError, ValueError):  # beyond datetime's years 1 to 9999
            return typed  # read, and refused, as the words it is


class NumberOption(app_commands.Transformer):
    """A promise number, as `promises` shows it."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return MAX_NUMBER

    async def transform(self, interaction: discord.Interaction[Any], value: int, /) -> int:
        return value


class ZoneOption(TextOption):
    """An IANA time zone, offered as the member types its city."""

    async def autocomplete(  # type: ignore[override]  # discord.py types choices loosely
        self, interaction: discord.Interaction[Any], value: str, /
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(value)


OPTION_TYPES: Mapping[ArgKind, type[app_commands.Transformer]] = {
    ArgKind.PERSON: PersonOption,
    ArgKind.TEXT: TextOption,
    ArgKind.WHEN: WhenOption,
    ArgKind.NUMBER: NumberOption,
    ArgKind.INTERVAL: TextOption,
    ArgKind.TIMEZONE: ZoneOption,
    ArgKind.WORD: WordOption,
    ArgKind.CHOICE: TextOption,  # offered as a list of the argument's choices
}


def typed_command(
    spec: AnySpec, options: Sequence[Option], values: Mapping[str, Any]
) -> TypedCommand:
    """The options' values by argument name; a person picked or typed by name, not both."""
    args: dict[str, ArgValue] = {}
    for option in options:
        if option.outside_name:
            continue
        arg, value = option.arg, values.get(option.param)
        if arg.kind is ArgKind.PERSON:
            typed = values.get(_name_param(options, option)) or ""
            if isinstance(value, PersonRef):
                if typed:
                    return TypedCommand({}, problem="Pick a member *or* type a name, not both.")
                args[arg.name] = value
            elif typed:
                args[arg.name] = PersonRef(None, typed)  # someone outside the server
        elif value is not None and value != "":
            args[arg.name] = value
    return TypedCommand(args)


def _name_param(options: Sequence[Option], person: Option) -> str:
    return next(o.param for o in options if o.outside_name and o.arg is person.arg)


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Zones whose name or city starts with what was typed, then those that contain it."""
    needle = "_".join(current.strip().lower().split())
    if not needle:
        found = list(COMMON_ZONES)
    else:
        starts = [
            zone
            for zone in _zones()
            if any(piece.startswith(needle) for piece in (zone.lower(), *zone.lower().split("/")))
        ]
        contains = [zone for zone in _zones() if needle in zone.lower() and zone not in starts]
        found = starts + contains
    return [app_commands.Choice(name=zone, value=zone) for zone in found[:MAX_CHOICES]]


Invoke = Callable[[discord.Interaction[Any], AnySpec, TypedCommand], Awaitable[None]]
CompleteNumber = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[int]]]
]


def _fit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def subcommand(
    spec: AnySpec, *, invoke: Invoke, complete_number: CompleteNumber
) -> app_commands.Command[Any, ..., None]:
    """A subcommand whose typed options are the spec's arguments, one transformer per kind."""
    options = options_for(spec)

    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await invoke(interaction, spec, typed_command(spec, options, values))

    interaction_param = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    params = [
        inspect.Parameter(
            option.param,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=TextOption if option.outside_name else OPTION_TYPES[option.arg.kind],
            # A person may be given by name instead, so neither of the two is required.
            default=None
            if option.outside_name or option.arg.kind is ArgKind.PERSON or not option.arg.required
            else inspect.Parameter.empty,
        )
        for option in options
    ]
    # discord.py reads options from the callback's signature; this one is made from the spec.
    callback.__signature__ = inspect.Signature([interaction_param, *params])  # type: ignore[attr-defined]
    app_commands.describe(**{option.param: _fit(option.description) for option in options})(
        callback
    )
    picks = {
        o.param: [app_commands.Choice(name=c, value=c) for c in o.arg.choices]
        for o in options
        if o.arg.kind is ArgKind.CHOICE
    }
    if picks:
        app_commands.choices(**picks)(callback)
    # A record's number (`number`) is offered from the member's promises; a count (a limit) isn't.
    numbers = {
        o.param: complete_number
        for o in options
        if o.arg.kind is ArgKind.NUMBER and o.arg.name == "number"
    }
    if numbers:
        app_commands.autocomplete(**numbers)(callback)
    return app_commands.Command(name=spec.name, description=_fit(spec.summary), callback=callback)


def subgroups(specs: Sequence[AnySpec]) -> dict[str, str | None]:
    """Where each command lives under `/buddy`: channel commands in `/buddy channel`; the
    personal ones directly, in the registry's order, while there is room (Discord allows 25),
    and the rest in `/buddy more`."""
    personal = [spec.name for spec in specs if not spec.needs_channel]
    room = MAX_SUBCOMMANDS - any(spec.needs_channel for spec in specs)
    if len(personal) > room:
        room -= 1  # the `more` group takes a place of its own
    where: dict[str, str | None] = {name: None for name in personal[:room]}
    where.update({name: MORE_GROUP for name in personal[room:]})
    where.update({spec.name: CHANNEL_GROUP for spec in specs if spec.needs_channel})
    return where


def build_group(
    specs: Sequence[AnySpec], *, invoke: Invoke, complete_number: CompleteNumber
) -> app_commands.Group:
    """`/buddy <command>`, `/buddy channel <command>` for what works only in a channel, and
    `/buddy more <command>` for personal commands beyond Discord's 25 in a group."""
    group = app_commands.Group(
        name=GROUP_NAME,
        description=GROUP_DESCRIPTION,
        guild_only=True,  # a member's data lives per guild; a DM has no guild
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )
    nested = {
        CHANNEL_GROUP: app_commands.Group(
            name=CHANNEL_GROUP,
            description="Pairing rounds, give-first prompts and events in this channel.",
        ),
        MORE_GROUP: app_commands.Group(name=MORE_GROUP, description="More of your own commands."),
    }
    where = subgroups(specs)
    for spec in specs:
        command = subcommand(spec, invoke=invoke, complete_number=complete_number)
        home = where[spec.name]
        (group if home is None else nested[home]).add_command(command)
    for subgroup in nested.values():
        if subgroup.commands:
            group.add_command(subgroup)
    return group

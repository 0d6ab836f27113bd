"""The `/buddy` command group, generated from the command specs: one subcommand each."""

from __future__ import annotations

import functools
import inspect
import zoneinfo
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import discord
from discord import app_commands

from bot.commands.base import AnySpec, Arg, ArgKind

GROUP_NAME = "buddy"
GROUP_DESCRIPTION = "Networking Buddy: who you met, what you promised, and intros."
CHANNEL_GROUP = "channel"
MAX_DESCRIPTION = 100
MAX_CHOICES = 25
MAX_NUMBER = 999_999

# A time phrase may bring its own preposition ("in 2 days", "on friday"); the text grammar reads
# those as they are, and only a bare time ("friday") needs the argument's keyword before it.
_TIME_PREPOSITIONS = frozenset({"by", "before", "in", "on", "at"})
_QUOTES = '"“”'
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

PersonValue = Union[discord.Member, discord.User]  # noqa: UP007  (discord.py reads the Union)


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
class CommandLine:
    """The text form of a subcommand's options: what `CommandService.run` parses."""

    text: str
    mention_names: Mapping[str, str]
    names_a_time: bool = False
    problem: str = ""


def _param(name: str) -> str:
    return name.replace("-", "_")


def options_for(spec: AnySpec) -> tuple[Option, ...]:
    """Each argument as an option; a person also gets a free-text name for outside people."""
    people = [arg for arg in spec.args if arg.kind is ArgKind.PERSON]
    taken = {_param(arg.name) for arg in spec.args}
    options: list[Option] = []
    for arg in spec.args:
        options.append(Option(_param(arg.name), arg))
        if arg.kind is ArgKind.PERSON:
            name = (
                "name" if len(people) == 1 and "name" not in taken else f"{_param(arg.name)}_name"
            )
            options.append(Option(name, arg, outside_name=True))
    return tuple(options)


def _clean(value: object) -> str:
    return " ".join(str(value).split())


def _with_keyword(arg: Arg, value: str) -> str:
    if not arg.keyword:
        return value
    lowered, keyword = value.lower(), arg.keyword.lower()
    if lowered == keyword or lowered.startswith(f"{keyword} "):
        return value  # typed with its keyword already
    if arg.kind is ArgKind.WHEN and lowered.split(maxsplit=1)[0] in _TIME_PREPOSITIONS:
        return value
    return f"{arg.keyword} {value}"


def command_line(
    spec: AnySpec, options: Sequence[Option], values: Mapping[str, Any]
) -> CommandLine:
    """Rebuild `name arg arg …` from typed options, so one parser reads every platform."""
    parts = [spec.name]
    names: dict[str, str] = {}
    names_a_time = False
    for option in options:
        if option.outside_name:
            continue
        arg, value = option.arg, values.get(option.param)
        if arg.kind is ArgKind.PERSON:
            typed = _clean(values.get(_name_param(options, option)) or "")
            typed = "".join(ch for ch in typed if ch not in _QUOTES)
            if isinstance(value, discord.User | discord.Member):
                if typed:
                    return CommandLine("", {}, problem="Pick a member *or* type a name, not both.")
                names[str(value.id)] = value.display_name
                parts.append(f"<@{value.id}>")
            elif typed:
                parts.append(f"“{typed}”")  # someone outside the server, by name
            continue
        if value is None:
            continue
        text = _clean(value)
        if arg.kind is ArgKind.WORD:
            text = text.replace(" ", "")
        if not text:
            continue
        names_a_time = names_a_time or arg.kind is ArgKind.WHEN
        parts.append(_with_keyword(arg, text))
    return CommandLine(" ".join(parts), names, names_a_time=names_a_time)


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


async def complete_zone(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    return zone_choices(current)


Invoke = Callable[[discord.Interaction[Any], AnySpec, CommandLine], Awaitable[None]]
CompleteNumber = Callable[
    [discord.Interaction[Any], str], Awaitable[list[app_commands.Choice[int]]]
]


def _annotation(arg: Arg) -> Any:
    match arg.kind:
        case ArgKind.PERSON:
            return PersonValue
        case ArgKind.NUMBER:
            return app_commands.Range[int, 1, MAX_NUMBER]
        case _:
            return str


def _fit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def subcommand(
    spec: AnySpec, *, invoke: Invoke, complete_number: CompleteNumber
) -> app_commands.Command[Any, ..., None]:
    """A subcommand whose typed options are the spec's arguments."""
    options = options_for(spec)

    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await invoke(interaction, spec, command_line(spec, options, values))

    interaction_param = inspect.Parameter(
        "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
    )
    params = [
        inspect.Parameter(
            option.param,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str if option.outside_name else _annotation(option.arg),
            # A person may be given by name instead, so neither of the two is required.
            default=None
            if option.outside_name or option.arg.kind is ArgKind.PERSON or not option.arg.required
            else inspect.Parameter.empty,
        )
        for option in options
    ]
    completers: dict[str, Any] = {}
    for option in options:
        if option.arg.kind is ArgKind.TIMEZONE:
            completers[option.param] = complete_zone
        elif option.arg.kind is ArgKind.NUMBER:
            completers[option.param] = complete_number
    # discord.py reads options from the callback's signature; this one is made from the spec.
    callback.__dict__.update(
        __signature__=inspect.Signature([interaction_param, *params]),
        __discord_app_commands_param_description__={
            option.param: _fit(option.description) for option in options
        },
        __discord_app_commands_param_autocomplete__=completers,
    )
    return app_commands.Command(name=spec.name, description=_fit(spec.summary), callback=callback)


def build_group(
    specs: Sequence[AnySpec], *, invoke: Invoke, complete_number: CompleteNumber
) -> app_commands.Group:
    """`/buddy <command>`, and `/buddy channel <command>` for what works only in a channel.

    Discord allows 25 subcommands in a group; the channel commands (pairing, prompts) form
    their own group so the personal ones stay one step away.
    """
    group = app_commands.Group(
        name=GROUP_NAME,
        description=GROUP_DESCRIPTION,
        guild_only=True,  # a member's data lives per guild; a DM has no guild
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )
    channel = app_commands.Group(
        name=CHANNEL_GROUP, description="Pairing rounds and give-first prompts in this channel."
    )
    for spec in specs:
        command = subcommand(spec, invoke=invoke, complete_number=complete_number)
        (channel if spec.needs_channel else group).add_command(command)
    if channel.commands:
        group.add_command(channel)
    return group

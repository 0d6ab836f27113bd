"""Typed argument values (Discord options, Slack form fields) into a command's request."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.commands.base import AnySpec, Args, ArgValue, ParseEnv, PersonRef
from bot.commands.parsing import clean_input
from bot.commands.when import check_instant, parse_when


def cleaned_args(args: Args) -> Args:
    """Typed values without control characters, like a typed line (names included)."""
    return {name: _cleaned(value) for name, value in args.items()}


def _cleaned(value: ArgValue) -> ArgValue:
    if isinstance(value, str):
        return clean_input(value)
    if isinstance(value, PersonRef):
        return replace(value, name=clean_input(value.name))
    return value


def from_args(spec: AnySpec, args: Args, env: ParseEnv) -> object:
    """The request typed values stand for, through the command's `build`."""
    unknown = set(args) - {arg.name for arg in spec.args}
    if unknown:
        raise ValueError(f"{spec.name} takes no argument {sorted(unknown)}")
    if spec.build is None:  # a command that takes no arguments
        return spec.parse("", env)
    return spec.build(args, env)


def text_arg(args: Args, name: str) -> str:
    value = args.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"argument {name} is not text")
    return value.strip()


def person_arg(args: Args, name: str) -> PersonRef | None:
    value = args.get(name)
    if value is not None and not isinstance(value, PersonRef):
        raise TypeError(f"argument {name} is not a person")
    return value


def number_arg(args: Args, name: str) -> int | None:
    value = args.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"argument {name} is not a number")
    return value


def when_arg(args: Args, name: str, env: ParseEnv) -> datetime | None:
    """A time given in a field of its own: read in full, or refused; nothing if left empty."""
    value = args.get(name)
    if isinstance(value, datetime):
        return check_instant(value, now=env.now, timezone=env.timezone)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"argument {name} is not a time")
    if value is None or not value.strip():
        return None
    return parse_when(_without_keyword(value), now=env.now, timezone=env.timezone)


def _without_keyword(text: str) -> str:
    """ "by friday" typed in a "when" field means friday ("on friday" is read as it is)."""
    head, _, rest = text.strip().partition(" ")
    if head.lower() in {"by", "before", "until"} and rest.strip():
        return rest
    return text

"""Typed argument values (Discord options, Slack form fields) into a command's request."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.commands.base import AnySpec, Arg, ArgKind, Args, ArgValue, ParseEnv, PersonRef
from bot.commands.parsing import clean_input
from bot.commands.when import check_instant, parse_when

# A time phrase may bring its own preposition ("in 2 days", "on friday"); only a bare time
# ("friday") needs the argument's keyword before it when written out.
_TIME_PREPOSITIONS = frozenset({"by", "before", "in", "on", "at", "until"})


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
    """The request typed values stand for: through the command's `build`, or, for a command
    whose text grammar has no ambiguity to guess at, through its text form."""
    unknown = set(args) - {arg.name for arg in spec.args}
    if unknown:
        raise ValueError(f"{spec.name} takes no argument {sorted(unknown)}")
    if spec.build is not None:
        return spec.build(args, env)
    return spec.parse(written_out(spec, args), env)


def written_out(spec: AnySpec, args: Args) -> str:
    """`settings quiet 22:00-08:00 intros off`: typed words in the declared order, each after
    its keyword. Only for commands without `build`, which take no person and no instant."""
    parts: list[str] = []
    for arg in spec.args:
        value = args.get(arg.name)
        if isinstance(value, PersonRef | datetime):
            raise TypeError(f"{spec.name} needs a build for its {arg.kind} argument")
        text = " ".join(str(value or "").split())
        if arg.kind is ArgKind.WORD:
            text = text.replace(" ", "")
        if text:
            parts.append(_with_keyword(arg, text))
    return " ".join(parts)


def _with_keyword(arg: Arg, value: str) -> str:
    if not arg.keyword:
        return value
    lowered, keyword = value.lower(), arg.keyword.lower()
    if lowered == keyword or lowered.startswith(f"{keyword} "):
        return value  # typed with its keyword already
    if arg.kind is ArgKind.WHEN and lowered.split(maxsplit=1)[0] in _TIME_PREPOSITIONS:
        return value
    return f"{arg.keyword} {value}"


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

"""Reading `event "<title>" <when> [for <duration>] [at <place>] [limit <n>]`, its edits, and
the same values typed in fields of their own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.base import Args, ArgValue, ParseEnv
from bot.commands.replies import echo
from bot.commands.typed import text_arg, when_arg
from bot.commands.when import is_date_word
from bot.core.errors import UserError
from bot.core.events import MAX_DURATION, MAX_LIMIT, MAX_PLACE, MAX_TITLE
from bot.core.message import command

EXAMPLE = 'event "Rust night" friday 6pm for 2 hours at Café Lisboa limit 20'
_TITLE = re.compile(r"\s*(?:title\s+)?[\"“”]([^\"“”]*)[\"“”]?\s*", re.IGNORECASE)
_LIMIT = re.compile(r"(?:^|\s)limit\s+(\S+)\s*$", re.IGNORECASE)
_FOR = re.compile(r"(?:^|\s)for\s+", re.IGNORECASE)
_AT = re.compile(r"(?:^|\s)at\s+", re.IGNORECASE)
_DURATION = re.compile(
    r"(?P<n>[0-9]{1,4}(?:\.[0-9]{1,2})?|an?|one|two|three|four|five|six|half an?)\s*"
    r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d)",
    re.IGNORECASE | re.ASCII,
)
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
NO_LIMIT = ("none", "no", "off", "unlimited")


@dataclass(frozen=True)
class EventDetails:
    """What an `event` line or an edit gives; None: not given."""

    title: str | None = None
    starts_at: datetime | None = None
    duration: timedelta | None = None
    place: str | None = None
    limit: int | None = None
    no_limit: bool = False  # `limit none` in an edit


@dataclass(frozen=True)
class EventRequest:
    """`event …`: announce (`number` None), or `cancel` / `edit` event `number`."""

    action: str  # "new", "cancel" or "edit"
    details: EventDetails
    number: int | None = None


def parse_event(text: str, env: ParseEnv) -> EventRequest:
    head, _, rest = text.strip().partition(" ")
    if head.lower() == "cancel":
        return cancel_request(rest)
    if head.lower() == "edit":
        number, rest = _number(rest)
        return edit_request(number, _split(rest, new=False), env)
    return EventRequest("new", event_details(_split(text, new=True), env, new=True))


def cancel_request(typed: str) -> EventRequest:
    with _about("number"):
        number, _ = _number(typed)
    return EventRequest("cancel", EventDetails(), number)


def edit_request(number: int, args: Args, env: ParseEnv) -> EventRequest:
    details = event_details(args, env, new=False)
    if details == EventDetails():
        raise UserError(
            "Tell me what to change: a title, when, for how long, where or the limit.",
            hint=("For example: ", command(f"event edit {number} at The Old Pub"), "."),
        )
    return EventRequest("edit", details, number)


def event_number(typed: str) -> int:
    """An event's number typed in a field of its own."""
    with _about("number"):
        number, rest = _number(typed)
    if rest:
        raise UserError(f"I need just an event's number, and got {echo(typed)}.", field="number")
    return number


def _number(text: str) -> tuple[int, str]:
    """The event's number, as `events` shows it, at the start of `text`."""
    head, _, rest = text.strip().partition(" ")
    digits = head.lstrip("#")
    if not digits.isdecimal() or len(digits) > 6 or int(digits) == 0:
        raise UserError(
            f"I need an event's number, like 1 or 2, and got {echo(head or 'nothing')}.",
            hint=(command("events"), " in the event's channel lists them with their numbers."),
        )
    return int(digits), rest.strip()


def _split(text: str, *, new: bool) -> Args:
    """A line's words as the typed values they stand for (title, when, duration, place, limit);
    each is read, or refused, by `event_details`, the same way as typed in a field."""
    text = text.strip()
    args: dict[str, ArgValue] = {}
    quoted = _TITLE.match(text)
    if quoted is not None:
        args["title"], text = quoted[1], text[quoted.end() :]
    elif new:
        raise UserError(
            "An event needs a title, in quotes, first.", hint=("For example: ", command(EXAMPLE))
        )
    if (found := _LIMIT.search(text)) is not None:
        args["limit"], text = found[1], text[: found.start()]
    if (at := _place_start(text)) is not None:
        args["place"], text = text[at.end() :], text[: at.start()]
    if (found_for := _FOR.search(text)) is not None:
        args["duration"], text = text[found_for.end() :], text[: found_for.start()]
    when_text = text.strip()
    if when_text.lower().startswith("when "):
        when_text = when_text[len("when ") :]
    if when_text:
        args["when"] = when_text
    return args


def event_details(args: Args, env: ParseEnv, *, new: bool) -> EventDetails:
    """What the values stand for, each read or refused on its own (the refusal names its field):
    the one reading for a line and for typed fields (Discord options, the Slack form). Checked
    in the order a line always was: title, limit, place, duration, then when."""
    with _about("title"):
        title = _title(text_arg(args, "title")) if "title" in args else None
        if title is None and new:
            raise UserError("An event needs a title.")
    with _about("limit"):
        limit, no_limit = _limit(args.get("limit"), new=new)
    with _about("place"):
        place = _place(text_arg(args, "place")) if "place" in args else None
    with _about("duration"):
        duration = _duration(_typed_duration(args))
    with _about("when"):
        starts_at = when_arg(args, "when", env)
        if starts_at is None and new:
            raise UserError(
                "When is it? Put the day and time after the title.",
                hint=("For example: ", command(EXAMPLE)),
            )
    return EventDetails(title, starts_at, duration, place, limit, no_limit)


@contextmanager
def _about(field: str) -> Iterator[None]:
    """A refusal raised inside is about `field` (where a form shows it)."""
    try:
        yield
    except UserError as error:
        error.about(field)
        raise


def _typed_duration(args: Args) -> str | None:
    typed = text_arg(args, "duration")
    if not typed:
        return None if "duration" not in args else typed
    head, _, rest = typed.partition(" ")
    return rest if head.lower() == "for" and rest.strip() else typed


def _place_start(text: str) -> re.Match[str] | None:
    """The `at` that starts the place: not one inside the time ("friday at 6pm")."""
    for found in _AT.finditer(text):
        following = text[found.end() :].split(maxsplit=1)
        if following and not is_date_word(following[0], numbers=False):
            return found
    return None


def _title(typed: str) -> str:
    title = " ".join(typed.split())
    if not title:
        raise UserError("The title in quotes is empty.", hint=("For example: ", command(EXAMPLE)))
    if len(title) > MAX_TITLE:
        raise UserError(
            f"That title is {len(title)} characters; an event's title fits in {MAX_TITLE}."
        )
    return title


def _place(typed: str) -> str:
    place = " ".join(typed.split())
    if not place:
        raise UserError("Where is it? Put the place or a link after “at”.")
    if len(place) > MAX_PLACE:
        raise UserError(f"That place is {len(place)} characters; it fits in {MAX_PLACE}.")
    return place


def _duration(typed: str | None) -> timedelta | None:
    if typed is None:
        return None
    found = _DURATION.fullmatch(typed.strip())
    if found is None:
        raise UserError(
            f"I couldn't read {echo(typed)} as how long it lasts.",
            hint=("Try ", command("for 2 hours"), ", ", command("for 90 minutes"), "."),
        )
    amount = found["n"].lower()
    count = 0.5 if amount.startswith("half") else _WORDS.get(amount) or float(amount)
    duration = count * _UNITS[found["unit"][0].lower()]
    if duration <= timedelta(0):
        raise UserError("An event has to last a little while: give a duration above zero.")
    if duration > MAX_DURATION:
        raise UserError(f"An event lasts at most {MAX_DURATION.days} days.")
    return duration


def _limit(typed: ArgValue | None, *, new: bool) -> tuple[int | None, bool]:
    """The limit and whether it was taken away (`limit none`, in an edit)."""
    if typed is None:
        return None, False
    if isinstance(typed, str):
        typed = typed.strip()
        if not new and typed.lower() in NO_LIMIT:
            return None, True
        if typed.isdecimal() and len(typed) <= 6:
            typed = int(typed)
    if isinstance(typed, bool) or not isinstance(typed, int) or not 0 < typed <= MAX_LIMIT:
        raise UserError(
            f"The limit is how many can go: a number from 1 to {MAX_LIMIT:,}, "
            f"and I got {echo(str(typed))}."
        )
    return typed, False

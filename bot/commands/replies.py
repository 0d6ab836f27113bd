"""Small message builders the command modules share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields, is_dataclass, replace
from datetime import datetime

from bot.core.errors import UserError
from bot.core.limits import LIST_SHOWN
from bot.core.message import (
    Block,
    Bullets,
    Inline,
    Message,
    Paragraph,
    Text,
    UserText,
    bullets,
    command,
    message,
    paragraph,
    parts_of,
)
from bot.core.records import Profile

ECHO_LIMIT = 40
TIMEZONE_HINT = (
    "🕑 I read times in UTC until you choose your time zone: ",
    command("settings timezone Europe/Paris"),
    " (any city's zone).",
)
# The zone's names, as platforms and machines (the console's) report it.
_UTC = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"}
_ECHOED = re.compile(r"“([^“”]*)”")


def echo(typed: str) -> str:
    """The member's words quoted in an error; `error_reply` shows them as text, never markup."""
    # Only a prefix is read, grown until it holds enough: quoting stays cheap for long input.
    # Flattening a prefix gives a prefix of the whole text flattened, so the quote is the same.
    window = 2 * ECHO_LIMIT
    while True:
        flat = " ".join("".join(ch for ch in typed[:window] if ch.isprintable()).split())
        if len(flat) > ECHO_LIMIT or window >= len(typed):
            break
        window *= 4
    flat = flat.replace("“", '"').replace("”", '"')
    if len(flat) > ECHO_LIMIT:
        flat = flat[: ECHO_LIMIT - 1].rstrip() + "…"
    return f"“{flat}”"


def _with_echoes(text: Text) -> Paragraph:
    """The member's words quoted in bot sentences (see `echo`) as user text; other parts stay."""
    parts: list[Inline] = []
    for part in parts_of(text):
        if not isinstance(part, str):
            parts.append(part)
            continue
        for index, piece in enumerate(_ECHOED.split(part)):
            parts.append(UserText(f"“{piece}”") if index % 2 else piece)
    return paragraph(*parts)


def capped(
    items: Sequence[Paragraph], *, total: int | None = None, where: Text = ""
) -> tuple[Bullets, Block | None]:
    """A list reply of at most `LIST_SHOWN` items, then how many more there are and where to
    find them all (`where`, or the member's `export`)."""
    total = len(items) if total is None else total
    shown = items[:LIST_SHOWN]
    more = total - len(shown)
    if more <= 0:
        return bullets(*shown), None
    return bullets(*shown), paragraph(f"…and {more:,} more: ", *parts_of(where or EXPORT_HAS_ALL))


EXPORT_HAS_ALL = (command("export"), " sends you the full list.")


def error_reply(error: UserError) -> Message:
    return message(
        paragraph("⚠️ ", *_with_echoes(error.message).parts),
        _with_echoes(error.hint) if error.hint else None,
    )


def oops_reply() -> Message:
    return message(
        paragraph("Sorry — something went wrong on my side and nothing was changed."),
        paragraph("Please try again in a moment."),
    )


def with_timezone_hint(reply: Message, request: object, *, profile: Profile) -> Message:
    """A reply to a command that read a time in UTC only because the member never chose a
    zone says so, whichever platform it came from."""
    if profile.timezone_chosen or profile.timezone not in _UTC or not _reads_a_time(request):
        return reply
    return replace(reply, blocks=(*reply.blocks, paragraph(*TIMEZONE_HINT)))


def _reads_a_time(request: object) -> bool:
    if isinstance(request, datetime):
        return True
    if not is_dataclass(request) or isinstance(request, type):
        return False
    return any(isinstance(getattr(request, f.name), datetime) for f in fields(request))

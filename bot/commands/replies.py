"""Small message builders the command modules share."""

from __future__ import annotations

import re

from bot.core.errors import UserError
from bot.core.message import Inline, Message, Paragraph, UserText, message, paragraph

ECHO_LIMIT = 40
_ECHOED = re.compile(r"“([^“”]*)”")


def echo(typed: str) -> str:
    """The member's words quoted in an error; `error_reply` shows them as text, never markup."""
    flat = " ".join("".join(ch for ch in typed if ch.isprintable()).split())
    flat = flat.replace("“", '"').replace("”", '"')
    if len(flat) > ECHO_LIMIT:
        flat = flat[: ECHO_LIMIT - 1].rstrip() + "…"
    return f"“{flat}”"


def _with_echoes(text: str) -> Paragraph:
    parts: list[Inline] = []
    for index, piece in enumerate(_ECHOED.split(text)):
        parts.append(UserText(f"“{piece}”") if index % 2 else piece)
    return paragraph(*parts)


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

"""Small message builders the command modules share."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.message import Message, message, paragraph


def error_reply(error: UserError) -> Message:
    return message(
        paragraph("⚠️ ", error.message),
        paragraph(error.hint) if error.hint else None,
    )


def oops_reply() -> Message:
    return message(
        paragraph("Sorry — something went wrong on my side and nothing was changed."),
        paragraph("Please try again in a moment."),
    )

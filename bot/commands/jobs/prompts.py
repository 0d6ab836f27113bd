"""The weekly give-first thread starter in channels whose organisers turned prompts on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from bot.core.message import Message, command, message, paragraph
from bot.core.outgoing import Outgoing, key_time
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import ChannelPrompt
from bot.core.schedule import is_stale, next_weekly
from bot.core.tips import prompt_for

PROMPT_TIME = time(10, 0)  # local to the organiser who turned prompts on


def next_weekly_prompt(after: datetime, *, timezone: str, weekday: int) -> datetime:
    return next_weekly(after, timezone=timezone, weekday=weekday, at=PROMPT_TIME)


def next_prompt(prompt: ChannelPrompt, *, after: datetime) -> datetime:
    return next_weekly_prompt(after, timezone=prompt.timezone, weekday=prompt.weekday)


def prompt_message(now: datetime) -> Message:
    return message(
        paragraph(prompt_for(now)),
        paragraph("Gave something? Log it with ", command("give @person what you gave"), "."),
    )


class ChannelPrompts:
    """Channels whose weekly prompt is due; one more than a day late is skipped, not posted."""

    name = "channel_prompts"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.CHANNEL_PROMPTS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.channel_prompts.due(now=now, limit=limit)
        outgoing = Outgoing(now)
        for prompt in due:
            uow.channel_prompts.save(replace(prompt, next_post_at=next_prompt(prompt, after=now)))
            if is_stale(prompt.next_post_at, now):
                continue
            outgoing.post(
                prompt.channel,
                prompt_message(now),
                key=f"prompt:{prompt.id}:{key_time(prompt.next_post_at)}",
            )
        outgoing.queue(uow)
        return len(due)

"""Organisers' `prompts on [weekly on <day>]` / `prompts off`: a weekly give-first thread."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from bot.commands.base import Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.jobs.prompts import PROMPT_TIME, next_weekly_prompt
from bot.commands.replies import echo
from bot.commands.typed import text_arg
from bot.commands.when import format_when, parse_weekday
from bot.core.errors import UserError
from bot.core.message import Message, command, message, paragraph

HINT = (
    "For example: ",
    command("prompts on weekly on wednesday"),
    ", or ",
    command("prompts off"),
    ".",
)
DEFAULT_WEEKDAY = 0  # Monday


@dataclass(frozen=True)
class PromptsRequest:
    on: bool | None  # None: just say whether they are on
    weekday: int | None = None


def parse_prompts(text: str, env: ParseEnv) -> PromptsRequest:
    switch, _, day = text.strip().partition(" ")
    return build_prompts({"switch": switch, "day": day}, env)


def build_prompts(args: Args, env: ParseEnv) -> PromptsRequest:
    switch, day = text_arg(args, "switch").lower(), text_arg(args, "day")
    if not switch and not day:
        return PromptsRequest(None)
    if switch == "off" and not day:
        return PromptsRequest(False)
    if switch != "on":
        typed = " ".join(f"{switch} {day}".split())
        raise UserError((command("prompts"), f" is on or off, not {echo(typed)}."), hint=HINT)
    # "on", "on monday", "on weekly on monday", "on every monday"
    words = [w for w in day.split() if w.lower() not in {"weekly", "on"}]
    if not words:
        return PromptsRequest(True)
    return PromptsRequest(True, parse_weekday(" ".join(words)))


def handle_prompts(ctx: Context, req: PromptsRequest) -> Message:
    channel = ctx.channel
    assert channel is not None  # needs_channel
    current = ctx.uow.channel_prompts.get(channel)
    if req.on is None:
        if current is None:
            return message(paragraph("Give-first prompts are off in this channel."))
        day = calendar.day_name[current.weekday]
        return message(paragraph(f"Give-first prompts are on here: every {day}."))
    if not ctx.is_organiser:
        raise UserError(
            "Only this channel's organisers can turn give-first prompts on or off.",
            hint=(
                "You can still give first any time: ",
                command("give @person what you gave"),
                ".",
            ),
        )
    if not req.on:
        ctx.uow.channel_prompts.delete(channel)
        if current is None:
            return message(paragraph("Give-first prompts weren't on in this channel."))
        return message(paragraph("Give-first prompts are off in this channel."))
    weekday = req.weekday
    if weekday is None:
        weekday = current.weekday if current is not None else DEFAULT_WEEKDAY
    timezone = ctx.profile.timezone
    first = next_weekly_prompt(ctx.now, timezone=timezone, weekday=weekday)
    ctx.uow.channel_prompts.put(
        channel, weekday=weekday, timezone=timezone, next_post_at=first, now=ctx.now
    )
    return message(
        paragraph(
            f"🌱 Give-first prompts are on in this channel: every {calendar.day_name[weekday]} "
            f"at {PROMPT_TIME:%H:%M} ({timezone}), a thread inviting members to offer help."
        ),
        paragraph(f"The first: {format_when(first, timezone=timezone, now=ctx.now)}."),
    )


PROMPTS = CommandSpec(
    name="prompts",
    summary="(organisers) A weekly give-first thread in this channel.",
    usage="prompts on [weekly on <day>] | prompts off",
    examples=("prompts on weekly on monday", "prompts off"),
    args=(
        Arg("switch", ArgKind.WORD, "on or off"),
        Arg("day", ArgKind.WORD, "The day of the week", required=False, keyword="weekly on"),
    ),
    parse=parse_prompts,
    build=build_prompts,
    handle=handle_prompts,
    needs_channel=True,
)

SPECS = (PROMPTS,)

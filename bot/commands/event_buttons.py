"""The buttons on an event's post: Going, Maybe, Can't go, and who is going (privately)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.commands.base import ActionSpec, Context
from bot.commands.event_posts import (
    ACTION_GOING,
    ACTION_MAYBE,
    ACTION_NO,
    ACTION_SUGGEST,
    ACTION_WHO,
    invitation,
    refresh_post,
    take_up_seats,
    withdrawal,
)
from bot.commands.payloads import record_id
from bot.commands.when import format_moment
from bot.core import events
from bot.core.errors import UserError
from bot.core.events import Answer, Event
from bot.core.message import Mention, Message, UserText, bullets, message, paragraph


def _pressed_event(ctx: Context, payload: str) -> Event:
    event_id = record_id(payload)
    event = None if event_id is None else ctx.uow.events.get_by_id(ctx.invoker.workspace, event_id)
    if event is None or event.cancelled:
        raise UserError("That event was cancelled, or is no longer here.")
    if event.ends_at <= ctx.now:
        raise UserError("That event is over.")
    return event


def _press(wanted: Answer) -> Callable[[Context, str], Message]:
    def press(ctx: Context, payload: str) -> Message:
        event = _pressed_event(ctx, payload)
        rsvps = ctx.uow.events.answers(event)
        before = next((r for r in rsvps if r.member == ctx.invoker), None)
        now = events.answered(event, rsvps, ctx.invoker, wanted, now=ctx.now)
        if now != before:
            ctx.uow.events.answer(now)
            zone = ctx.profile.timezone
            if now.answer is Answer.GOING:
                ctx.outgoing.answer(ctx.invoker, invitation(event, timezone=zone, now=ctx.now))
            if before is not None and before.answer is Answer.GOING:
                ctx.outgoing.answer(ctx.invoker, withdrawal(event, now=ctx.now))
                take_up_seats(ctx, event)
            refresh_post(ctx, event)
        return _confirmation(ctx, event, now.answer, again=now == before)

    return press


def _confirmation(ctx: Context, event: Event, answer: Answer, *, again: bool) -> Message:
    title = UserText(event.title, by=event.creator)
    when = format_moment(event.starts_at, timezone=ctx.profile.timezone)
    head = {
        Answer.GOING: "✅ You're going to “",
        Answer.MAYBE: "🤔 Noted as a maybe for “",
        Answer.NO: "🙅 Noted: you can't go to “",
        Answer.WAITING: "⏳ It's full: you're on the waiting list for “",
    }[answer]
    lines = [paragraph(head, title, f"” ({when}).")]
    if again:
        lines.append(paragraph("That's what you had answered already."))
    if answer is Answer.WAITING:
        lines.append(paragraph("If a seat opens, you move up and I'll tell you privately."))
    if answer is Answer.GOING:
        lines.append(paragraph("Plans change? Press Can't go, and your seat goes to the next."))
    return message(*lines)


def press_suggest(ctx: Context, payload: str) -> Message:
    """The member's opt-in to suggestions of people to meet at the event, recorded."""
    event = _pressed_event(ctx, payload)
    mine = next((r for r in ctx.uow.events.answers(event) if r.member == ctx.invoker), None)
    if mine is None or mine.answer is not Answer.GOING:
        raise UserError("Suggestions are for those going: press Going on the event's post first.")
    if not mine.suggest:
        ctx.uow.events.answer(replace(mine, suggest=True))
    return message(
        paragraph(
            "Noted — I'll suggest a few people going to “",
            UserText(event.title, by=event.creator),
            "” you could meet there, privately, among those who asked too.",
        )
    )


def press_who(ctx: Context, payload: str) -> Message:
    event = _pressed_event(ctx, payload)
    rsvps = ctx.uow.events.answers(event)
    if not events.may_see_attendees(event, rsvps, ctx.invoker, is_organiser=ctx.is_organiser):
        raise UserError("Who's going is shown to those going and the organisers.")
    going = [r.member for r in rsvps if r.answer is Answer.GOING]
    title = UserText(event.title, by=event.creator)
    if not going:
        return message(paragraph("Nobody has answered Going to “", title, "” yet."))
    return message(
        paragraph("Going to “", title, f"” ({len(going)}):"),
        bullets(*(paragraph(Mention(member)) for member in going)),
    )


ACTIONS = (
    ActionSpec(ACTION_GOING, _press(Answer.GOING)),
    ActionSpec(ACTION_MAYBE, _press(Answer.MAYBE)),
    ActionSpec(ACTION_NO, _press(Answer.NO)),
    ActionSpec(ACTION_WHO, press_who),
    ActionSpec(ACTION_SUGGEST, press_suggest),
)

"""The follow-up nudge a few days after a meeting, with its context, and its three buttons."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.base import ActionSpec, Context
from bot.commands.common import meeting_context, person_inline
from bot.commands.payloads import record_id
from bot.commands.when import format_day
from bot.core.errors import UserError
from bot.core.message import (
    Choice,
    ChoiceStyle,
    Inline,
    Mention,
    Message,
    UserText,
    message,
    paragraph,
)
from bot.core.outgoing import Outgoing, key_time
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import Contact, Meeting, Profile
from bot.core.schedule import is_paused

ACTION_LOG_PROMISE = "follow_up.promise"
ACTION_LOG_GIVE = "follow_up.give"
ACTION_DISMISS = "follow_up.dismiss"

# A context starting with one of these reads on after "You met Sam on Tuesday …".
_PLACE_WORDS = ("at ", "in ", "on ", "during ", "through ", "via ", "after ", "over ", "while ")


def met_when(met_at: datetime, *, timezone: str, now: datetime) -> str:
    """ "on Tuesday" within the past week, "on Tue 3 Nov" before that."""
    zone = ZoneInfo(timezone)
    days = (now.astimezone(zone).date() - met_at.astimezone(zone).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {calendar.day_name[met_at.astimezone(zone).weekday()]}"
    return f"on {format_day(met_at, timezone=timezone)}"


def follow_up_message(
    meeting: Meeting, contact: Contact, *, profile: Profile, now: datetime
) -> Message:
    context: tuple[Inline, ...] = ()
    text = meeting.context.strip()
    if text:
        joiner = " " if text.lower().startswith(_PLACE_WORDS) and not meeting.quotes else " — "
        context = (joiner, *meeting_context(replace(meeting, context=text.rstrip("."))))
    when = met_when(meeting.met_at, timezone=profile.timezone, now=now)
    payload = str(contact.id)
    return message(
        paragraph("👋 You met ", person_inline(contact), f" {when}", *context, "."),
        paragraph("Anything you could send them? A link, an intro, or a thank-you will do."),
        choices=(
            Choice("Log a promise", ACTION_LOG_PROMISE, payload, ChoiceStyle.PRIMARY),
            Choice("Log a give", ACTION_LOG_GIVE, payload),
            Choice("Dismiss", ACTION_DISMISS, payload),
        ),
    )


class FollowUps:
    """Meetings whose follow-up time came with nothing logged since (a promise or give to that
    person clears the nudge as it happens); never while paused."""

    name = "follow_ups"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.FOLLOW_UPS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.meetings.due_follow_ups(now=now, limit=limit)
        outgoing = Outgoing(now)
        for item in due:
            meeting = item.meeting
            assert meeting.follow_up_at is not None
            uow.meetings.clear_follow_ups(meeting.owner, meeting.contact_id)
            if item.profile is None or is_paused(item.profile, now):
                continue
            outgoing.dm(
                item.profile,
                follow_up_message(meeting, item.contact, profile=item.profile, now=now),
                key=f"follow_up:{meeting.id}:{key_time(meeting.follow_up_at)}",
            )
        outgoing.queue(uow)
        return len(due)


# --- the buttons ------------------------------------------------------------------------------


def pressed_contact(ctx: Context, payload: str) -> Contact:
    contact_id = record_id(payload)
    contact = None if contact_id is None else ctx.uow.contacts.get(ctx.invoker, contact_id)
    if contact is None:
        raise UserError("I couldn't find that contact among yours any more.")
    return contact


def person_to_type(contact: Contact) -> tuple[Inline, ...]:
    """The person as the member would type them: a mention, or a quoted outside name."""
    member = contact.member
    if member is not None:
        return (Mention(member),)
    return ('"', UserText(contact.name), '"')


def _type_this(command: str, contact: Contact, *, template: str, example: str) -> Message:
    # A button can't take free text: hand back the command, prefilled, to finish and send.
    person = person_to_type(contact)
    return message(
        paragraph("Type this, with your own words in place of the brackets:"),
        paragraph(f"{command} ", *person, f" {template}"),
        paragraph(f"For example: {command} ", *person, f" {example}"),
    )


def press_log_promise(ctx: Context, payload: str) -> Message:
    return _type_this(
        "promise",
        pressed_contact(ctx, payload),
        template="[what you'll send] by [when]",
        example="the Rust talk slides by friday",
    )


def press_log_give(ctx: Context, payload: str) -> Message:
    return _type_this(
        "give",
        pressed_contact(ctx, payload),
        template="[what you gave]",
        example="a pointer to the asyncio docs",
    )


def press_dismiss(ctx: Context, payload: str) -> Message:
    contact = pressed_contact(ctx, payload)
    ctx.uow.meetings.clear_follow_ups(ctx.invoker, contact.id)
    return message(paragraph("OK — no follow-up nudge about ", person_inline(contact), "."))


ACTIONS = (
    ActionSpec(ACTION_LOG_PROMISE, press_log_promise),
    ActionSpec(ACTION_LOG_GIVE, press_log_give),
    ActionSpec(ACTION_DISMISS, press_dismiss),
)

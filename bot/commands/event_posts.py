"""An event's channel post (kept up to date in place) and the private notes about it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.base import Context
from bot.commands.when import format_clock, format_moment
from bot.core import events
from bot.core.calendar import CalendarInvite, InviteMethod
from bot.core.events import Answer, Event, Rsvp
from bot.core.identity import Member
from bot.core.message import (
    Choice,
    ChoiceStyle,
    Inline,
    Mention,
    Message,
    Paragraph,
    UserText,
    message,
    paragraph,
)
from bot.core.records import Profile

ACTION_GOING = "event.going"
ACTION_MAYBE = "event.maybe"
ACTION_NO = "event.no"
ACTION_WHO = "event.who"
ACTION_SUGGEST = "event.suggest"
FORGOTTEN_TITLE = "Cancelled event"  # in calendars, for an event whose creator ran forget-me


def invite(event: Event, *, now: datetime) -> CalendarInvite:
    """The event for a member's calendar: one UID per event, its SEQUENCE the event's."""
    workspace = event.channel.workspace
    return CalendarInvite(
        uid=f"event-{event.id}.{workspace.workspace_id}.{workspace.platform.value}@networking-buddy",
        sequence=event.sequence,
        method=InviteMethod.CANCEL if event.cancelled else InviteMethod.REQUEST,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.place,
        stamp=now,
        filename=f"event-{event.number}.ics",
    )


def invitation(event: Event, *, timezone: str, now: datetime) -> Message:
    """By DM to a member going: the event, and the file that puts it in their calendar."""
    return message(
        paragraph("🗓️ For your calendar: “", UserText(event.title, by=event.creator), "”"),
        paragraph(*event_line(event, timezone=timezone)),
        paragraph("Open the attached file to add it; updates will replace it."),
        invite=invite(event, now=now),
    )


def withdrawal(event: Event, *, now: datetime) -> Message:
    """By DM to a member no longer going: the file that takes it out of their calendar."""
    return message(
        paragraph(
            "🗓️ Not going to “",
            UserText(event.title, by=event.creator),
            "” after all: open the attached file to take it off your calendar.",
        ),
        invite=replace(
            invite(event, now=now), method=InviteMethod.CANCEL, sequence=event.sequence + 1
        ),
    )


def anchor(event: Event) -> str:
    """The name its channel post is kept under: every later post edits it."""
    return f"event:{event.id}"


def _duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in
             ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]  # fmt: skip
    return " ".join(parts)


def event_line(event: Event, *, timezone: str) -> tuple[Inline, ...]:
    """ "3 · “Rust night” · Fri 4 Dec 2026, 18:00 Europe/Lisbon, for 2 hours · at Café" """
    place: tuple[Inline, ...] = (" · at ", UserText(event.place, by=event.creator))
    return (
        f"{event.number} · “",
        UserText(event.title, by=event.creator),
        f"” · {format_moment(event.starts_at, timezone=timezone)}, for "
        f"{_duration(event.ends_at - event.starts_at)}",
        *(place if event.place else ()),
    )


def without_their_words(event: Event) -> Event:
    """The event as calendars show it once its creator ran forget-me: no title, no place."""
    return replace(event, title=FORGOTTEN_TITLE, place="")


def post_message(event: Event, rsvps: Sequence[Rsvp], *, forgotten: bool = False) -> Message:
    """The channel post: what, when, where, and counts only (never who). No count of those
    who can't go: a decline is never shown to the channel (organisers' `stats` count them).
    `forgotten` (cancelled as its creator ran forget-me): none of their words, nor their name."""
    if forgotten:
        return message(
            paragraph("❌ This event was cancelled." if event.cancelled else "This event is over.")
        )
    title = UserText(event.title, by=event.creator)
    when = format_moment(event.starts_at, timezone=event.timezone)
    until = format_clock(event.ends_at, timezone=event.timezone)
    where = paragraph("📍 ", UserText(event.place, by=event.creator)) if event.place else None
    if event.cancelled:
        return message(
            paragraph("❌ Cancelled: “", title, f"” ({when})."),
            paragraph(f"Event {event.number}, announced by ", Mention(event.creator), "."),
        )
    n = events.counts(rsvps)
    seats = f" of {event.limit}" if event.limit is not None else ""
    waiting = f" · ⏳ {n.waiting} waiting" if n.waiting else ""
    return message(
        paragraph("📅 “", title, "”"),
        paragraph(f"🕕 {when} – {until}"),
        where,
        paragraph(
            f"Event {event.number}, announced by ",
            Mention(event.creator),
            ". Who is going is shown to those going.",
        ),
        paragraph(f"✅ {n.going}{seats} going · 🤔 {n.maybe} maybe{waiting}"),
        choices=(
            Choice("Going", ACTION_GOING, str(event.id), ChoiceStyle.PRIMARY),
            Choice("Maybe", ACTION_MAYBE, str(event.id)),
            Choice("Can't go", ACTION_NO, str(event.id)),
            Choice("Who's going", ACTION_WHO, str(event.id)),
        ),
    )


def announce(ctx: Context, event: Event) -> None:
    ctx.outgoing.post(
        event.channel,
        # The invite lets a platform with native events make one (Discord's scheduled events).
        replace(post_message(event, ()), invite=invite(event, now=ctx.now)),
        key=f"event:{event.id}:announce",
        anchor=anchor(event),
    )


def refresh_post(
    ctx: Context, event: Event, *, changed: bool = False, forgotten: bool = False
) -> None:
    """The post again, as it stands now: delivered as an edit of the first one, in order;
    `changed` (edited or cancelled) carries the invite, so native events follow."""
    post = post_message(event, ctx.uow.events.answers(event), forgotten=forgotten)
    if changed:
        shown = without_their_words(event) if forgotten else event
        post = replace(post, invite=invite(shown, now=ctx.now))
    ctx.outgoing.post(event.channel, post, key="", anchor=anchor(event))


def take_up_seats(ctx: Context, event: Event) -> list[Member]:
    """Those waiting who now have a seat move up, and are told privately."""
    moved = events.move_up(event, ctx.uow.events.answers(event), now=ctx.now)
    profiles = ctx.uow.profiles.get_many(rsvp.member for rsvp in moved)
    calendar = invite(event, now=ctx.now)  # the same file for each one moving up
    for rsvp in moved:
        ctx.uow.events.answer(rsvp)
        profile = profiles.get(rsvp.member)
        _tell(
            ctx,
            rsvp.member,
            profile,
            message(
                paragraph(
                    "🎟️ A seat opened at “",
                    UserText(event.title, by=event.creator),
                    f"” ({format_moment(event.starts_at, timezone=_zone(profile))}): "
                    "you're going now, off the waiting list.",
                ),
                paragraph("Can't make it after all? Press Can't go on the event's post."),
                invite=calendar,
            ),
            key=f"event:{event.id}:moved_up:{rsvp.member.user_id}:{event.sequence}",
        )
    return [rsvp.member for rsvp in moved]


def cancel(ctx: Context, event: Event, *, forgotten: bool = False) -> int:
    """Cancel the event: its post says so, and those who answered Going or Maybe, or were
    waiting, are told (those going with the file that takes it off their calendar); how many.
    `forgotten`: its creator ran forget-me, so only its date is shown, none of their words."""
    cancelled = events.with_reminders(
        replace(event, cancelled=True, sequence=event.sequence + 1), now=ctx.now
    )
    ctx.uow.events.save(cancelled)
    refresh_post(ctx, cancelled, changed=True, forgotten=forgotten)

    def head(zone: str) -> Paragraph:
        if forgotten:
            when = format_moment(event.starts_at, timezone=zone)
            return paragraph(f"❌ An event you had answered, on {when}, was cancelled.")
        return paragraph("❌ “", UserText(event.title, by=event.creator), "” was cancelled.")

    return notify(
        ctx,
        without_their_words(cancelled) if forgotten else cancelled,
        head,
        answers=(Answer.GOING, Answer.WAITING, Answer.MAYBE),
        what="cancelled",
    )


def leave_events(ctx: Context, member: Member) -> None:
    """Before the member's rows are erased: each event they created is cancelled if still
    ahead, and its post left without a word of theirs; each seat they held goes to those
    waiting, as when they press Can't go, and each post they counted in is corrected."""
    for created in ctx.uow.events.created_by(member):
        if created.cancelled or created.ends_at <= ctx.now:
            refresh_post(ctx, created, forgotten=True)  # only its words go: all were told
        else:
            cancel(ctx, created, forgotten=True)
    for event, rsvp in ctx.uow.events.answers_of(member):
        over = event.cancelled or event.ends_at <= ctx.now
        if over or event.creator == member or rsvp.answer is Answer.NO:
            continue
        ctx.uow.events.answer(replace(rsvp, answer=Answer.NO, answered_at=ctx.now))
        if rsvp.answer is Answer.GOING:
            take_up_seats(ctx, event)
        refresh_post(ctx, event)


def notify(
    ctx: Context,
    event: Event,
    head: Callable[[str], Paragraph],
    *,
    answers: tuple[Answer, ...],
    what: str,
) -> int:
    """Tell privately those whose answer is among `answers` (`head` in their zone); how many."""
    told = [
        rsvp
        for rsvp in ctx.uow.events.answers(event)
        if rsvp.answer in answers and rsvp.member != ctx.invoker
    ]
    profiles = ctx.uow.profiles.get_many(rsvp.member for rsvp in told)
    calendar = invite(event, now=ctx.now)
    for rsvp in told:
        profile = profiles.get(rsvp.member)
        zone = _zone(profile)
        lines: list[Paragraph] = [head(zone)]
        if not event.cancelled:
            lines.append(paragraph(*event_line(event, timezone=zone)))
        # Those going have it in their calendar: the file updates or removes it there.
        going = rsvp.answer is Answer.GOING
        _tell(
            ctx,
            rsvp.member,
            profile,
            message(*lines, invite=calendar if going else None),
            key=f"event:{event.id}:{what}:{event.sequence}:{rsvp.member.user_id}",
        )
    return len(told)


def _zone(profile: Profile | None) -> str:
    return profile.timezone if profile is not None else "UTC"


def _tell(ctx: Context, member: Member, profile: Profile | None, msg: Message, *, key: str) -> None:
    if profile is None:  # answered, never used a command: no quiet hours known
        ctx.outgoing.answer(member, msg, key=key)
    else:
        ctx.outgoing.dm(profile, msg, key=key)

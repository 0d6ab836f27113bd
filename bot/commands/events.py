"""Events members choose to attend: `event` (announce, edit, cancel) and `events`."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.base import Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.event_parsing import (
    EXAMPLE,
    EventDetails,
    EventRequest,
    cancel_request,
    edit_request,
    event_details,
    event_number,
    parse_event,
)
from bot.commands.event_posts import (
    announce,
    cancel,
    event_line,
    notify,
    refresh_post,
    take_up_seats,
)
from bot.commands.parsing import no_arguments
from bot.commands.typed import text_arg
from bot.core import events
from bot.core.errors import UserError
from bot.core.events import CHANNEL_NAME_LENGTH, DEFAULT_DURATION, Answer, Event
from bot.core.message import Code, Message, UserText, bullets, command, message, paragraph


def build_event(args: Args, env: ParseEnv) -> EventRequest:
    """A new event from its fields, read as the same words in a line would be."""
    return EventRequest("new", event_details(args, env, new=True))


def parse_event_edit(text: str, env: ParseEnv) -> EventRequest:
    return parse_event(f"edit {text}", env)


def build_event_edit(args: Args, env: ParseEnv) -> EventRequest:
    number = event_number(text_arg(args, "number"))
    return edit_request(number, {k: v for k, v in args.items() if k != "number"}, env)


def build_event_cancel(args: Args, env: ParseEnv) -> EventRequest:
    return EventRequest("cancel", EventDetails(), event_number(text_arg(args, "number")))


# The optional fields an event and its edit share.
_FIELDS = (
    Arg("duration", ArgKind.INTERVAL, "How long, e.g. 2 hours", required=False, keyword="for"),
    Arg("place", ArgKind.TEXT, "Where: a place or a link", required=False, keyword="at"),
)


def handle_event(ctx: Context, req: EventRequest) -> Message:
    if req.action == "new":
        return _announce(ctx, req.details)
    assert req.number is not None
    event = ctx.uow.events.get(ctx.invoker.workspace, req.number)
    if event is None or event.cancelled:
        raise UserError(
            f"There's no upcoming event number {req.number} here.",
            hint=(command("events"), " in its channel lists them, with their numbers."),
        )
    if not events.may_manage(event, ctx.invoker, is_organiser=ctx.is_organiser):
        raise UserError(
            f"Only the member who announced event {event.number}, or an organiser, can "
            f"{req.action} it. Nothing was changed."
        )
    if event.ends_at <= ctx.now:
        raise UserError(f"Event {event.number} is over already: nothing to {req.action}.")
    if req.action == "cancel":
        return _cancel(ctx, event)
    return _edit(ctx, event, req.details)


def _announce(ctx: Context, details: EventDetails) -> Message:
    assert ctx.channel is not None  # `needs_channel`: events live in a channel
    assert details.title is not None and details.starts_at is not None
    event = ctx.uow.events.add(
        channel=ctx.channel,
        creator=ctx.invoker,
        title=details.title,
        starts_at=details.starts_at,
        ends_at=details.starts_at + (details.duration or DEFAULT_DURATION),
        place=details.place or "",
        limit=details.limit,
        timezone=ctx.profile.timezone,
        now=ctx.now,
    )
    event = replace(events.with_reminders(event, now=ctx.now), channel_name=_channel_name(ctx))
    ctx.uow.events.save(event)
    announce(ctx, event)
    return message(
        paragraph("📅 Announced in this channel as event ", str(event.number), ":"),
        paragraph(*event_line(event, timezone=ctx.profile.timezone)),
        paragraph(
            "Members answer with its buttons. ",
            command(f"event-edit {event.number} at …"),
            " or ",
            command(f"event-cancel {event.number}"),
            " changes it; those going are told.",
        ),
    )


def _channel_name(ctx: Context) -> str:
    """The channel's name as the platform gave it with the command, to the width stored."""
    return ctx.channel_name[:CHANNEL_NAME_LENGTH]


def _cancel(ctx: Context, event: Event) -> Message:
    told = cancel(ctx, event)
    return message(
        paragraph(f"❌ Event {event.number} is cancelled; its post says so."),
        paragraph(f"I told {_members(told)} who had answered Going or Maybe, or were waiting."),
    )


def _edit(ctx: Context, event: Event, details: EventDetails) -> Message:
    starts_at = details.starts_at or event.starts_at
    length = details.duration or (event.ends_at - event.starts_at)
    edited = replace(
        event,
        title=details.title if details.title is not None else event.title,
        starts_at=starts_at,
        ends_at=starts_at + length,
        place=details.place if details.place is not None else event.place,
        limit=None if details.no_limit else (details.limit or event.limit),
        sequence=event.sequence + 1,
        # Edited in its channel: the platform's current name for it (renamed since, perhaps).
        channel_name=(ctx.channel == event.channel and _channel_name(ctx)) or event.channel_name,
    )
    if edited.starts_at != event.starts_at:
        edited = events.with_reminders(edited, now=ctx.now)
    ctx.uow.events.save(edited)
    take_up_seats(ctx, edited)
    refresh_post(ctx, edited, changed=True)
    told = notify(
        ctx,
        edited,
        lambda _zone: paragraph("✏️ “", UserText(edited.title, by=edited.creator), "” changed:"),
        answers=(Answer.GOING,),
        what="changed",
    )
    return message(
        paragraph(f"✏️ Event {event.number} is updated, and its post with it:"),
        paragraph(*event_line(edited, timezone=ctx.profile.timezone)),
        paragraph(f"I told {_members(told)} going, privately."),
    )


def _members(n: int) -> str:
    return f"{n} member" if n == 1 else f"{n} members"


def handle_events(ctx: Context, _: None) -> Message:
    assert ctx.channel is not None
    coming = ctx.uow.events.upcoming(ctx.channel, now=ctx.now)
    if not coming:
        return message(
            paragraph("No events coming up in this channel."),
            paragraph("Announce one: ", command(EXAMPLE)),
        )
    zone = ctx.profile.timezone
    return message(
        paragraph(f"📅 Coming up here (times in {zone}):"),
        bullets(*(paragraph(*event_line(e, timezone=zone)) for e in coming)),
        paragraph("Answer with the buttons on each event's post."),
    )


EVENT = CommandSpec(
    name="event",
    summary="Announce an event in this channel, with Going / Maybe / Can't go buttons.",
    usage='event "<title>" <when> [for <duration>] [at <place or link>] [limit <n>]',
    examples=(EXAMPLE,),
    args=(
        Arg("title", ArgKind.TEXT, "What it is, e.g. Rust night"),
        Arg("when", ArgKind.WHEN, "When it starts, e.g. friday 6pm"),
        *_FIELDS,
        Arg("limit", ArgKind.NUMBER, "How many can go", required=False, keyword="limit"),
    ),
    parse=parse_event,
    build=build_event,
    handle=handle_event,
    needs_channel=True,
    details=(
        "The post shows how many are going; who is going only those going and organisers "
        "see. With a limit, more Going answers join a waiting list that moves up when someone "
        "drops out. Once it is over, those going are asked who they met there: they pick "
        "others who went, and name people from outside, and each becomes a meeting. ",
        command("event-edit 3 when saturday 7pm"),
        " (or ",
        Code('title "…"'),
        ", ",
        Code("for 3 hours"),
        ", ",
        Code("at …"),
        ", ",
        Code("limit 30"),
        ") and ",
        command("event-cancel 3"),
        " are for its creator and organisers (typed on a line, ",
        Code("event edit 3 …"),
        " and ",
        Code("event cancel 3"),
        " work too).",
    ),
)

EVENT_EDIT = CommandSpec(
    name="event-edit",
    summary="Change an event you announced (or, as an organiser, any event here).",
    usage='event-edit <number> [title "…"] [when …] [for …] [at …] [limit <n> | none]',
    examples=("event-edit 1 at The Old Pub", "event-edit 1 when saturday 7pm limit 30"),
    args=(
        Arg("number", ArgKind.WORD, "The event's number from “events”"),
        Arg("title", ArgKind.TEXT, "A new title", required=False, keyword="title"),
        Arg("when", ArgKind.WHEN, "A new start, e.g. saturday 7pm", required=False),
        *_FIELDS,
        Arg("limit", ArgKind.WORD, "How many can go, or none", required=False, keyword="limit"),
    ),
    parse=parse_event_edit,
    build=build_event_edit,
    handle=handle_event,
    needs_channel=True,
    details="Those going are told what changed, with an updated calendar entry.",
)

EVENT_CANCEL = CommandSpec(
    name="event-cancel",
    summary="Cancel an event you announced (or, as an organiser, any event here).",
    usage="event-cancel <number>",
    examples=("event-cancel 1",),
    args=(Arg("number", ArgKind.WORD, "The event's number from “events”"),),
    parse=lambda text, env: cancel_request(text),
    build=build_event_cancel,
    handle=handle_event,
    needs_channel=True,
    details="Those who answered Going or Maybe, or were waiting, are told.",
)

EVENTS = CommandSpec(
    name="events",
    summary="Upcoming events in this channel, with their numbers.",
    usage="events",
    examples=("events",),
    parse=no_arguments,
    handle=handle_events,
    needs_channel=True,
)

SPECS = (EVENT, EVENTS, EVENT_EDIT, EVENT_CANCEL)

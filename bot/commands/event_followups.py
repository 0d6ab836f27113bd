"""After an event, "who did you meet there?" and its answer; before it, people to meet there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.base import ActionSpec, Context, PersonRef
from bot.commands.common import find_or_add_contact, person_inline
from bot.commands.parsing import check_length, distinct_people
from bot.commands.payloads import record_id
from bot.commands.people import listing
from bot.commands.when import format_day
from bot.core.contacts import log_meeting
from bot.core.errors import UserError
from bot.core.event_followups import MAX_PICKS, Attendance, few
from bot.core.events import Answer, Event, counts
from bot.core.identity import Channel, Member
from bot.core.message import (
    Block,
    ChannelRef,
    Choice,
    CommandRef,
    Inline,
    Mention,
    Message,
    Select,
    SelectOption,
    UserText,
    bullets,
    message,
    paragraph,
)
from bot.core.ports import UnitOfWork
from bot.core.records import Contact, Profile

ACTION_MET = "event.met"
OTHER_LABEL = "Someone from outside"
MAX_OUTSIDE = 10  # outside people named in one answer
MAX_NAME = 100  # characters in one outside person's name
_NAME_SEPARATOR = re.compile(r"[,;]")
_QUOTES = "\"'“”"
STATS_SINCE = timedelta(days=28)  # organisers' stats: events of the last four weeks, and coming
STATS_EVENTS = 10


def met_context(event: Event, *, timezone: str) -> str:
    """What a meeting at the event is logged with: "at Rust night (Fri 4 Dec)"."""
    return f"at {event.title} ({format_day(event.starts_at, timezone=timezone)})"


def _title(event: Event) -> UserText:
    return UserText(event.title, by=event.creator)


def who_did_you_meet(event: Event, others: Sequence[Profile]) -> Message:
    """By DM to each member who was going, once the event is over: the other attendees to pick
    from, a field for the names of people from outside, and a button for nobody."""
    options = tuple(
        SelectOption(UserText(p.display_name or p.member.user_id, by=p.member), p.member.user_id)
        for p in others[:MAX_PICKS]
    )
    head = (
        paragraph("👋 Who did you meet at “", _title(event), "”?")
        if others
        else paragraph("👋 How was “", _title(event), "”? Nobody else answered Going.")
    )
    return message(
        head,
        paragraph(
            "Pick them below" if others else "Met someone there? Add them below",
            ", and name anyone from outside (commas between names): each becomes a meeting in "
            "your contacts, and I'll check in with you a few days later, as for any ",
            CommandRef("met"),
            ".",
        ),
        choices=(Choice("Nobody this time", ACTION_MET, str(event.id)),),
        select=Select(
            ACTION_MET,
            str(event.id),
            "People you met there",
            options,
            len(options),
            other=OTHER_LABEL,
        ),
    )


def met_outside(ctx: Context, payload: str, typed: str) -> Message:
    """Names typed for people from outside the community: each becomes a contact (or the one
    already known by that name) and a meeting with the event as its context; a name already
    logged there is not logged twice."""
    event, mine = _asked(ctx, payload)
    people = outside_names(typed)
    context = met_context(event, timezone=ctx.profile.timezone)
    met = [find_or_add_contact(ctx, person) for person in people]
    met = [c for c in met if not _met_there(ctx, c, context)]
    for contact in met:
        log_meeting(
            ctx.uow, contact, context=context, now=ctx.now, policy=ctx.policy, quotes=event.creator
        )
    # Counted for the organisers' figures; the names stay in the member's own contacts.
    ctx.uow.event_followups.save(
        replace(mine, answered_at=mine.answered_at or ctx.now, outside=mine.outside + len(met))
    )
    if not met:
        return message(paragraph("That's what you had logged already."))
    due = format_day(ctx.now + ctx.policy.follow_up_after, timezone=ctx.profile.timezone)
    return message(
        paragraph(
            "🤝 Noted: you met ",
            *listing([person_inline(c) for c in met]),
            " at “",
            _title(event),
            "”.",
        ),
        paragraph(
            f"If nothing follows by {due}, I'll ask whether there's something you could send them."
        ),
    )


def _met_there(ctx: Context, contact: Contact, context: str) -> bool:
    return any(m.context == context for m in ctx.uow.meetings.list(ctx.invoker, about=contact.id))


def outside_names(typed: str) -> tuple[PersonRef, ...]:
    """People from outside, typed with commas (or semicolons) between them, each once."""
    parts = _NAME_SEPARATOR.split(typed.strip())
    names = [name for n in parts if (name := " ".join(n.strip().strip(_QUOTES).split()))]
    if not names:
        raise UserError("Type the name of someone you met there, like Ana from Acme.")
    if len(names) > MAX_OUTSIDE:
        raise UserError(
            f"That's {len(names):,} names; I log up to {MAX_OUTSIDE} at once. Nothing was saved."
        )
    check_length(typed.strip())
    if any("@" in name for name in names):
        raise UserError(
            "Write their names without @: these are people from outside. Pick members from the "
            "list instead. Nothing was saved."
        )
    if any(len(name) > MAX_NAME for name in names):
        raise UserError(f"A name here fits in {MAX_NAME} characters. Nothing was saved.")
    return distinct_people(PersonRef(None, name) for name in names)


def _asked(ctx: Context, payload: str) -> tuple[Event, Attendance]:
    """The event a pick is about and the invoker's row for it: only those asked may answer."""
    event_id = record_id(payload)
    event = None if event_id is None else ctx.uow.events.get_by_id(ctx.invoker.workspace, event_id)
    answers = () if event is None else ctx.uow.event_followups.attendance(event)
    mine = next((a for a in answers if a.member == ctx.invoker), None)
    if event is None or mine is None:
        raise UserError("That question is no longer here.")
    return event, mine


def press_nobody(ctx: Context, payload: str) -> Message:
    event, mine = _asked(ctx, payload)
    if mine.answered_at is None:
        ctx.uow.event_followups.save(replace(mine, answered_at=ctx.now))
    return message(
        paragraph(
            "👍 Noted, thanks. Next time, the suggestions before “", _title(event), "” may help."
        )
    )


def pick_met(ctx: Context, payload: str, picked: tuple[str, ...]) -> Message:
    """Each attendee picked becomes a meeting with the event as its context; picking again adds
    only those not logged already, so a repeated or widened pick logs nobody twice."""
    event, mine = _asked(ctx, payload)
    going = {
        r.member.user_id: r.member
        for r in ctx.uow.events.answers(event)
        if r.answer is Answer.GOING and r.member != ctx.invoker
    }
    if not picked or any(user_id not in going for user_id in picked):
        raise UserError("Pick people from the list: those who were going.")
    new = [going[user_id] for user_id in dict.fromkeys(picked) if user_id not in mine.met]
    context = met_context(event, timezone=ctx.profile.timezone)
    profiles = ctx.uow.profiles.get_many(new)
    for member in new:
        other = profiles.get(member)
        name = other.display_name if other is not None and other.display_name else member.user_id
        contact = find_or_add_contact(ctx, PersonRef(member.user_id, name))
        log_meeting(
            ctx.uow, contact, context=context, now=ctx.now, policy=ctx.policy, quotes=event.creator
        )
    ctx.uow.event_followups.save(
        replace(
            mine,
            answered_at=mine.answered_at or ctx.now,
            met=(*mine.met, *(m.user_id for m in new)),
        )
    )
    if not new:
        return message(paragraph("That's what you had logged already."))
    due = format_day(ctx.now + ctx.policy.follow_up_after, timezone=ctx.profile.timezone)
    return message(
        paragraph("🤝 Noted: you met ", *_listing(new), " at “", _title(event), "”."),
        paragraph(
            f"If nothing follows by {due}, I'll ask whether there's something you could send them."
        ),
    )


def _listing(members: Sequence[Member]) -> list[Inline]:
    parts: list[Inline] = []
    for index, member in enumerate(members):
        if index:
            parts.append(" and " if index == len(members) - 1 else ", ")
        parts.append(Mention(member))
    return parts


def suggestion_message(event: Event, others: Sequence[Profile], ice: Message) -> Message:
    """By DM to a member who asked: people going who asked too, then each one's ice-breaker
    from the viewer's own records (`ice`, the tips' ice-breaker message)."""
    return message(
        paragraph(
            "🤝 People to meet at “",
            _title(event),
            "”, who asked for suggestions too: ",
            *_listing([p.member for p in others]),
            ".",
        ),
        *ice.blocks,
    )


def event_figures(uow: UnitOfWork, event: Event) -> str:
    """Numbers only, each under five shown as "<5": going, maybe, can't go (shown nowhere
    else), attended (answered "who did you meet?"), and meetings logged there (attendees picked
    and people from outside named)."""
    tally = counts(uow.events.answers(event))
    answers = uow.event_followups.attendance(event)
    attended = sum(1 for a in answers if a.answered_at is not None)
    meetings = sum(a.meetings for a in answers)
    return (
        f"going {few(tally.going)} · maybe {few(tally.maybe)} · can't go {few(tally.no)} · "
        f"attended {few(attended)} · "
        f"meetings logged there {few(meetings)}"
    )


def event_stats(
    uow: UnitOfWork, channel: Channel, *, channel_name: str, since: datetime, timezone: str
) -> tuple[Block, ...]:
    """For organisers: each event in the channel since `since` (and those coming), in figures."""
    found = uow.event_followups.since(channel, since=since)[:STATS_EVENTS]
    if not found:
        return ()
    return (
        paragraph("Events in ", ChannelRef(channel, channel_name), ":"),
        bullets(
            *(
                paragraph(
                    f"{e.number} · “",
                    _title(e),
                    f"” ({format_day(e.starts_at, timezone=timezone)}): {event_figures(uow, e)}",
                )
                for e in found
            )
        ),
    )


def organiser_event_stats(ctx: Context) -> tuple[Block, ...]:
    """`stats` by an organiser in a channel: its events of the last few weeks and coming."""
    if not ctx.is_organiser or ctx.channel is None:
        return ()
    return event_stats(
        ctx.uow,
        ctx.channel,
        channel_name=ctx.channel_name,
        since=ctx.now - STATS_SINCE,
        timezone=ctx.profile.timezone,
    )


ACTIONS = (ActionSpec(ACTION_MET, press_nobody, pick=pick_met, other=met_outside),)

"""A suggested time for people about to meet (an intro, a pairing group), and for each of them
a calendar file of their own for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.commands.when import format_clock, format_moment, format_when
from bot.core.calendar import CalendarInvite, InviteMethod
from bot.core.meeting_time import MEETING_LENGTH, in_working_hours
from bot.core.message import Inline, Mention, Message, Paragraph, message, paragraph
from bot.core.outgoing import Outgoing
from bot.core.records import Profile


def suggested_time_line(slot: datetime, profiles: Sequence[Profile]) -> Paragraph:
    """ "Suggested time: Fri 27 Nov 2026, 10:00 UTC (11:00 for @ana, 19:00 for @ben)." """
    local_times: list[Inline] = []
    for index, profile in enumerate(profiles):
        clock = format_clock(slot, timezone=profile.timezone)
        local_times += [", " if index else "", f"{clock} for ", Mention(profile.member)]
    return paragraph(f"Suggested time: {format_moment(slot, timezone='UTC')} (", *local_times, ").")


def _names(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def meeting_invite(
    viewer: Profile,
    others: Sequence[Profile],
    *,
    slot: datetime,
    uid: str,
    filename: str,
    now: datetime,
) -> Message:
    """By DM to `viewer`: the time in their own zone, and the file that puts it in their
    calendar, titled with the others' display names (nothing else about them)."""
    who: list[Inline] = []
    for index, other in enumerate(others):
        who += [" and " if index else "", Mention(other.member)]
    invite = CalendarInvite(
        uid=uid,
        sequence=0,
        method=InviteMethod.REQUEST,
        title=f"Meet {_names([o.display_name or 'a member' for o in others])}",
        starts_at=slot,
        ends_at=slot + MEETING_LENGTH,
        location="",
        stamp=now,
        filename=filename,
    )
    minutes = int(MEETING_LENGTH.total_seconds() // 60)
    fits = all(in_working_hours(slot, p.timezone) for p in (viewer, *others))
    return message(
        paragraph(
            "🗓️ For your calendar: a time to meet ",
            *who,
            f" — {format_when(slot, timezone=viewer.timezone, now=now)}, for {minutes} minutes, "
            + ("inside everyone's working hours." if fits else "the time that suits most of you."),
        ),
        paragraph("Open the attached file to add it; if it doesn't suit, agree another time."),
        invite=invite,
    )


def queue_meeting_invites(
    outgoing: Outgoing,
    profiles: Sequence[Profile],
    *,
    slot: datetime,
    key: str,
    uid: str,
    filename: str,
    now: datetime,
) -> None:
    """Each of `profiles` gets their own invitation, outside their quiet hours. `uid` names
    the meeting; each member's file adds their id, so the same meeting imported into two
    people's calendars never collides, and a retry makes the same file."""
    for viewer in profiles:
        user = viewer.member.user_id
        outgoing.dm(
            viewer,
            meeting_invite(
                viewer,
                [p for p in profiles if p.member != viewer.member],
                slot=slot,
                uid=f"{uid}.{user}@networking-buddy",
                filename=filename,
                now=now,
            ),
            key=f"{key}:invite:{user}",
        )

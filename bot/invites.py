"""Calendar invitations as `.ics` files (RFC 5545, built with icalendar): the one place that
turns a message's neutral `CalendarInvite` into the attachment every messenger can send."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from bot.core.calendar import CalendarInvite, InviteMethod
from bot.core.message import Attachment, Message

PRODID = "-//Networking Buddy//Events//EN"


def ics_text(invite: CalendarInvite) -> str:
    """The invitation as an iCalendar file: times in UTC (so no VTIMEZONE is needed)."""
    import icalendar  # loaded by the first invitation sent: most processes never send one

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invite.method.value)
    event = icalendar.Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", invite.stamp.astimezone(UTC))
    event.add("dtstart", invite.starts_at.astimezone(UTC))
    event.add("dtend", invite.ends_at.astimezone(UTC))
    event.add("summary", invite.title)
    if invite.location:
        event.add("location", invite.location)
    cancelled = invite.method is InviteMethod.CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode()


def with_invite_file(message: Message) -> Message:
    """The message with its invitation as an `.ics` attachment (unchanged without one)."""
    if message.invite is None:
        return message
    attachment = Attachment(message.invite.filename, ics_text(message.invite))
    return replace(message, attachment=attachment, invite=None)

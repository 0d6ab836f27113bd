"""A calendar invitation as a neutral value: the outbox carries it, delivery makes the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class InviteMethod(StrEnum):
    """iCalendar's METHOD: an invitation (new or updated), or its cancellation."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class CalendarInvite:
    """One event for a member's calendar. The same `uid` with a higher `sequence` updates or
    (with CANCEL) removes the entry an earlier invitation made."""

    uid: str
    sequence: int
    method: InviteMethod
    title: str
    starts_at: datetime  # aware
    ends_at: datetime
    location: str
    stamp: datetime  # when the invitation was made (DTSTAMP)
    filename: str = "invite.ics"


def invite_to_json(invite: CalendarInvite) -> dict[str, Any]:
    return {
        "uid": invite.uid,
        "sequence": invite.sequence,
        "method": invite.method.value,
        "title": invite.title,
        "starts_at": invite.starts_at.isoformat(),
        "ends_at": invite.ends_at.isoformat(),
        "location": invite.location,
        "stamp": invite.stamp.isoformat(),
        "filename": invite.filename,
    }


def invite_from_json(data: dict[str, Any]) -> CalendarInvite:
    return CalendarInvite(
        uid=data["uid"],
        sequence=int(data["sequence"]),
        method=InviteMethod(data["method"]),
        title=data["title"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        location=data["location"],
        stamp=datetime.fromisoformat(data["stamp"]),
        filename=data["filename"],
    )

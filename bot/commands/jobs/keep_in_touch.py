"""The keep-in-touch nudge when a cadence runs out with no interaction logged."""

from __future__ import annotations

from datetime import datetime

from bot.commands.common import person_inline
from bot.commands.jobs.follow_ups import ACTION_LOG_GIVE
from bot.commands.when import format_day
from bot.core.contacts import reset_cadence
from bot.core.message import Choice, Message, message, paragraph
from bot.core.outgoing import Outgoing, key_time
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import Cadence, Contact, Profile
from bot.core.schedule import is_paused


def keep_in_touch_message(cadence: Cadence, contact: Contact, profile: Profile) -> Message:
    last = format_day(contact.last_touch_at, timezone=profile.timezone)
    return message(
        paragraph(
            f"🔁 It's been {cadence.every_days}+ days since you were in touch with ",
            person_inline(contact),
            f" (last: {last}). A quick hello, or something useful to pass on?",
        ),
        paragraph("Anything you log with them — met, note, give, a promise kept — resets this."),
        choices=(Choice("Log a give", ACTION_LOG_GIVE, str(contact.id)),),
    )


class KeepInTouch:
    """Cadences that ran out; the next nudge comes a full interval later (or sooner reset by any
    logged interaction). Nothing while paused."""

    name = "keep_in_touch"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.CADENCES, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.cadences.due(now=now, limit=limit)
        outgoing = Outgoing(now)
        for item in due:
            cadence = item.cadence
            uow.cadences.save(reset_cadence(cadence, now=now))
            if item.profile is None or is_paused(item.profile, now):
                continue
            outgoing.dm(
                item.profile,
                keep_in_touch_message(cadence, item.contact, item.profile),
                key=f"keep_in_touch:{cadence.id}:{key_time(cadence.due_at)}",
            )
        outgoing.queue(uow)
        return len(due)

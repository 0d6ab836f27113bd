"""Reminders to those going to an event: the day before (outside quiet hours) and an hour
before (at once, quiet hours or not: they asked to go)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.commands.event_posts import ACTION_SUGGEST, event_line
from bot.core.events import Answer, Event
from bot.core.message import Choice, Message, UserText, message, paragraph
from bot.core.outgoing import Outgoing
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.tips import first_meeting_tip


def reminder_message(event: Event, *, soon: bool, timezone: str) -> Message:
    when = "in an hour" if soon else "tomorrow"
    return message(
        paragraph(f"⏰ Coming up {when}: “", UserText(event.title, by=event.creator), "”"),
        paragraph(*event_line(event, timezone=timezone)),
        paragraph(
            "Would you like me to suggest a few people going that you could meet there? "
            "Only those who ask get suggestions, privately."
        ),
        # The day before and the hour before bring different tips, the same on a re-run; by the
        # event's number in its channel, never a global id (other workspaces show nowhere).
        paragraph("💡 ", *first_meeting_tip(2 * event.number + int(soon)).text),
        choices=(Choice("Suggest people to meet there", ACTION_SUGGEST, str(event.id)),),
    )


class EventReminders:
    """Each due reminder, once: the due time is cleared in the transaction that queues it, and
    each message's key is the event's and the member's, so a re-run queues nothing twice."""

    name = "event_reminders"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.EVENT_REMINDERS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.events.due_reminders(now=now, limit=limit)
        outgoing = Outgoing(now)
        answers = {event.id: uow.events.answers(event) for event in due}
        going = [r.member for rsvps in answers.values() for r in rsvps if r.answer is Answer.GOING]
        profiles = uow.profiles.get_many(going)  # one read, not one per answer
        for event in due:
            soon = event.hour_before_at is not None and event.hour_before_at <= now
            # The hour-before reminder makes the day-before one moot, if both fell due at once.
            uow.events.save(
                replace(event, hour_before_at=None, day_before_at=None)
                if soon
                else replace(event, day_before_at=None)
            )
            which = "hour_before" if soon else "day_before"
            for rsvp in answers[event.id]:
                profile = profiles.get(rsvp.member)
                if rsvp.answer is not Answer.GOING or profile is None:
                    continue
                msg = reminder_message(event, soon=soon, timezone=profile.timezone)
                key = f"event_reminder:{event.id}:{which}:{event.sequence}:{rsvp.member.user_id}"
                if soon:
                    outgoing.answer(rsvp.member, msg, key=key)
                else:
                    outgoing.dm(profile, msg, key=key)
        outgoing.queue(uow)
        return len(due)

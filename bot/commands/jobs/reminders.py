"""Promise reminders when due (with Done / Snooze buttons), and the day-before heads-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.commands.common import person_inline
from bot.commands.promises import ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK
from bot.commands.when import format_moment, format_when
from bot.core.message import Choice, ChoiceStyle, Message, Paragraph, UserText, message, paragraph
from bot.core.outgoing import Outgoing, key_time
from bot.core.ports import DueCheck, DueKind, DuePromise, UnitOfWork
from bot.core.records import Contact, Profile, Promise
from bot.core.schedule import in_quiet_hours, is_paused


def _promise_sentence(lead: str, promise: Promise, contact: Contact) -> Paragraph:
    return paragraph(
        f"{lead} promise #{promise.number}: send ",
        person_inline(contact),
        " “",
        UserText(promise.what),
        "”",
    )


def _done(promise: Promise) -> Choice:
    return Choice(f"Done #{promise.number}", ACTION_DONE, str(promise.id), ChoiceStyle.PRIMARY)


def reminder_message(
    promise: Promise, contact: Contact, *, profile: Profile, now: datetime
) -> Message:
    notes = []
    held = in_quiet_hours(profile, now)  # so it is read when they end, not now
    if promise.due_at is not None:
        when = format_when(promise.due_at, timezone=profile.timezone, now=now)
        if held:
            due = format_moment(promise.due_at, timezone=profile.timezone)
            notes.append(f"It was due {due}; I held it during your quiet hours.")
        elif abs(promise.due_at - now) < timedelta(minutes=1):
            notes.append("Due now.")
        else:
            notes.append(f"Was due {when}." if promise.due_at < now else f"Due {when}.")
    if promise.snoozes:
        notes.append("You snoozed it until now.")
    return message(
        _promise_sentence("⏰ Reminder —", promise, contact),
        paragraph(" ".join(notes)) if notes else None,
        choices=(
            _done(promise),
            Choice("Snooze a day", ACTION_SNOOZE_DAY, str(promise.id)),
            Choice("Snooze a week", ACTION_SNOOZE_WEEK, str(promise.id)),
        ),
    )


class PromiseReminders:
    """Every open promise whose reminder time has come, paused or not: the member set it."""

    name = "reminders"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.REMINDERS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.promises.due_reminders(now=now, limit=limit)
        outgoing = Outgoing(now)
        for item in due:
            promise = item.promise
            assert promise.remind_at is not None
            if item.profile is None:
                continue
            outgoing.dm(
                item.profile,
                reminder_message(promise, item.contact, profile=item.profile, now=now),
                key=f"reminder:{promise.id}:{key_time(promise.remind_at)}",
            )
        uow.promises.clear_reminders([item.promise.id for item in due])
        outgoing.queue(uow)
        return len(due)


class HeadsUps:
    """The day before a promise made well ahead falls due; not while paused, nor once past."""

    name = "heads_ups"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.HEADS_UPS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.promises.due_heads_ups(now=now, limit=limit)
        outgoing = Outgoing(now)
        for item in due:
            promise = item.promise
            assert promise.heads_up_at is not None
            if not _wants_heads_up(item, now):
                continue
            assert item.profile is not None and promise.due_at is not None
            when = format_when(promise.due_at, timezone=item.profile.timezone, now=now)
            outgoing.dm(
                item.profile,
                message(
                    _promise_sentence("⏳ Heads-up —", promise, item.contact),
                    paragraph(f"It's due {when}."),
                    choices=(_done(promise),),
                ),
                key=f"heads_up:{promise.id}:{key_time(promise.heads_up_at)}",
            )
        uow.promises.clear_heads_ups([item.promise.id for item in due])
        outgoing.queue(uow)
        return len(due)


def _wants_heads_up(item: DuePromise, now: datetime) -> bool:
    due_at = item.promise.due_at
    return (
        item.profile is not None
        and not is_paused(item.profile, now)
        and due_at is not None
        and due_at > now  # past due (the bot was down): the reminder says it all
    )

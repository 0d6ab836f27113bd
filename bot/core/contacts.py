"""Rules about contacts: an interaction refreshes a contact and its keep-in-touch clock; a
meeting also starts a follow-up clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.identity import Member
from bot.core.policy import Policy
from bot.core.ports import UnitOfWork
from bot.core.records import Cadence, Contact, Meeting


def reset_cadence(cadence: Cadence, *, now: datetime) -> Cadence:
    """The cadence restarted at `now`: next due a full interval later."""
    return replace(cadence, due_at=now + timedelta(days=cadence.every_days))


def record_interaction(
    uow: UnitOfWork, contact: Contact, *, now: datetime, followed_up: bool
) -> Contact:
    """Any interaction refreshes the contact and restarts its keep-in-touch clock; one that
    follows up (a give, a promise) also settles the follow-up nudge owed for it."""
    touched = replace(contact, last_touch_at=now)
    uow.contacts.save(touched)
    cadence = uow.cadences.get(contact.owner, contact.id)
    if cadence is not None:
        uow.cadences.save(reset_cadence(cadence, now=now))
    if followed_up:
        uow.meetings.clear_follow_ups(contact.owner, contact.id)
    return touched


def log_meeting(
    uow: UnitOfWork,
    contact: Contact,
    *,
    context: str,
    now: datetime,
    policy: Policy,
    quotes: Member | None = None,
) -> Meeting:
    """A meeting with the contact, typed by its owner or written by the bot (an intro made, a
    pairing met): one follow-up nudge, for the latest meeting, and a fresh keep-in-touch clock."""
    uow.meetings.clear_follow_ups(contact.owner, contact.id)
    meeting = uow.meetings.add(
        owner=contact.owner,
        contact_id=contact.id,
        met_at=now,
        context=context,
        follow_up_at=now + policy.follow_up_after,
        quotes=quotes,
    )
    record_interaction(uow, contact, now=now, followed_up=False)
    return meeting

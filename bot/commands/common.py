"""Helpers the command families share: resolving contacts, recording an interaction, and
the per-member rate limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.base import Context
from bot.commands.parsing import PersonRef
from bot.commands.replies import echo
from bot.core.errors import UserError
from bot.core.limits import Rate
from bot.core.message import Inline, Mention, UserText, command
from bot.core.records import Contact


def lookup_contact(ctx: Context, person: PersonRef) -> Contact | None:
    """The invoker's contact for this person, if they have one."""
    contacts = ctx.uow.contacts
    if person.user_id is not None:
        return contacts.find_member(ctx.invoker, person.user_id)
    return contacts.find_name(ctx.invoker, person.name)


def add_contact(ctx: Context, person: PersonRef) -> Contact:
    return ctx.uow.contacts.add(
        owner=ctx.invoker, name=person.name, member_user_id=person.user_id, now=ctx.now
    )


def find_or_add_contact(ctx: Context, person: PersonRef) -> Contact:
    """The invoker's contact for this person, created on first mention."""
    return lookup_contact(ctx, person) or add_contact(ctx, person)


def find_contact(ctx: Context, person: PersonRef) -> Contact:
    """An existing contact, or a friendly error that says how to add them."""
    found = lookup_contact(ctx, person)
    if found is None:
        raise UserError(
            f"{echo(person.name)} isn't among your contacts yet.",
            hint=("Log the meeting first, e.g. ", command("met @sam at PyCon"), "."),
        )
    return found


def record_interaction(ctx: Context, contact: Contact, *, followed_up: bool) -> Contact:
    """Any interaction refreshes the contact and restarts its keep-in-touch clock."""
    touched = replace(contact, last_touch_at=ctx.now)
    ctx.uow.contacts.save(touched)
    cadence = ctx.uow.cadences.get(ctx.invoker, contact.id)
    if cadence is not None:
        ctx.uow.cadences.save(replace(cadence, due_at=ctx.now + timedelta(days=cadence.every_days)))
    if followed_up:
        ctx.uow.meetings.clear_follow_ups(ctx.invoker, contact.id)
    return touched


def person_inline(contact: Contact) -> Inline:
    """A contact as shown to the member: a native mention for members, their name otherwise."""
    member = contact.member
    return Mention(member) if member is not None else UserText(contact.name)


def over_rate(
    ctx: Context, *, kind: str, rate: Rate, scope: str = ""
) -> tuple[int, datetime] | None:
    """When the invoker already did `kind` (in `scope`) as often as `rate` allows: how many
    times within its window, and when the next one is allowed; None while one more is."""
    recent = ctx.uow.usage.recent(ctx.invoker, kind=kind, scope=scope, since=ctx.now - rate.per)
    next_at = rate.next_allowed(recent, now=ctx.now)
    return None if next_at is None else (len(recent), next_at)


def count_use(ctx: Context, *, kind: str, rate: Rate, scope: str = "") -> None:
    """Record one `kind` for the invoker, kept only as long as `rate` looks back."""
    ctx.uow.usage.mark(ctx.invoker, kind=kind, scope=scope, now=ctx.now, keep=rate.per)

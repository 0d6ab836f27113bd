"""Helpers the command families share: resolving contacts and the per-member rate limits."""

from __future__ import annotations

from datetime import datetime

from bot.commands.base import Context
from bot.commands.parsing import PersonRef
from bot.commands.replies import echo
from bot.core.errors import UserError
from bot.core.identity import Member
from bot.core.limits import Rate
from bot.core.message import Inline, Mention, UserText, command
from bot.core.ports import UnitOfWork
from bot.core.records import Contact, Meeting


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


def example_name(ctx: Context) -> str:
    """Who the examples in a hint name: never the member reading it (a hint that tells Sam to
    `promise @sam …` is one the bot would refuse)."""
    me = {ctx.invoker.user_id.lower(), ctx.profile.display_name.lower()}
    return "ana" if "sam" in me else "sam"


def find_contact(ctx: Context, person: PersonRef) -> Contact:
    """An existing contact, or a friendly error that says how to add them."""
    found = lookup_contact(ctx, person)
    if found is None:
        named = echo(person.name) if person.user_id is None else Mention(fellow(ctx, person))
        raise UserError(
            (named, " isn't among your contacts yet."),
            hint=(
                "Log the meeting first, e.g. ",
                command(f"met @{example_name(ctx)} at PyCon"),
                ".",
            ),
        )
    return found


def fellow(ctx: Context, person: PersonRef) -> Member:
    """A mentioned person as the member of the invoker's workspace they are."""
    if person.user_id is None:
        raise ValueError("someone outside the workspace is not a member")
    return Member(ctx.invoker.platform, ctx.invoker.workspace_id, person.user_id)


def member_contact(
    uow: UnitOfWork, *, owner: Member, member: Member, name: str, now: datetime
) -> Contact:
    """`owner`'s contact for a fellow member, added (as `name`) when the bot logs their first
    meeting for them."""
    found = uow.contacts.find_member(owner, member.user_id)
    if found is not None:
        return found
    return uow.contacts.add(owner=owner, name=name, member_user_id=member.user_id, now=now)


def meeting_context(meeting: Meeting) -> tuple[Inline, ...]:
    """Where and how you met, as typed; a meeting an introduction made names its introducer
    as a mention (their reason, in their words, follows)."""
    # Meetings logged before intros kept only the reason wrote "introduced by Name: …" out.
    if meeting.quotes is None or meeting.context.startswith("introduced by "):
        return (UserText(meeting.context, by=meeting.quotes),)
    return (
        "introduced by ",
        Mention(meeting.quotes),
        ": ",
        UserText(meeting.context, by=meeting.quotes),
    )


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

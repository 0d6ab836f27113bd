"""`people @sam`: one person's whole history with the invoker, from the invoker's own records."""

from __future__ import annotations

from bot.commands.base import Context
from bot.commands.common import meeting_context, person_inline
from bot.commands.replies import capped
from bot.commands.when import format_day, format_when
from bot.core.message import Block, Message, Paragraph, UserText, command, message, paragraph
from bot.core.records import Contact, LedgerKind, PromiseStatus


def person_history(ctx: Context, contact: Contact) -> Message:
    """Meetings and their contexts, notes, promises open and kept, gives and the cadence:
    every list newest first (open promises soonest first), each capped."""
    sections = [
        _section("Meetings", _meetings(ctx, contact)),
        _section("Notes", _notes(ctx, contact)),
        _section("Open promises", _open_promises(ctx, contact)),
        _section("Promises kept", _kept_promises(ctx, contact)),
        _section("Gives", _gives(ctx, contact)),
    ]
    cadence = _cadence(ctx, contact)
    blocks = [block for section in sections for block in section]
    if not blocks and cadence is None:
        blocks = [paragraph("Nothing logged with them yet: ", command("note @person <text>"), ".")]
    tz = ctx.profile.timezone
    return message(
        paragraph(
            person_inline(contact),
            f" — your contact since {format_day(contact.created_at, timezone=tz)}, "
            f"last touch {format_day(contact.last_touch_at, timezone=tz)}.",
        ),
        *blocks,
        cadence,
    )


def _section(title: str, lines: list[Paragraph]) -> tuple[Block | None, ...]:
    if not lines:
        return ()
    return (paragraph(f"{title} ({len(lines)}):"), *capped(lines))


def _meetings(ctx: Context, contact: Contact) -> list[Paragraph]:
    tz = ctx.profile.timezone
    return [
        paragraph(
            format_day(meeting.met_at, timezone=tz),
            *((": ", *meeting_context(meeting)) if meeting.context else ()),
        )
        for meeting in ctx.uow.meetings.list(ctx.invoker, about=contact.id)
    ]


def _notes(ctx: Context, contact: Contact) -> list[Paragraph]:
    tz = ctx.profile.timezone
    return [
        paragraph(f"{format_day(note.created_at, timezone=tz)}: ", UserText(note.text))
        for note in reversed(ctx.uow.notes.list(ctx.invoker, about=contact.id))
    ]


def _open_promises(ctx: Context, contact: Contact) -> list[Paragraph]:
    tz = ctx.profile.timezone
    promises = ctx.uow.promises.list_open(ctx.invoker, about=contact.id)
    return [
        paragraph(
            f"#{p.number} ",
            UserText(p.what),
            " · no date"
            if p.due_at is None
            else f" · due {format_when(p.due_at, timezone=tz, now=ctx.now)}",
        )
        for p in promises
    ]


def _kept_promises(ctx: Context, contact: Contact) -> list[Paragraph]:
    tz = ctx.profile.timezone
    return [
        paragraph(
            UserText(p.what), f" · kept {format_day(p.closed_at or p.created_at, timezone=tz)}"
        )
        for p in reversed(ctx.uow.promises.list_all(ctx.invoker, about=contact.id))
        if p.status is PromiseStatus.DONE
    ]


def _gives(ctx: Context, contact: Contact) -> list[Paragraph]:
    tz = ctx.profile.timezone
    return [
        paragraph(f"{format_day(entry.at, timezone=tz)}: ", UserText(entry.what))
        for entry in reversed(ctx.uow.ledger.list(ctx.invoker, about=contact.id))
        if entry.kind is LedgerKind.GIVE
    ]


def _cadence(ctx: Context, contact: Contact) -> Paragraph | None:
    cadence = ctx.uow.cadences.get(ctx.invoker, contact.id)
    if cadence is None:
        return None
    due = format_when(cadence.due_at, timezone=ctx.profile.timezone, now=ctx.now)
    return paragraph(f"Keep in touch: every {cadence.every_days} days; next nudge {due}.")

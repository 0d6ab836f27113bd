"""Who you met: `met`, `people`, `note`, `keep-in-touch`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.commands.base import Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.common import (
    add_contact,
    example_name,
    find_contact,
    find_or_add_contact,
    lookup_contact,
    meeting_context,
    person_inline,
)
from bot.commands.give_ideas import owed, owed_line
from bot.commands.parsing import (
    PersonRef,
    check_length,
    check_person,
    distinct_people,
    no_arguments,
    require_text,
    starts_with_person,
    take_people,
    take_person,
)
from bot.commands.person_history import person_history
from bot.commands.replies import capped
from bot.commands.typed import person_arg, text_arg
from bot.commands.when import format_day, format_when, parse_interval
from bot.core.contacts import log_meeting, record_interaction
from bot.core.errors import UserError
from bot.core.message import (
    Code,
    Inline,
    Message,
    Paragraph,
    UserText,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.records import Contact, Meeting

PEOPLE_SHOWN = 25


@dataclass(frozen=True)
class MetRequest:
    people: tuple[PersonRef, ...]  # everyone met together, with the same context
    context: str


# Typed paths (Discord options, the Slack form) take up to three people; a line takes more.
MET_OTHERS = ("person_2", "person_3")


def parse_met(text: str, env: ParseEnv) -> MetRequest:
    people, rest = take_people(text, env, role="who you met")
    return _met(people, rest, env)


def build_met(args: Args, env: ParseEnv) -> MetRequest:
    # Whichever of the three fields were filled in; none at all is refused as "who?".
    given = (person_arg(args, name) for name in ("person", *MET_OTHERS))
    people: list[PersonRef | None] = [person for person in given if person is not None]
    return _met(people or [None], text_arg(args, "context"), env)


def _met(people: Sequence[PersonRef | None], context: str, env: ParseEnv) -> MetRequest:
    checked = (check_person(person, env, role="who you met") for person in people)
    return MetRequest(distinct_people(checked), check_length(context))


def handle_met(ctx: Context, req: MetRequest) -> Message:
    met = [find_or_add_contact(ctx, person) for person in req.people]
    meetings = [
        log_meeting(ctx.uow, contact, context=req.context, now=ctx.now, policy=ctx.policy)
        for contact in met
    ]
    follow_up_at = meetings[0].follow_up_at
    assert follow_up_at is not None  # a new meeting always owes a follow-up
    where = (" ", UserText(req.context)) if req.context else ()
    return message(
        paragraph("🤝 Noted: you met ", *listing([person_inline(c) for c in met]), *where, "."),
        paragraph(
            "If nothing follows by ",
            format_day(follow_up_at, timezone=ctx.profile.timezone),
            ", I'll ask whether there's something you could send them.",
        ),
    )


def listing(parts: Sequence[Inline]) -> tuple[Inline, ...]:
    """ "@sam", "@sam and @ana", "@sam, @ana and Jo"."""
    if len(parts) < 2:
        return tuple(parts)
    joined: list[Inline] = []
    for part in parts[:-2]:
        joined += [part, ", "]
    return (*joined, parts[-2], " and ", parts[-1])


MET = CommandSpec(
    name="met",
    summary="Log that you met someone, with where and how (kept private to you).",
    usage="met @person [@person …] [where / how]",
    examples=(
        "met @sam at PyCon — talked about Rust",
        'met "Ana Lima" at the Lisbon meetup',
        "met @sam @bob at the bar",
    ),
    args=(
        Arg("person", ArgKind.PERSON, "Who you met"),
        *(
            Arg(name, ArgKind.PERSON, "Someone else you met there", required=False)
            for name in MET_OTHERS
        ),
        Arg("context", ArgKind.TEXT, "Where and how you met", required=False),
    ),
    parse=parse_met,
    build=build_met,
    handle=handle_met,
    aliases=("meet",),
    details=(
        "People outside the community go in quotes. After the first person, quoted words are "
        "where and how you met (",
        command('met @sam "Rust night"'),
        "); someone else from outside joins with and or a comma (",
        command('met @sam and "Ana Lima" at the bar'),
        "). Only you ever see what you note.",
    ),
)


@dataclass(frozen=True)
class PeopleRequest:
    person: PersonRef | None = None  # one person's whole history
    search: str = ""  # otherwise: contacts whose name, notes or meeting contexts hold this


def parse_people(text: str, env: ParseEnv) -> PeopleRequest:
    if starts_with_person(text.strip()):
        person, rest = take_person(text, env, role="whose history to show")
        if rest:
            raise UserError(
                ("Just the person, please: ", command("people @sam"), "."),
                hint=(
                    "To search names, notes and places, leave out the @: ",
                    command("people sam"),
                    ".",
                ),
            )
        return build_people({"person": person}, env)
    return build_people({"search": text}, env)


def build_people(args: Args, env: ParseEnv) -> PeopleRequest:
    person = person_arg(args, "person")
    if person is not None:
        return PeopleRequest(person=check_person(person, env, role="whose history to show"))
    return PeopleRequest(search=check_length(text_arg(args, "search")))


def handle_people(ctx: Context, req: PeopleRequest) -> Message:
    if req.person is not None:
        return person_history(ctx, find_contact(ctx, req.person))
    search = req.search
    contacts = _matching_contacts(ctx, search)
    if not contacts:
        if search:
            return message(paragraph("No contacts match “", UserText(search), "”."))
        return message(
            paragraph("No contacts yet."),
            paragraph(
                "Log your first one: ",
                command(f"met @{example_name(ctx)} at PyCon — talked about Rust"),
                ".",
            ),
        )
    first_meeting: dict[int, Meeting] = {}
    for meeting in reversed(ctx.uow.meetings.list(ctx.invoker)):
        first_meeting.setdefault(meeting.contact_id, meeting)
    shown = contacts[:PEOPLE_SHOWN]
    open_count = ctx.uow.promises.open_per_contact(ctx.invoker, [c.id for c in shown])
    tz = ctx.profile.timezone
    lines = []
    for contact in shown:
        parts: list[Inline] = []
        first = first_meeting.get(contact.id)
        if first is not None:
            parts.append(f" — met {format_day(first.met_at, timezone=tz)}")
            if first.context:
                parts += [", ", *meeting_context(first)]
        parts.append(f"; last touch {format_day(contact.last_touch_at, timezone=tz)}")
        count = open_count.get(contact.id, 0)
        if count:
            parts.append(f"; {count} open promise{'s' if count > 1 else ''}")
        lines.append(paragraph(person_inline(contact), *parts))
    more = len(contacts) - PEOPLE_SHOWN
    return message(
        paragraph(f"Your contacts ({len(contacts)}):"),
        bullets(*lines),
        paragraph(f"…and {more} more: narrow it with ", command("people <name>"), ".")
        if more > 0
        else None,
        paragraph("One person's whole history with you: ", command("people @person"), "."),
    )


PEOPLE = CommandSpec(
    name="people",
    summary="Your contacts; one person's whole history with you; search names, notes, places.",
    usage="people [@person | search text]",
    examples=("people", "people @sam", "people pycon"),
    args=(
        Arg("person", ArgKind.PERSON, "One person's whole history with you", required=False),
        Arg("search", ArgKind.TEXT, "Part of a name, a note or where you met", required=False),
    ),
    parse=parse_people,
    build=build_people,
    handle=handle_people,
    aliases=("contacts",),
)


def _matching_contacts(ctx: Context, search: str) -> Sequence[Contact]:
    """Most recently touched first: by name, or by a note or a meeting's context."""
    contacts = ctx.uow.contacts
    if not search:
        return contacts.list(ctx.invoker)
    needle = search.casefold()
    named = {c.id for c in contacts.list(ctx.invoker, search=search)}
    noted = {n.contact_id for n in ctx.uow.notes.list(ctx.invoker) if needle in n.text.casefold()}
    met = {
        m.contact_id for m in ctx.uow.meetings.list(ctx.invoker) if needle in m.context.casefold()
    }
    found = named | noted | met
    return [c for c in contacts.list(ctx.invoker) if c.id in found]


@dataclass(frozen=True)
class NoteRequest:
    person: PersonRef
    text: str


def parse_note(text: str, env: ParseEnv) -> NoteRequest:
    person, rest = take_person(text, env, role="who the note is about")
    return build_note({"person": person, "text": rest}, env)


def build_note(args: Args, env: ParseEnv) -> NoteRequest:
    person = check_person(person_arg(args, "person"), env, role="who the note is about")
    example = "note @sam loves sourdough"
    return NoteRequest(
        person, require_text(text_arg(args, "text"), what="what to note", example=example)
    )


def handle_note(ctx: Context, req: NoteRequest) -> Message:
    found = lookup_contact(ctx, req.person)
    contact = found or add_contact(ctx, req.person)
    ctx.uow.notes.add(owner=ctx.invoker, contact_id=contact.id, text=req.text, now=ctx.now)
    record_interaction(ctx.uow, contact, now=ctx.now, followed_up=False)
    return message(
        paragraph("📝 Private note added to ", person_inline(contact), "."),
        None if found else _added(contact),
    )


def _added(contact: Contact) -> Paragraph:
    """Said whenever a command other than `met` adds a contact, so none appears unannounced."""
    return paragraph("➕ ", person_inline(contact), " wasn't among your contacts, so I added them.")


NOTE = CommandSpec(
    name="note",
    summary="Add a private note to a contact.",
    usage="note @person <text>",
    examples=("note @sam is hiring a data engineer in January",),
    args=(
        Arg("person", ArgKind.PERSON, "Who the note is about"),
        Arg("text", ArgKind.TEXT, "The note"),
    ),
    parse=parse_note,
    build=build_note,
    handle=handle_note,
)


@dataclass(frozen=True)
class CadenceRequest:
    person: PersonRef
    every: timedelta | None  # None: stop keeping in touch


def parse_keep_in_touch(text: str, env: ParseEnv) -> CadenceRequest | None:
    if not text.strip():
        return build_keep_in_touch({}, env)
    person, rest = take_person(text, env, role="who to keep in touch with")
    return build_keep_in_touch({"person": person, "every": rest}, env)


def build_keep_in_touch(args: Args, env: ParseEnv) -> CadenceRequest | None:
    """A cadence to set or stop; None (nothing given) to list them."""
    rest = text_arg(args, "every")
    if person_arg(args, "person") is None and not rest:
        return None
    person = check_person(person_arg(args, "person"), env, role="who to keep in touch with")
    if rest.lower() in {"off", "stop", "never"}:
        return CadenceRequest(person, None)
    if not rest:
        raise UserError(
            "How often?",
            hint=(
                "For example: ",
                command("keep-in-touch @sam every month"),
                " (or ",
                Code("… off"),
                ").",
            ),
        )
    return CadenceRequest(person, parse_interval(rest))


def handle_keep_in_touch(ctx: Context, req: CadenceRequest | None) -> Message:
    if req is None:
        return _cadences(ctx)
    if req.every is None:
        contact = find_contact(ctx, req.person)
        ctx.uow.cadences.delete(ctx.invoker, contact.id)
        return message(
            paragraph("OK, no more keep-in-touch nudges for ", person_inline(contact), ".")
        )
    found = lookup_contact(ctx, req.person)
    contact = found or add_contact(ctx, req.person)
    due_at = ctx.now + req.every
    existing = ctx.uow.cadences.get(ctx.invoker, contact.id)
    if existing is None:
        ctx.uow.cadences.add(
            owner=ctx.invoker, contact_id=contact.id, every_days=req.every.days, due_at=due_at
        )
    else:
        ctx.uow.cadences.save(replace(existing, every_days=req.every.days, due_at=due_at))
    return message(
        paragraph(
            f"🔁 I'll nudge you when {req.every.days} days pass without contact with ",
            person_inline(contact),
            f". Next: {format_when(due_at, timezone=ctx.profile.timezone, now=ctx.now)}.",
        ),
        None if found else _added(contact),
        paragraph("Anything you log with them — met, note, give, a promise kept — resets it."),
    )


def _cadences(ctx: Context) -> Message:
    """The invoker's cadences, the next nudge first."""
    cadences = sorted(ctx.uow.cadences.list(ctx.invoker), key=lambda c: (c.due_at, c.id))
    if not cadences:
        return message(
            paragraph("You keep in touch with nobody yet."),
            paragraph("Start with ", command("keep-in-touch @sam every month"), "."),
        )
    contacts = ctx.uow.contacts.get_many(ctx.invoker, (c.contact_id for c in cadences))
    tz = ctx.profile.timezone
    lines = [
        paragraph(
            person_inline(contacts[c.contact_id]),
            f": every {c.every_days} days; next {format_when(c.due_at, timezone=tz, now=ctx.now)}",
        )
        for c in cadences
        if c.contact_id in contacts
    ]
    return message(
        paragraph(f"Your keep-in-touch cadences ({len(lines)}), the next nudge first:"),
        *capped(lines),
        paragraph("Stop one with ", command("keep-in-touch @person off"), "."),
    )


KEEP_IN_TOUCH = CommandSpec(
    name="keep-in-touch",
    summary="A stay-in-touch cadence; any logged interaction resets it.",
    usage="keep-in-touch [@person every <interval>]",
    examples=("keep-in-touch @sam every month", "keep-in-touch @sam off", "keep-in-touch"),
    args=(
        Arg("person", ArgKind.PERSON, "Who to keep in touch with", required=False),
        Arg("every", ArgKind.INTERVAL, "How often, e.g. 2 weeks", False, "every"),
    ),
    details="Alone, it lists your cadences and when each is next due.",
    parse=parse_keep_in_touch,
    build=build_keep_in_touch,
    handle=handle_keep_in_touch,
    aliases=("keep", "kit"),
)


def handle_follow_ups(ctx: Context, _: None) -> Message:
    waiting = owed(ctx.uow, ctx.profile, now=ctx.now, policy=ctx.policy)
    days = ctx.policy.give_window.days
    if not waiting:
        return message(paragraph(f"Nobody you met in the last {days} days is waiting on you. ✨"))
    return message(
        paragraph(f"Met in the last {days} days, nothing promised or given since:"),
        *capped([owed_line(item, timezone=ctx.profile.timezone) for item in waiting]),
        paragraph(
            command("promise @person …"), " or ", command("give @person …"), " when you follow up."
        ),
    )


FOLLOW_UPS = CommandSpec(
    name="follow-ups",
    summary="Who you met lately and haven't followed up with yet.",
    usage="follow-ups",
    examples=("follow-ups",),
    parse=no_arguments,
    handle=handle_follow_ups,
    aliases=("waiting",),
)

SPECS = (MET, PEOPLE, NOTE, KEEP_IN_TOUCH, FOLLOW_UPS)

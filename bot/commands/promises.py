"""What you promised: `promise`, `promises`, `done`, `snooze`, `drop`, `edit`, `undo`, buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.commands.base import ActionSpec, Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.common import example_name, find_or_add_contact, person_inline
from bot.commands.parsing import (
    PersonRef,
    check_length,
    check_number,
    check_person,
    no_arguments,
    require_text,
    take_number,
    take_person,
)
from bot.commands.payloads import record_id
from bot.commands.replies import capped
from bot.commands.trailing_when import TrailingWhen, read_trailing_when
from bot.commands.typed import number_arg, person_arg, text_arg, when_arg
from bot.commands.when import (
    check_instant,
    example_dates,
    format_clock,
    format_day,
    format_when,
)
from bot.core.contacts import record_interaction
from bot.core.errors import UserError
from bot.core.limits import LIST_SHOWN
from bot.core.message import (
    Choice,
    ChoiceStyle,
    Code,
    Inline,
    Message,
    Paragraph,
    UserText,
    command,
    message,
    paragraph,
)
from bot.core.promises import (
    changed,
    closed,
    heads_up_time,
    is_snoozed,
    numbers_held_since,
    undo_since,
    undone,
)
from bot.core.records import Contact, LedgerKind, Promise, PromiseAction, PromiseStatus

ACTION_DONE = "promise.done"
ACTION_SNOOZE_DAY = "promise.snooze_day"
ACTION_SNOOZE_WEEK = "promise.snooze_week"
ACTION_TAKE_DUE = "promise.take_due"
ACTION_KEEP_WORDS = "promise.keep_words"


@dataclass(frozen=True)
class PromiseRequest:
    person: PersonRef
    what: str
    due_at: datetime | None
    offer: TrailingWhen | None = None  # the other reading of the words, offered on a button


_PROMISE_EXAMPLE = "promise @sam the slides by friday"


def build_promise(args: Args, env: ParseEnv) -> PromiseRequest:
    """The promise typed values stand for: "what" kept whole, "when" read whole or refused."""
    person = check_person(person_arg(args, "person"), env, role="who you promised")
    what = require_text(text_arg(args, "what"), what="what you promised", example=_PROMISE_EXAMPLE)
    return PromiseRequest(person, what, when_arg(args, "when", env))


def parse_promise(text: str, env: ParseEnv) -> PromiseRequest:
    """`@sam <what> [by / in / on / at <when>]`: a time phrase ending the line is read whole;
    an ending that could be text or time is kept as text, with the time reading offered."""
    person, rest = take_person(text, env, role="who you promised")
    rest = require_text(rest, what="what you promised", example=_PROMISE_EXAMPLE)
    reading = read_trailing_when(rest, now=env.now, timezone=env.timezone)
    if not reading.what:  # "promise @sam by friday": a time, but nothing promised
        raise UserError(
            "Tell me what you promised.", hint=("For example: ", command(_PROMISE_EXAMPLE))
        )
    if reading.unsure:
        return replace(build_promise({"person": person, "what": rest}, env), offer=reading)
    when = {} if reading.due is None else {"when": reading.due}
    return build_promise({"person": person, "what": reading.what, **when}, env)


def handle_promise(ctx: Context, req: PromiseRequest) -> Message:
    held_since = numbers_held_since(now=ctx.now, policy=ctx.policy)
    numbering = ctx.uow.promises.numbering(ctx.invoker, closed_since=held_since)
    most, count = ctx.policy.max_open_promises, numbering.open_count
    if count >= most:
        raise UserError(
            f"You have {count:,} open promises already; I keep up to {most} at once, so I "
            "haven't saved this one.",
            hint=(
                command("done <number>"),
                " the ones you kept, or ",
                command("drop <number>"),
                " those that no longer matter, and then make it again.",
            ),
        )
    contact = find_or_add_contact(ctx, req.person)
    already = ctx.uow.promises.open_same(ctx.invoker, contact.id, req.what)
    number = numbering.next_number
    heads_up = (
        heads_up_time(made_at=ctx.now, due_at=req.due_at, policy=ctx.policy) if req.due_at else None
    )
    promise = ctx.uow.promises.add(
        owner=ctx.invoker,
        contact_id=contact.id,
        what=req.what,
        number=number,
        now=ctx.now,
        due_at=req.due_at,
        remind_at=req.due_at,
        heads_up_at=heads_up,
    )
    record_interaction(ctx.uow, contact, now=ctx.now, followed_up=True)
    head = paragraph(
        f"✅ Promise #{number}: send ", person_inline(contact), " “", UserText(req.what), "”"
    )
    if req.offer is not None:
        return _offer(ctx, head, promise, req.offer)
    if req.due_at is None:
        due = paragraph(
            "No date given, so no reminder: it will show in ",
            command("promises"),
            " and your digest.",
        )
    else:
        when = format_when(req.due_at, timezone=ctx.profile.timezone, now=ctx.now)
        due = paragraph(f"Due {when}. I'll remind you by DM then.")
    warning = (_duplicate_warning(already, contact, number),) if already else ()
    return message(head, due, *warning)


def _duplicate_warning(earlier: Promise, contact: Contact, number: int) -> Paragraph:
    return paragraph(
        f"⚠️ You already have #{earlier.number} “",
        UserText(earlier.what),
        "” open for ",
        person_inline(contact),
        ". If this is the same promise, ",
        command(f"drop {number}"),
        ".",
    )


def _offer(ctx: Context, head: Paragraph, promise: Promise, offer: TrailingWhen) -> Message:
    """The promise as kept (all the words, no date), and a button for the other reading."""
    if offer.due is None:
        raise ValueError("an offered reading has a due time")
    zone = ctx.profile.timezone
    return message(
        head,
        paragraph("I couldn't tell whether its end is a time, so it has no date for now."),
        paragraph(
            "Or did you mean “",
            UserText(offer.what),
            f"”, due {format_when(offer.due, timezone=zone, now=ctx.now)}?",
        ),
        choices=(
            Choice(
                f"Due {format_day(offer.due, timezone=zone)}, "
                f"{format_clock(offer.due, timezone=zone)}",
                ACTION_TAKE_DUE,
                str(promise.id),
                ChoiceStyle.PRIMARY,
            ),
            Choice("No date, keep the words", ACTION_KEEP_WORDS, str(promise.id)),
        ),
    )


def _promise_details(now: datetime, *, timezone: str) -> tuple[Inline, ...]:
    """How times are read, with dates made from today, so none shown is past or refused."""
    phrases = ("friday", "next friday", "tomorrow 9am", "in 2 days", "in 1 minute")
    times: list[Inline] = []
    for phrase in (*phrases, *example_dates(now, timezone=timezone)):
        times += [Code(phrase), ", "]
    return (
        "Times are read in your time zone (",
        command("settings timezone Europe/Paris"),
        "): ",
        *times[:-1],
        ". A time ending the line is read whole; when I can't tell whether it is a time, I keep "
        "all your words and ask with two buttons.",
    )


PROMISE = CommandSpec(
    name="promise",
    summary="Remember what you promised to send someone, and get reminded.",
    usage="promise @person <what> [by / in / on / at <when>]",
    examples=(
        "promise @sam the Rust talk slides by friday",
        'promise "Ana Lima" an intro to Jo in 2 days',
    ),
    args=(
        Arg("person", ArgKind.PERSON, "Who you promised"),
        Arg("what", ArgKind.TEXT, "What you promised to send"),
        Arg("when", ArgKind.WHEN, "When, e.g. friday, in 2 days", required=False, keyword="by"),
    ),
    parse=parse_promise,
    build=build_promise,
    handle=handle_promise,
    details=lambda now, timezone: _promise_details(now, timezone=timezone),
)


def promise_line(
    promise: Promise, contact: Contact | None, *, timezone: str, now: datetime
) -> Paragraph:
    """One open promise in a list: its number, what, for whom, and when you will hear of it."""
    to = (" → ", person_inline(contact)) if contact else ()
    due = promise.due_at
    due_text = "" if due is None else format_when(due, timezone=timezone, now=now)
    if is_snoozed(promise):
        assert promise.remind_at is not None
        reminder = format_when(promise.remind_at, timezone=timezone, now=now)
        when = f" · 😴 reminder {reminder}"
        if due is not None:
            when += f" · {'was due' if due <= now else 'due'} {due_text}"
    elif due is None:
        when = " · no date"
    else:
        when = f" · due {due_text}" + (" ⏰ overdue" if due <= now else "")
    return paragraph(f"#{promise.number} ", UserText(promise.what), *to, when)


def done_choices(promises: list[Promise]) -> tuple[Choice, ...]:
    return tuple(
        Choice(f"Done #{p.number}", ACTION_DONE, str(p.id), ChoiceStyle.PRIMARY)
        for p in promises[:5]
    )


def handle_promises(ctx: Context, _: None) -> Message:
    # The soonest few and a count: a member with hundreds open gets one short reply.
    open_promises = list(ctx.uow.promises.list_open(ctx.invoker, limit=LIST_SHOWN))
    if not open_promises:
        return message(
            paragraph("No open promises. 🎈"),
            paragraph(
                "Made one in a conversation? ",
                command(f"promise @{example_name(ctx)} the slides by friday"),
                ".",
            ),
        )
    # A list shorter than the most shown is all of them: counted only when there may be more.
    shown_all = len(open_promises) < LIST_SHOWN
    total = len(open_promises) if shown_all else ctx.uow.promises.count_open(ctx.invoker)
    contacts = ctx.uow.contacts.get_many(ctx.invoker, (p.contact_id for p in open_promises))
    lines = [
        promise_line(p, contacts.get(p.contact_id), timezone=ctx.profile.timezone, now=ctx.now)
        for p in open_promises
    ]
    return message(
        paragraph(f"Your open promises ({total:,}), soonest first:"),
        *capped(lines, total=total),
        paragraph(
            command("done <number>"),
            " when kept, ",
            command("snooze <number> <when>"),
            ", ",
            command("drop <number>"),
            ".",
        ),
        choices=done_choices(open_promises),
    )


PROMISES = CommandSpec(
    name="promises",
    summary="Your open promises, soonest first, each with a short number.",
    usage="promises",
    examples=("promises",),
    parse=no_arguments,
    handle=handle_promises,
    aliases=("todo",),
)


def _open_promise(ctx: Context, number: int) -> Promise:
    promise = ctx.uow.promises.get_open(ctx.invoker, number)
    if promise is not None:
        return promise
    since = numbers_held_since(now=ctx.now, policy=ctx.policy)
    closed = ctx.uow.promises.last_closed(ctx.invoker, number, since=since)
    if closed is None:
        raise UserError(
            f"You have no open promise #{number}.",
            hint=(command("promises"), " lists your open promises with their numbers."),
        )
    how = "kept" if closed.status is PromiseStatus.DONE else "dropped"
    assert closed.closed_at is not None
    when = format_when(closed.closed_at, timezone=ctx.profile.timezone, now=ctx.now)
    raise UserError(
        (f"#{number} was “", UserText(closed.what), f"”, {how} {when}: it is closed already."),
        hint=(command("promises"), " lists your open promises with their numbers."),
    )


def _keep(ctx: Context, promise: Promise) -> Message:
    kept = closed(promise, status=PromiseStatus.DONE, now=ctx.now)
    give = ctx.uow.ledger.add(
        owner=ctx.invoker,
        kind=LedgerKind.GIVE,
        what=promise.what,
        contact_id=promise.contact_id,
        now=ctx.now,
    )
    done = PromiseAction.DONE
    ctx.uow.promises.save(changed(promise, kept, action=done, now=ctx.now, give_id=give.id))
    contact = ctx.uow.contacts.get(ctx.invoker, promise.contact_id)
    if contact is not None:
        record_interaction(ctx.uow, contact, now=ctx.now, followed_up=True)
    on_time = promise.due_at is None or ctx.now <= promise.due_at
    since = ctx.now - ctx.policy.give_window
    gives = ctx.uow.ledger.count(ctx.invoker, LedgerKind.GIVE, since=since)
    return message(
        paragraph(
            "🎉 Kept",
            " on time" if on_time and promise.due_at else "",
            ": “",
            UserText(promise.what),
            "”",
            *((" for ", person_inline(contact)) if contact else ()),
            ".",
        ),
        paragraph(
            f"That counts as a give: {gives} in the last {ctx.policy.give_window.days} days."
        ),
    )


def handle_done(ctx: Context, number: int) -> Message:
    return _keep(ctx, _open_promise(ctx, number))


def number_only(name: str) -> Callable[[str, ParseEnv], int]:
    """`<name> <number>` and nothing more; a refusal shows the command as it should be."""

    def parse(text: str, env: ParseEnv) -> int:
        number, rest = take_number(text)
        if rest:
            raise UserError(("Just the number, please: ", command(f"{name} {number}"), "."))
        return number

    return parse


def build_number_only(args: Args, env: ParseEnv) -> int:
    number = number_arg(args, "number")  # typed: checked as a number, never re-read as text
    return check_number(number, shown="" if number is None else str(number))


DONE = CommandSpec(
    name="done",
    summary="Mark a promise as kept (it counts as a give).",
    usage="done <number>",
    examples=("done 1",),
    args=(Arg("number", ArgKind.NUMBER, "The promise's number from “promises”"),),
    parse=number_only("done"),
    build=build_number_only,
    handle=handle_done,
    aliases=("kept",),
)


@dataclass(frozen=True)
class SnoozeRequest:
    number: int
    until: datetime


def parse_snooze(text: str, env: ParseEnv) -> SnoozeRequest:
    number, rest = take_number(text)
    return build_snooze({"number": number, "when": rest}, env)


def build_snooze(args: Args, env: ParseEnv) -> SnoozeRequest:
    number = build_number_only(args, env)
    until = when_arg(args, "when", env)
    if until is None:
        raise UserError(
            "Tell me until when.", hint=("For example: ", command(f"snooze {number} tomorrow 9am"))
        )
    return SnoozeRequest(number, until)


def _snooze(ctx: Context, promise: Promise, until: datetime) -> Message:
    snoozed = replace(promise, remind_at=until, heads_up_at=None, snoozes=promise.snoozes + 1)
    ctx.uow.promises.save(changed(promise, snoozed, action=PromiseAction.SNOOZE, now=ctx.now))
    when = format_when(until, timezone=ctx.profile.timezone, now=ctx.now)
    return message(
        paragraph(
            f"😴 I'll remind you about #{promise.number} “", UserText(promise.what), f"” {when}."
        )
    )


def handle_snooze(ctx: Context, req: SnoozeRequest) -> Message:
    return _snooze(ctx, _open_promise(ctx, req.number), req.until)


SNOOZE = CommandSpec(
    name="snooze",
    summary="Move a promise's reminder.",
    usage="snooze <number> <when>",
    examples=("snooze 1 monday 10am", "snooze 2 in 3 days"),
    args=(
        Arg("number", ArgKind.NUMBER, "The promise's number from “promises”"),
        Arg("when", ArgKind.WHEN, "When to remind you, e.g. tomorrow 9am"),
    ),
    parse=parse_snooze,
    build=build_snooze,
    handle=handle_snooze,
)


def handle_drop(ctx: Context, number: int) -> Message:
    promise = _open_promise(ctx, number)
    dropped = closed(promise, status=PromiseStatus.DROPPED, now=ctx.now)
    ctx.uow.promises.save(changed(promise, dropped, action=PromiseAction.DROP, now=ctx.now))
    return message(
        paragraph(f"Dropped #{number} “", UserText(promise.what), "”. No more reminders.")
    )


DROP = CommandSpec(
    name="drop",
    summary="Cancel a promise.",
    usage="drop <number>",
    examples=("drop 2",),
    args=(Arg("number", ArgKind.NUMBER, "The promise's number from “promises”"),),
    parse=number_only("drop"),
    build=build_number_only,
    handle=handle_drop,
    aliases=("cancel",),
)


@dataclass(frozen=True)
class EditRequest:
    number: int
    what: str | None  # None: the text stays
    due_at: datetime | None  # None: the due time stays


def parse_edit(text: str, env: ParseEnv) -> EditRequest:
    """`<number> <new text>` or `<number> due <when>`."""
    number, rest = take_number(text)
    head, _, when = rest.partition(" ")
    if head.lower() == "due":
        return build_edit({"number": number, "when": when}, env)
    return build_edit({"number": number, "what": rest}, env)


def build_edit(args: Args, env: ParseEnv) -> EditRequest:
    number = build_number_only(args, env)
    what = text_arg(args, "what")
    due_at = when_arg(args, "when", env)
    if not what and due_at is None:
        raise UserError(
            "Tell me the new text, or due and the new time.",
            hint=(
                "For example: ",
                command(f"edit {number} the slides and the recording"),
                " or ",
                command(f"edit {number} due monday 10am"),
            ),
        )
    return EditRequest(number, check_length(what) if what else None, due_at)


def handle_edit(ctx: Context, req: EditRequest) -> Message:
    promise = _open_promise(ctx, req.number)
    edited = promise
    if req.what is not None:
        edited = replace(edited, what=req.what)
    if req.due_at is not None:
        heads_up = heads_up_time(made_at=ctx.now, due_at=req.due_at, policy=ctx.policy)
        edited = replace(edited, due_at=req.due_at, remind_at=req.due_at, heads_up_at=heads_up)
    ctx.uow.promises.save(changed(promise, edited, action=PromiseAction.EDIT, now=ctx.now))
    head = paragraph(f"✏️ #{promise.number} is now “", UserText(edited.what), "”.")
    if edited.due_at is None or req.due_at is None:
        return message(head)
    when = format_when(edited.due_at, timezone=ctx.profile.timezone, now=ctx.now)
    return message(head, paragraph(f"Due {when}. I'll remind you by DM then."))


EDIT = CommandSpec(
    name="edit",
    summary="Change a promise's text or due time.",
    usage="edit <number> <new text> | edit <number> due <when>",
    examples=("edit 1 the slides and the recording", "edit 1 due monday 10am"),
    args=(
        Arg("number", ArgKind.NUMBER, "The promise's number from “promises”"),
        Arg("what", ArgKind.TEXT, "The new text", required=False),
        Arg(
            "when",
            ArgKind.WHEN,
            "The new due time, e.g. monday 10am",
            required=False,
            keyword="due",
        ),
    ),
    parse=parse_edit,
    build=build_edit,
    handle=handle_edit,
)


_UNDONE = {
    PromiseAction.DONE: "↩️ #{n} is open again; it no longer counts as a give.",
    PromiseAction.DROP: "↩️ #{n} is open again.",
    PromiseAction.SNOOZE: "↩️ The snooze of #{n} is taken back.",
    PromiseAction.EDIT: "↩️ #{n} is back as it was.",
}


def handle_undo(ctx: Context, _: None) -> Message:
    since = undo_since(now=ctx.now, policy=ctx.policy)
    promise = ctx.uow.promises.last_changed(ctx.invoker, since=since)
    if promise is None or promise.undo is None:
        minutes = int(ctx.policy.undo_window.total_seconds() // 60)
        raise UserError(
            f"Nothing to undo: I take back a done, drop, snooze or edit for {minutes} minutes.",
            hint=(command("promises"), " lists your open promises."),
        )
    action, give_id = promise.undo.action, promise.undo.give_id
    if give_id is not None:
        ctx.uow.ledger.delete(ctx.invoker, give_id)
    restored = undone(promise)
    ctx.uow.promises.save(restored)
    contact = ctx.uow.contacts.get(ctx.invoker, restored.contact_id)
    return message(
        paragraph(_UNDONE[action].format(n=restored.number)),
        promise_line(restored, contact, timezone=ctx.profile.timezone, now=ctx.now),
    )


UNDO = CommandSpec(
    name="undo",
    summary="Take back your last done, drop, snooze or edit (within 10 minutes).",
    usage="undo",
    examples=("undo",),
    parse=no_arguments,
    handle=handle_undo,
)


def _pressed_promise(ctx: Context, payload: str) -> Promise | None:
    promise_id = record_id(payload)
    promise = None if promise_id is None else ctx.uow.promises.get(ctx.invoker, promise_id)
    if promise is None:
        raise UserError("I couldn't find that promise among yours.")
    if promise.status is not PromiseStatus.OPEN:
        return None
    return promise


def press_done(ctx: Context, payload: str) -> Message:
    promise = _pressed_promise(ctx, payload)
    if promise is None:
        return message(paragraph("That promise is already closed. ✔️"))
    return _keep(ctx, promise)


def _press_snooze(action: str, delay: timedelta) -> ActionSpec:
    def press(ctx: Context, payload: str) -> Message:
        promise = _pressed_promise(ctx, payload)
        if promise is None:
            return message(paragraph("That promise is already closed. ✔️"))
        return _snooze(ctx, promise, ctx.now + delay)

    return ActionSpec(action, press)


def press_take_due(ctx: Context, payload: str) -> Message:
    """The offered reading, read again from the promise's own words as they were made."""
    promise = _pressed_promise(ctx, payload)
    if promise is None:
        return message(paragraph("That promise is already closed. ✔️"))
    if promise.due_at is not None:
        return message(paragraph(f"#{promise.number} already has a due time."))
    zone = ctx.profile.timezone
    offer = read_trailing_when(promise.what, now=promise.created_at, timezone=zone)
    if not offer.unsure or offer.due is None:
        raise UserError(f"#{promise.number} has changed since; I have no other reading of it.")
    due = check_instant(offer.due, now=ctx.now, timezone=zone)
    heads_up = heads_up_time(made_at=ctx.now, due_at=due, policy=ctx.policy)
    ctx.uow.promises.save(
        replace(promise, what=offer.what, due_at=due, remind_at=due, heads_up_at=heads_up)
    )
    when = format_when(due, timezone=zone, now=ctx.now)
    return message(
        paragraph(f"⏰ #{promise.number} “", UserText(offer.what), f"” is due {when}."),
        paragraph("I'll remind you by DM then."),
    )


def press_keep_words(ctx: Context, payload: str) -> Message:
    promise = _pressed_promise(ctx, payload)
    if promise is None:
        return message(paragraph("That promise is already closed. ✔️"))
    return message(
        paragraph(f"Kept as it is: #{promise.number} “", UserText(promise.what), "”, no date.")
    )


SPECS = (PROMISE, PROMISES, DONE, SNOOZE, DROP, EDIT, UNDO)
ACTIONS = (
    ActionSpec(ACTION_DONE, press_done),
    ActionSpec(ACTION_TAKE_DUE, press_take_due),
    ActionSpec(ACTION_KEEP_WORDS, press_keep_words),
    _press_snooze(ACTION_SNOOZE_DAY, timedelta(days=1)),
    _press_snooze(ACTION_SNOOZE_WEEK, timedelta(days=7)),
)

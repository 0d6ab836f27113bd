"""Your data is yours: `export` and `forget-me`."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.commands.base import ActionSpec, CommandSpec, Context, ParseEnv
from bot.commands.common import count_use, over_rate
from bot.commands.event_posts import leave_events
from bot.commands.parsing import no_arguments
from bot.commands.when import format_when
from bot.core.errors import UserError
from bot.core.identity import Member
from bot.core.message import (
    Attachment,
    Choice,
    ChoiceStyle,
    Message,
    command,
    message,
    paragraph,
)
from bot.core.records import Intro, IntroStatus

ACTION_FORGET = "forget.confirm"
EXPORT_FILENAME = "buddy-export.json"
EXPORTED = "export"  # usage mark: an export sent
QUEUED_SHOWN = 200


def export_data(ctx: Context) -> dict[str, Any]:
    """Everything held about the invoker, in plain JSON types."""
    uow, me = ctx.uow, ctx.invoker
    p = ctx.profile

    def iso(value: Any) -> Any:
        return value.isoformat() if value is not None else None

    return {
        "member": {"platform": me.platform.value, "workspace": me.workspace_id, "user": me.user_id},
        "exported_at": iso(ctx.now),
        "profile": {
            "display_name": p.display_name,
            "timezone": p.timezone,
            "quiet_hours": [iso(p.quiet_start), iso(p.quiet_end)] if p.quiet_start else None,
            "digest": {"weekday": p.digest_weekday, "time": iso(p.digest_time), "on": p.digest_on},
            "paused_until": iso(p.paused_until),
            "open_to_intros": p.open_to_intros,
            "offer": p.offer,
            "looking_for": p.looking_for,
            "profile_visible": p.profile_visible,
            "organiser": p.organiser,
        },
        "contacts": [
            {
                "id": c.id,
                "name": c.name,
                "member": c.member_user_id,
                "added": iso(c.created_at),
                "last_touch": iso(c.last_touch_at),
            }
            for c in uow.contacts.list(me)
        ],
        "meetings": [
            {
                "contact": m.contact_id,
                "met_at": iso(m.met_at),
                "context": m.context,
                "introduced_by": m.quoted_user_id,  # an intro's reason is in their words
            }
            for m in uow.meetings.list(me)
        ],
        "notes": [
            {"contact": n.contact_id, "text": n.text, "at": iso(n.created_at)}
            for n in uow.notes.list(me)
        ],
        "promises": [
            {
                "contact": pr.contact_id,
                "what": pr.what,
                "status": pr.status.value,
                "made": iso(pr.created_at),
                "due": iso(pr.due_at),
                "closed": iso(pr.closed_at),
                "snoozes": pr.snoozes,
            }
            for pr in uow.promises.list_all(me)
        ],
        "keep_in_touch": [
            {"contact": c.contact_id, "every_days": c.every_days, "next": iso(c.due_at)}
            for c in uow.cadences.list(me)
        ],
        "ledger": [
            {"kind": e.kind.value, "what": e.what, "contact": e.contact_id, "at": iso(e.at)}
            for e in uow.ledger.list(me)
        ],
        "blocked": [
            {"member": b.blocked_user_id, "since": iso(b.created_at)} for b in uow.blocks.list(me)
        ],
        "intros": [_intro_as_seen_by(me, intro) for intro in uow.intros.involving(me)],
        # Asked after an event who they met there: their answer (the members they picked, and how
        # many people from outside they named).
        "event_met": [
            {
                "event": e.number,
                "title": e.title,
                "asked": iso(a.asked_at),
                "answered": iso(a.answered_at),
                "met": list(a.met),
                "met_from_outside": a.outside,
            }
            for e, a in uow.event_followups.attendance_of(me)
        ],
        # People suggested to them to meet at an event (each also asked for suggestions).
        "event_suggestions": [
            {"event": e.number, "title": e.title, "suggested": s.other(me).user_id}
            for e, s in uow.event_followups.suggestions_of(me)
        ],
        "pairing": [
            {
                "channel": m.channel.channel_id,
                "state": m.state.value,
                "joined": iso(m.joined_at),
                "paused_until": iso(m.paused_until),
            }
            for m in uow.pairing.memberships_of(me)
        ],
        "events_created": [
            {
                "number": e.number,
                "channel": e.channel.channel_id,
                "title": e.title,
                "starts": iso(e.starts_at),
                "ends": iso(e.ends_at),
                "place": e.place,
                "limit": e.limit,
                "cancelled": e.cancelled,
            }
            for e in uow.events.created_by(me)
        ],
        # Only the member's own answers: never who else answered what.
        "event_answers": [
            {
                "event": e.number,
                "title": e.title,
                "answer": r.answer.value,
                "answered": iso(r.answered_at),
                "suggest_people": r.suggest,
            }
            for e, r in uow.events.answers_of(me)
        ],
        # Messages still on their way to the member: what and when, never their text (a
        # group introduction quotes the others).
        "queued": [
            {"kind": q.kind, "about": q.about, "due": iso(q.due_at)}
            for q in uow.outbox.queued_for(me, limit=QUEUED_SHOWN)
        ],
    }


def _intro_as_seen_by(me: Member, intro: Intro) -> dict[str, Any]:
    """An intro as this member may know it: their own answer, never anyone else's, and the
    outcome only as the introducer hears it ("didn't happen", once told)."""
    made = intro.status is IntroStatus.MADE
    told = intro.status is not IntroStatus.PENDING and intro.notice_at is None
    outcome = "made" if made else ("didn't happen" if told else "pending")
    entry: dict[str, Any] = {
        "introducer": intro.introducer.user_id,
        "members": [intro.a.user_id, intro.b.user_id],
        "reason": intro.reason,
        "asked_at": intro.created_at.isoformat(),
        "outcome": outcome,
    }
    if me in (intro.a, intro.b):
        answer = intro.a_answer if me == intro.a else intro.b_answer
        entry["your_answer"] = answer.value if answer else None
    return entry


def handle_export(ctx: Context, _: None) -> Message:
    # Once an hour: an export is every row the member has, and a file in a DM.
    rate = ctx.policy.exports
    over = over_rate(ctx, kind=EXPORTED, rate=rate)
    if over is not None:
        when = format_when(over[1], timezone=ctx.profile.timezone, now=ctx.now)
        raise UserError(
            f"I sent you an export less than {_duration(rate.per)} ago: it's in our DM "
            f"({EXPORT_FILENAME}).",
            hint=f"The next one can go out from {when}.",
        )
    count_use(ctx, kind=EXPORTED, rate=rate)
    content = json.dumps(export_data(ctx), ensure_ascii=False, indent=2)
    ctx.outgoing.answer(
        ctx.invoker,
        message(
            paragraph("Here is everything I hold about you."),
            attachment=Attachment(EXPORT_FILENAME, content),
        ),
    )
    return message(
        paragraph(f"📦 I've sent you a DM with everything I hold about you ({EXPORT_FILENAME}).")
    )


def _duration(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    if hours >= 1 and span == timedelta(hours=hours):
        return "an hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, int(span.total_seconds() // 60))
    return f"{minutes} minutes"


EXPORT = CommandSpec(
    name="export",
    summary="Everything the bot holds about you, as a JSON file in a DM.",
    usage="export",
    examples=("export",),
    parse=no_arguments,
    handle=handle_export,
)


def parse_forget(text: str, env: ParseEnv) -> bool:
    word = text.strip().lower()
    if word in {"", "confirm", "yes"}:
        return word != ""
    raise UserError(
        ("To erase everything, type ", command("forget-me confirm"), " or press the button.")
    )


def _erase(ctx: Context) -> Message:
    leave_events(ctx, ctx.invoker)  # their seats go to those waiting before their rows go
    ctx.uow.erase_member(ctx.invoker)
    ctx.keep_profile = False
    return message(
        paragraph("🧹 Done: I've erased everything I held about you."),
        paragraph("If you use me again, I'll start from a blank page."),
    )


def handle_forget(ctx: Context, confirmed: bool) -> Message:
    if confirmed:
        return _erase(ctx)
    return message(
        paragraph("This erases your contacts, notes, promises, ledger and settings, for good."),
        paragraph(
            "Events you announced that are still ahead are cancelled; those who answered are "
            "told only the date."
        ),
        paragraph(
            "Nothing has been erased yet. Sure? (", command("forget-me confirm"), " does the same)"
        ),
        choices=(Choice("Erase everything", ACTION_FORGET, "", ChoiceStyle.DANGER),),
    )


FORGET_ME = CommandSpec(
    name="forget-me",
    summary="Erase everything the bot holds about you (asks to confirm).",
    usage="forget-me",
    examples=("forget-me",),
    parse=parse_forget,
    handle=handle_forget,
)

SPECS = (EXPORT, FORGET_ME)
ACTIONS = (ActionSpec(ACTION_FORGET, lambda ctx, payload: _erase(ctx)),)

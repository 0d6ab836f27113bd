"""The weekly digest, in each member's zone on their day and time: promises, follow-ups, ideas."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands.give_ideas import match_line, matches, owed, owed_line
from bot.commands.promises import done_choices, promise_line
from bot.core.identity import Member
from bot.core.message import (
    Block,
    Message,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.outgoing import Outgoing, key_time
from bot.core.policy import Policy
from bot.core.ports import UnitOfWork
from bot.core.records import Profile
from bot.core.schedule import is_paused, is_stale, next_weekly
from bot.core.tips import digest_tip

SHOWN = 5  # promises and follow-ups listed; the rest are a command away


def next_digest(profile: Profile, *, after: datetime) -> datetime:
    return next_weekly(
        after, timezone=profile.timezone, weekday=profile.digest_weekday, at=profile.digest_time
    )


def digest_key(member: Member, due_at: datetime) -> str:
    # Hashed: platform ids may be long, and keys are capped at 200 characters.
    who = hashlib.blake2b(
        f"{member.platform.value}:{member.workspace_id}:{member.user_id}".encode(), digest_size=10
    ).hexdigest()
    return f"digest:{who}:{key_time(due_at)}"


def digest_message(
    uow: UnitOfWork, profile: Profile, *, due_at: datetime, now: datetime, policy: Policy
) -> Message | None:
    """The member's digest (due at `due_at`), or None when there is nothing to tell them but a
    tip."""
    member = profile.member
    promises = list(uow.promises.list_open(member, limit=SHOWN))
    total = uow.promises.count_open(member) if len(promises) == SHOWN else len(promises)
    contacts = uow.contacts.get_many(member, (p.contact_id for p in promises))
    waiting = owed(uow, profile, now=now, policy=policy)
    ideas = matches(uow, profile, now=now, limit=2)
    if not (promises or waiting or ideas):
        return None
    blocks: list[Block] = [paragraph("📬 Your weekly digest")]
    if promises:
        lines = [
            promise_line(p, contacts.get(p.contact_id), timezone=profile.timezone, now=now)
            for p in promises
        ]
        more = (" — ", command("promises"), " lists them") if total > SHOWN else ()
        blocks += [paragraph(f"Open promises ({total:,})", *more, ":"), bullets(*lines)]
    if waiting:
        blocks += [
            paragraph("Waiting on a follow-up from you:"),
            bullets(*(owed_line(w, timezone=profile.timezone) for w in waiting[:SHOWN])),
        ]
    if ideas:
        blocks += [
            paragraph("A give idea:" if len(ideas) == 1 else "Give ideas:"),
            bullets(*(match_line(m, profile.offer) for m in ideas)),
        ]
    # The week the digest was due in, in the member's zone: a digest sent late still counts
    # for its own week, so the weekly rotation of tips never skips back.
    week = due_at.astimezone(ZoneInfo(profile.timezone)).date()
    blocks.append(paragraph("💡 ", *digest_tip(member, week).text))
    return message(*blocks, choices=done_choices(promises[:3]))


class WeeklyDigest:
    """Members with a profile whose digest time came: scheduled anew each time; skipped when
    turned off, paused or more than a day late (the bot was down), never sent late."""

    name = "digest"

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.profiles.due_digests(now=now, limit=limit)
        outgoing = Outgoing(now)
        for item in due:
            profile = item.profile
            uow.profiles.schedule_digest(profile.member, at=next_digest(profile, after=now))
            if not profile.digest_on or item.due_at is None:
                continue
            if is_stale(item.due_at, now) or is_paused(profile, now):
                continue
            digest = digest_message(uow, profile, due_at=item.due_at, now=now, policy=self._policy)
            if digest is not None:
                outgoing.dm(profile, digest, key=digest_key(profile.member, item.due_at))
        outgoing.queue(uow)
        return len(due)

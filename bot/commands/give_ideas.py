"""Concrete gives to suggest: members whose looking-for meets your offer, contacts owed a
follow-up. Shared by the give-first check of `ask` and by the weekly digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands.common import meeting_context, person_inline
from bot.commands.when import format_day
from bot.core.matching import Match, best_matches, owed_follow_ups, shown_as_give_idea
from bot.core.message import Mention, Paragraph, UserText, paragraph
from bot.core.policy import Policy
from bot.core.ports import UnitOfWork
from bot.core.records import Contact, Meeting, Profile

CANDIDATES = 500  # the most recently updated looking-fors considered per member


@dataclass(frozen=True)
class OwedFollowUp:
    meeting: Meeting
    contact: Contact


def owed(uow: UnitOfWork, profile: Profile, *, now: datetime, policy: Policy) -> list[OwedFollowUp]:
    """Contacts met within the give window with nothing promised or given to them since."""
    member, since = profile.member, now - policy.give_window
    # Only promises made since matter: an older one predates every meeting that counts.
    meetings = owed_follow_ups(
        uow.meetings.list(member),
        uow.promises.list_all(member, since=since),
        uow.ledger.list(member),
        since=since,
    )
    contacts = {c.id: c for c in uow.contacts.list(member)}
    return [OwedFollowUp(m, contacts[m.contact_id]) for m in meetings if m.contact_id in contacts]


def matches(uow: UnitOfWork, profile: Profile, *, now: datetime, limit: int) -> list[Match]:
    """Members whose looking-for meets this member's offer, among those who may be shown to
    them: so no chosen offer can read the looking-for of someone hidden, paused or blocked."""
    if not profile.offer.strip():
        return []
    seeking = uow.profiles.seeking(
        profile.member.workspace, exclude=profile.member, limit=CANDIDATES
    )
    blocks = uow.blocks.either_way(profile.member)
    shown = [p for p in seeking if shown_as_give_idea(p, to_blocks=blocks, now=now)]
    return best_matches(profile.offer, shown, limit=limit)


def match_line(match: Match, offer: str) -> Paragraph:
    return paragraph(
        Mention(match.profile.member),
        " is looking for “",
        UserText(match.profile.looking_for, by=match.profile.member),
        "” — and you offer “",
        UserText(offer),
        "”. A short note could make their week.",
    )


def owed_line(item: OwedFollowUp, *, timezone: str) -> Paragraph:
    context = item.meeting.context.strip()
    return paragraph(
        person_inline(item.contact),
        f": you met {format_day(item.meeting.met_at, timezone=timezone)}",
        *((", ", *meeting_context(item.meeting)) if context else ()),
        ". A link, an intro or a thank-you would do.",
    )


def give_ideas(
    uow: UnitOfWork, profile: Profile, *, now: datetime, policy: Policy, limit: int = 2
) -> list[Paragraph]:
    """Up to `limit` concrete gives: matching members first, then contacts owed a follow-up."""
    found = matches(uow, profile, now=now, limit=limit)
    ideas = [match_line(m, profile.offer) for m in found]
    if len(ideas) < limit:
        ideas += [
            owed_line(item, timezone=profile.timezone)
            for item in owed(uow, profile, now=now, policy=policy)[: limit - len(ideas)]
        ]
    return ideas

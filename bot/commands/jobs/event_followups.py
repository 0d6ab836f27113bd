"""Around an event: people to meet there, suggested before it to those who asked; and "who did
you meet?" asked once afterwards of each member who was going."""

from __future__ import annotations

from datetime import datetime

from bot.commands.event_followups import suggestion_message, who_did_you_meet
from bot.commands.ice_breakers import ice_breaker_message, known_about
from bot.core.event_followups import (
    ASK_WITHIN,
    SUGGEST_BEFORE,
    Candidate,
    seen_by,
    suggest_pairs,
)
from bot.core.events import Answer, Event
from bot.core.ice_breakers import ice_breaker
from bot.core.outgoing import Outgoing
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import Profile
from bot.core.tips import stable_number


class WhoDidYouMeet:
    """Once an event is over, each member who was going is asked once: the row recording the
    question is written in the transaction that queues it, and the message's key is theirs."""

    name = "event_who_did_you_meet"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.EVENT_QUESTIONS, now, after=now - ASK_WITHIN)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        ended = uow.event_followups.ended_unasked(now=now, since=now - ASK_WITHIN, limit=limit)
        outgoing = Outgoing(now)
        for event in ended:
            going = [r.member for r in uow.events.answers(event) if r.answer is Answer.GOING]
            asked = {a.member for a in uow.event_followups.attendance(event)}
            known = uow.profiles.get_many(going)
            profiles = {m: known[m] for m in going if m in known}
            for member in going:
                if member in asked:
                    continue
                uow.event_followups.ask(event, member, now=now)
                profile = profiles.get(member)
                if profile is None:
                    continue
                others = [p for m, p in profiles.items() if m != member]
                key = f"event_met:{event.id}:{member.user_id}"
                outgoing.dm(profile, who_did_you_meet(event, others), key=key)
        outgoing.queue(uow)
        return len(ended)


class EventSuggestions:
    """Before an event, among those going who pressed "Suggest people to meet there" (only
    they), pairs both sides see, by DM; a later opt-in gets theirs on a later tick."""

    name = "event_suggestions"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.EVENT_SUGGESTIONS, now + SUGGEST_BEFORE, after=now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        made = 0
        outgoing = Outgoing(now)
        for event in uow.event_followups.starting(now=now, within=SUGGEST_BEFORE):
            made += _suggest(uow, event, outgoing, now=now)
        outgoing.queue(uow)
        return made  # a second pass, if this one seemed full, finds nothing new


def _suggest(uow: UnitOfWork, event: Event, outgoing: Outgoing, *, now: datetime) -> int:
    opted = [r.member for r in uow.events.answers(event) if r.answer is Answer.GOING and r.suggest]
    known = uow.profiles.get_many(opted)
    profiles = {m: known[m] for m in opted if m in known}
    if len(profiles) < 2:
        return 0
    existing = [(s.a, s.b) for s in uow.event_followups.suggestions(event)]
    blocked = {
        frozenset((member.user_id, other))
        for member in profiles
        for other in uow.blocks.either_way(member)
    }
    pairs = suggest_pairs(
        [_candidate(uow, profile) for profile in profiles.values()],
        existing=existing,
        blocked=blocked,
    )
    made = [uow.event_followups.suggest(event, a, b, now=now) for a, b in pairs]
    seed = stable_number(event.channel.platform.value, event.channel.workspace_id, event.number)
    for member, viewer in profiles.items():
        others = [profiles[other] for other in seen_by(member, made)]
        if not others:
            continue
        found = [
            ice_breaker(
                viewer=viewer,
                other=other.member,
                other_profile=other,
                known=known_about(uow, member, other.member),
                seed=seed,
            )
            for other in others
        ]
        ice = ice_breaker_message(viewer, found, about="meeting them there")
        ids = "+".join(sorted(p.member.user_id for p in others))
        outgoing.dm(
            viewer,
            suggestion_message(event, others, ice),
            key=f"event_suggest:{event.id}:{member.user_id}:{ids}",
        )
    return len(pairs)


def _candidate(uow: UnitOfWork, profile: Profile) -> Candidate:
    """What picking may weigh: the profile only when it is kept visible, and whom they met."""
    met = frozenset(c.member_user_id for c in uow.contacts.list(profile.member) if c.member_user_id)
    if not profile.profile_visible:
        return Candidate(profile.member, met=met)
    return Candidate(profile.member, profile.offer, profile.looking_for, met)

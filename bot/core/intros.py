"""Double opt-in introductions: who may be introduced, and how an intro is made or quietly not."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.identity import Member
from bot.core.records import Intro, IntroAnswer, IntroStatus, Profile

ANSWER_WINDOW = timedelta(days=7)
REPEAT_WINDOW = timedelta(days=90)
MAX_WAITING = 5  # intros one introducer may have waiting at once


class Refusal(StrEnum):
    YOURSELF = "yourself"
    SAME_PERSON = "same_person"
    NOT_A_MEMBER = "not_a_member"  # an outside person, named in quotes
    TOO_MANY_WAITING = "too_many_waiting"
    # Never used the bot, not open to intros, paused, or a block on either side: one refusal
    # for all of them, so that the reply can reveal none of them.
    UNAVAILABLE = "unavailable"
    RECENTLY_INTRODUCED = "recently_introduced"


def refusal(
    *,
    introducer: Member,
    a: Member | None,
    b: Member | None,
    a_profile: Profile | None,
    b_profile: Profile | None,
    blocked: bool,
    introduced_recently: bool,
    waiting: int,
    now: datetime,
) -> Refusal | None:
    """Why this intro may not be asked, or None. `a`/`b` None: an outside person; `blocked`:
    either side blocked the other; `waiting`: the introducer's intros still waiting."""
    if introducer in (a, b):
        return Refusal.YOURSELF
    if a is None or b is None:
        return Refusal.NOT_A_MEMBER
    if a == b:
        return Refusal.SAME_PERSON
    if waiting >= MAX_WAITING:
        return Refusal.TOO_MANY_WAITING
    if blocked or not (_reachable(a_profile, now) and _reachable(b_profile, now)):
        return Refusal.UNAVAILABLE
    if introduced_recently:
        return Refusal.RECENTLY_INTRODUCED
    return None


def _reachable(profile: Profile | None, now: datetime) -> bool:
    """Someone the bot may ask: they have used it, welcome intros, and are not paused."""
    if profile is None or not profile.open_to_intros:
        return False
    return profile.paused_until is None or profile.paused_until <= now


def other_side(intro: Intro, member: Member) -> Member:
    if member == intro.a:
        return intro.b
    if member == intro.b:
        return intro.a
    raise ValueError(f"{member} is not a side of intro {intro.id}")


class Outcome(StrEnum):
    """What an answer did, as far as the member who gave it may know."""

    WAITING = "waiting"  # recorded; whether the other side answered is not theirs to know
    MADE = "made"  # both accepted
    DECLINED = "declined"  # recorded; nobody else learns of it
    ALREADY = "already"  # they had answered before
    EXPIRED = "expired"  # the week to answer is over


def answer(intro: Intro, member: Member, *, accept: bool, now: datetime) -> tuple[Intro, Outcome]:
    """Record one side's answer. An accept after the other side declined reads the same as an
    accept while they think it over: the decline stays invisible."""
    is_a = member == intro.a
    if not is_a and member != intro.b:
        raise ValueError(f"{member} is not a side of intro {intro.id}")
    if intro.status is IntroStatus.EXPIRED or now >= intro.expires_at:
        return intro, Outcome.EXPIRED
    mine, theirs = (intro.a_answer, intro.b_answer) if is_a else (intro.b_answer, intro.a_answer)
    # A yes may still become a no while the other side thinks it over; nothing else changes.
    changing_mind = mine is IntroAnswer.ACCEPTED and not accept
    if mine is not None and not (changing_mind and intro.status is IntroStatus.PENDING):
        return intro, Outcome.ALREADY
    given = IntroAnswer.ACCEPTED if accept else IntroAnswer.DECLINED
    answered = _with_answer(intro, given, is_a=is_a)
    if not accept:
        if intro.status is IntroStatus.PENDING:
            # The introducer still hears only at the week's end: a decline and silence look alike.
            answered = replace(answered, status=IntroStatus.DECLINED, closed_at=now)
        return answered, Outcome.DECLINED
    if intro.status is IntroStatus.DECLINED:
        return answered, Outcome.WAITING
    if theirs is IntroAnswer.ACCEPTED:
        made = replace(answered, status=IntroStatus.MADE, closed_at=now, notice_at=None)
        return made, Outcome.MADE
    return answered, Outcome.WAITING


def withdraw(intro: Intro, member: Member, *, now: datetime) -> Intro:
    """`member` blocked the other side: their answer becomes a decline, silently."""
    is_a = other_side(intro, member) == intro.b
    if intro.status not in (IntroStatus.PENDING, IntroStatus.DECLINED):
        return intro
    declined = _with_answer(intro, IntroAnswer.DECLINED, is_a=is_a)
    return replace(declined, status=IntroStatus.DECLINED, closed_at=intro.closed_at or now)


def _with_answer(intro: Intro, given: IntroAnswer, *, is_a: bool) -> Intro:
    return replace(intro, a_answer=given) if is_a else replace(intro, b_answer=given)


def expire(intro: Intro, *, now: datetime) -> Intro:
    """The week is over: a pending intro expires; either way the introducer is now told."""
    if intro.status is IntroStatus.PENDING:
        intro = replace(intro, status=IntroStatus.EXPIRED, closed_at=now)
    return replace(intro, notice_at=None)

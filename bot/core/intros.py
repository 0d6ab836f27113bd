"""Double opt-in introductions: who may be asked, and how an intro is made or quietly not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.identity import Member
from bot.core.records import Intro, IntroAnswer, IntroStatus, Profile

ANSWER_WINDOW = timedelta(days=7)
REPEAT_WINDOW = timedelta(days=90)
MAX_WAITING = 5  # intros one introducer may have waiting at once


class Refusal(StrEnum):
    """The refusals said to the introducer's face: each rests on what they know already."""

    YOURSELF = "yourself"
    SAME_PERSON = "same_person"
    NOT_A_MEMBER = "not_a_member"  # an outside person, named in quotes
    TOO_MANY_WAITING = "too_many_waiting"
    ASKED_LATELY = "asked_lately"  # they themselves asked to introduce these two lately


def refusal(
    *,
    introducer: Member,
    a: Member | None,
    b: Member | None,
    waiting: int,
    asked_lately: bool,
) -> Refusal | None:
    """Why this intro is turned down, or None. `a`/`b` None: an outside person; `waiting`: the
    introducer's intros still waiting; `asked_lately`: the introducer's own intro of these two
    within `REPEAT_WINDOW`. Anything private to others is `may_ask`'s, and is never a refusal."""
    if introducer in (a, b):
        return Refusal.YOURSELF
    if a is None or b is None:
        return Refusal.NOT_A_MEMBER
    if a == b:
        return Refusal.SAME_PERSON
    if waiting >= MAX_WAITING:
        return Refusal.TOO_MANY_WAITING
    if asked_lately:
        return Refusal.ASKED_LATELY
    return None


def may_ask(
    *,
    a_profile: Profile | None,
    b_profile: Profile | None,
    blocked: bool,
    introduced_lately: bool,
    now: datetime,
) -> bool:
    """Whether both sides may be asked. If not (a side never used the bot, turned intros off or
    is paused, a block on any side, or someone else asked about these two lately) nobody is
    asked and the intro is kept withheld: the introducer sees exactly an unanswered intro, so
    none of those reasons can be told apart from silence, nor from each other."""
    if blocked or introduced_lately:
        return False
    return _reachable(a_profile, now) and _reachable(b_profile, now)


def asked_lately(recent: Iterable[Intro], *, by: Member) -> bool:
    """Among the pair's recent intros, one this introducer asked for (withheld or not): they
    know of it already, so saying so tells them nothing new."""
    return any(intro.introducer == by for intro in recent)


def introduced_lately(recent: Iterable[Intro]) -> bool:
    """Among the pair's recent intros, one the two were actually asked about."""
    return any(not intro.withheld for intro in recent)


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
    """What a press did, as far as the member who pressed may know: it depends on their own
    answers, the clock, and whether both said yes, never on the other side's no or silence."""

    WAITING = "waiting"  # a yes, recorded; whether the other side answered is not theirs to know
    MADE = "made"  # this yes was the second: the conversation opens
    DECLINED = "declined"  # a no, recorded; it may still become a yes within the week
    WAS_MADE = "was_made"  # both had said yes already
    EXPIRED = "expired"  # the week to answer is over


def answer(intro: Intro, member: Member, *, accept: bool, now: datetime) -> tuple[Intro, Outcome]:
    """Record one side's answer; either side may change their mind until the intro is made.
    A yes after the other side's no, block or silence reads the same: waiting."""
    is_a = member == intro.a
    if not is_a and member != intro.b:
        raise ValueError(f"{member} is not a side of intro {intro.id}")
    if intro.status is IntroStatus.MADE:
        return intro, Outcome.WAS_MADE
    if intro.status is IntroStatus.EXPIRED or now >= intro.expires_at:
        return intro, Outcome.EXPIRED
    given = IntroAnswer.ACCEPTED if accept else IntroAnswer.DECLINED
    answered = _with_answer(intro, given, is_a=is_a)
    if not accept:
        return answered, Outcome.DECLINED
    theirs = intro.b_answer if is_a else intro.a_answer
    # A withdrawn (blocked) or withheld intro is never made; its sides still see "waiting".
    makeable = intro.status is IntroStatus.PENDING and not intro.withheld
    if makeable and theirs is IntroAnswer.ACCEPTED:
        made = replace(answered, status=IntroStatus.MADE, closed_at=now, notice_at=None)
        return made, Outcome.MADE
    return answered, Outcome.WAITING


def withdraw(intro: Intro, member: Member, *, now: datetime) -> Intro:
    """`member` blocked the other side: their answer becomes a no, and the intro can no longer
    be made; the other side's presses and the introducer's notice go on as for a silent no."""
    is_a = other_side(intro, member) == intro.b
    if intro.status is not IntroStatus.PENDING:
        return intro
    declined = _with_answer(intro, IntroAnswer.DECLINED, is_a=is_a)
    return replace(declined, status=IntroStatus.DECLINED, closed_at=now)


def _with_answer(intro: Intro, given: IntroAnswer, *, is_a: bool) -> Intro:
    return replace(intro, a_answer=given) if is_a else replace(intro, b_answer=given)


def expire(intro: Intro, *, now: datetime) -> Intro:
    """The week is over: a pending intro ends (declined if a no stood, else expired); either
    way the introducer is now told."""
    if intro.status is IntroStatus.PENDING:
        said_no = IntroAnswer.DECLINED in (intro.a_answer, intro.b_answer)
        status = IntroStatus.DECLINED if said_no else IntroStatus.EXPIRED
        intro = replace(intro, status=status, closed_at=now)
    return replace(intro, notice_at=None)

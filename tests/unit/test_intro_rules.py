"""The intro rules on their own: who may be introduced, and every way an intro can go."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.intros import (
    ANSWER_WINDOW,
    MAX_WAITING,
    Outcome,
    Refusal,
    answer,
    expire,
    other_side,
    refusal,
    withdraw,
)
from bot.core.records import Intro, IntroAnswer, IntroStatus, Profile
from tests.unit.harness import ALICE, BOB, CAROL, NOW

# Carol introduces Alice (a) and Bob (b).
ALICE_P = Profile(member=ALICE, display_name="Alice")
BOB_P = Profile(member=BOB, display_name="Bob")


def ask(**changes: object) -> Refusal | None:
    facts: dict[str, object] = {
        "introducer": CAROL,
        "a": ALICE,
        "b": BOB,
        "a_profile": ALICE_P,
        "b_profile": BOB_P,
        "blocked": False,
        "introduced_recently": False,
        "waiting": 0,
        "now": NOW,
    }
    facts.update(changes)
    return refusal(**facts)  # type: ignore[arg-type]


def pending() -> Intro:
    return Intro(
        id=1,
        introducer=CAROL,
        a=ALICE,
        b=BOB,
        reason="both into Rust",
        channel=None,
        status=IntroStatus.PENDING,
        a_answer=None,
        b_answer=None,
        created_at=NOW,
        expires_at=NOW + ANSWER_WINDOW,
        notice_at=NOW + ANSWER_WINDOW,
    )


LATER = NOW + timedelta(hours=1)


def test_two_reachable_members_may_be_introduced() -> None:
    assert ask() is None


def test_introducing_yourself_is_refused() -> None:
    assert ask(a=CAROL) is Refusal.YOURSELF
    assert ask(b=CAROL) is Refusal.YOURSELF


def test_someone_outside_the_community_cannot_be_introduced() -> None:
    assert ask(a=None, a_profile=None) is Refusal.NOT_A_MEMBER
    assert ask(b=None, b_profile=None) is Refusal.NOT_A_MEMBER


def test_the_same_member_twice_is_refused() -> None:
    assert ask(b=ALICE, b_profile=ALICE_P) is Refusal.SAME_PERSON


def test_a_sixth_waiting_intro_is_refused_but_the_fifth_is_not() -> None:
    assert ask(waiting=MAX_WAITING - 1) is None
    assert ask(waiting=MAX_WAITING) is Refusal.TOO_MANY_WAITING


@pytest.mark.parametrize(
    "why",
    [
        {"a_profile": None},  # never used the bot
        {"b_profile": replace(BOB_P, open_to_intros=False)},
        {"a_profile": replace(ALICE_P, paused_until=NOW + timedelta(days=1))},
        {"blocked": True},
    ],
    ids=["never-used-the-bot", "not-open-to-intros", "paused", "blocked"],
)
def test_every_private_reason_gives_one_and_the_same_refusal(why: dict[str, object]) -> None:
    assert ask(**why) is Refusal.UNAVAILABLE


def test_a_pause_that_is_over_no_longer_stops_an_intro() -> None:
    assert ask(a_profile=replace(ALICE_P, paused_until=NOW - timedelta(minutes=1))) is None


def test_a_pair_introduced_recently_is_refused() -> None:
    assert ask(introduced_recently=True) is Refusal.RECENTLY_INTRODUCED


def test_both_accepting_makes_the_intro_in_either_order() -> None:
    for first, second in ((ALICE, BOB), (BOB, ALICE)):
        once, outcome = answer(pending(), first, accept=True, now=NOW)
        assert outcome is Outcome.WAITING and once.status is IntroStatus.PENDING
        made, outcome = answer(once, second, accept=True, now=LATER)
        assert outcome is Outcome.MADE
        assert made.status is IntroStatus.MADE
        assert made.a_answer is made.b_answer is IntroAnswer.ACCEPTED
        assert made.notice_at is None  # nothing to tell the introducer: they are in the group
        assert made.closed_at == LATER


def test_a_decline_closes_the_intro_and_leaves_the_notice_for_the_weeks_end() -> None:
    declined, outcome = answer(pending(), BOB, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED
    assert declined.status is IntroStatus.DECLINED
    assert declined.b_answer is IntroAnswer.DECLINED
    # The introducer hears when silence would have told them too: the two look alike.
    assert declined.notice_at == pending().notice_at


def test_accepting_after_the_other_declined_reads_exactly_like_waiting() -> None:
    declined, _ = answer(pending(), BOB, accept=False, now=NOW)
    accepted, outcome = answer(declined, ALICE, accept=True, now=LATER)
    assert outcome is Outcome.WAITING
    assert accepted.status is IntroStatus.DECLINED
    assert accepted.a_answer is IntroAnswer.ACCEPTED


def test_declining_after_the_other_declined_is_just_a_decline() -> None:
    declined, _ = answer(pending(), BOB, accept=False, now=NOW)
    both, outcome = answer(declined, ALICE, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED
    assert both.status is IntroStatus.DECLINED


def test_a_yes_can_still_become_a_no_while_the_other_side_thinks() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    changed, outcome = answer(accepted, ALICE, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED
    assert changed.status is IntroStatus.DECLINED


def test_answering_twice_changes_nothing_otherwise() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    assert answer(accepted, ALICE, accept=True, now=LATER) == (accepted, Outcome.ALREADY)
    declined, _ = answer(pending(), ALICE, accept=False, now=NOW)
    assert answer(declined, ALICE, accept=True, now=LATER) == (declined, Outcome.ALREADY)
    made, _ = answer(accepted, BOB, accept=True, now=NOW)
    assert answer(made, ALICE, accept=False, now=LATER) == (made, Outcome.ALREADY)


def test_answers_after_the_week_are_too_late() -> None:
    week_on = NOW + ANSWER_WINDOW
    assert answer(pending(), ALICE, accept=True, now=week_on) == (pending(), Outcome.EXPIRED)
    expired = expire(pending(), now=week_on)
    assert answer(expired, BOB, accept=True, now=week_on) == (expired, Outcome.EXPIRED)


def test_only_the_two_sides_can_answer() -> None:
    with pytest.raises(ValueError):
        answer(pending(), CAROL, accept=True, now=NOW)
    with pytest.raises(ValueError):
        other_side(pending(), CAROL)


def test_the_other_side_of_each_side() -> None:
    assert other_side(pending(), ALICE) == BOB
    assert other_side(pending(), BOB) == ALICE


def test_expiry_ends_a_pending_intro_and_marks_the_introducer_told() -> None:
    expired = expire(pending(), now=NOW + ANSWER_WINDOW)
    assert expired.status is IntroStatus.EXPIRED
    assert expired.notice_at is None
    assert expired.closed_at == NOW + ANSWER_WINDOW


def test_expiry_of_a_declined_intro_keeps_it_declined() -> None:
    declined, _ = answer(pending(), ALICE, accept=False, now=NOW)
    told = expire(declined, now=NOW + ANSWER_WINDOW)
    assert told.status is IntroStatus.DECLINED
    assert told.notice_at is None
    assert told.closed_at == NOW


def test_blocking_the_other_side_turns_any_answer_into_a_silent_decline() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    for before in (pending(), accepted):
        withdrawn = withdraw(before, ALICE, now=LATER)
        assert withdrawn.status is IntroStatus.DECLINED
        assert withdrawn.a_answer is IntroAnswer.DECLINED
        assert withdrawn.notice_at == before.notice_at


def test_blocking_leaves_a_made_or_expired_intro_as_it_was() -> None:
    made, _ = answer(answer(pending(), ALICE, accept=True, now=NOW)[0], BOB, accept=True, now=NOW)
    assert withdraw(made, ALICE, now=LATER) == made
    expired = expire(pending(), now=NOW + ANSWER_WINDOW)
    assert withdraw(expired, BOB, now=LATER) == expired

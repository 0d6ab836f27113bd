"""The intro rules on their own: who may be introduced, and every way an intro can go."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.identity import Member
from bot.core.intros import (
    ANSWER_WINDOW,
    MAX_WAITING,
    Outcome,
    Refusal,
    answer,
    asked_lately,
    expire,
    introduced_lately,
    may_ask,
    other_side,
    refusal,
    withdraw,
)
from bot.core.records import Intro, IntroAnswer, IntroStatus, Profile
from tests.unit.harness import ALICE, BOB, CAROL, NOW

DEE = Member(ALICE.platform, ALICE.workspace_id, "UDEE")

# Carol introduces Alice (a) and Bob (b).
ALICE_P = Profile(member=ALICE, display_name="Alice")
BOB_P = Profile(member=BOB, display_name="Bob")


def ask(**changes: object) -> Refusal | None:
    facts: dict[str, object] = {
        "introducer": CAROL,
        "a": ALICE,
        "b": BOB,
        "waiting": 0,
        "asked_lately": False,
    }
    facts.update(changes)
    return refusal(**facts)  # type: ignore[arg-type]


def asks_both(**changes: object) -> bool:
    facts: dict[str, object] = {
        "a_profile": ALICE_P,
        "b_profile": BOB_P,
        "blocked": False,
        "introduced_lately": False,
        "now": NOW,
    }
    facts.update(changes)
    return may_ask(**facts)  # type: ignore[arg-type]


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
    assert asks_both()


def test_introducing_yourself_is_refused() -> None:
    assert ask(a=CAROL) is Refusal.YOURSELF
    assert ask(b=CAROL) is Refusal.YOURSELF


def test_someone_outside_the_community_cannot_be_introduced() -> None:
    assert ask(a=None) is Refusal.NOT_A_MEMBER
    assert ask(b=None) is Refusal.NOT_A_MEMBER


def test_the_same_member_twice_is_refused() -> None:
    assert ask(b=ALICE) is Refusal.SAME_PERSON


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
        {"introduced_lately": True},
    ],
    ids=["never-used-the-bot", "not-open-to-intros", "paused", "blocked", "introduced-lately"],
)
def test_every_private_reason_withholds_the_intro_and_none_is_a_refusal(
    why: dict[str, object],
) -> None:
    assert not asks_both(**why)
    assert ask() is None  # the introducer is never turned down for any of them


def test_a_pause_that_is_over_no_longer_stops_an_intro() -> None:
    assert asks_both(a_profile=replace(ALICE_P, paused_until=NOW - timedelta(minutes=1)))


def test_asking_again_about_a_pair_you_asked_about_lately_is_refused() -> None:
    assert ask(asked_lately=True) is Refusal.ASKED_LATELY


def test_only_your_own_recent_intro_of_the_pair_is_yours_to_hear_about() -> None:
    dees = replace(pending(), introducer=DEE)
    withheld = replace(pending(), withheld=True)
    assert asked_lately([withheld], by=CAROL)  # withheld or not, she asked for it
    assert not asked_lately([dees], by=CAROL)
    assert introduced_lately([dees])
    assert not introduced_lately([withheld])  # nobody was asked: no reason to wait


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


def test_a_decline_is_recorded_and_leaves_the_notice_for_the_weeks_end() -> None:
    declined, outcome = answer(pending(), BOB, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED
    assert declined.status is IntroStatus.PENDING  # a no may still become a yes
    assert declined.b_answer is IntroAnswer.DECLINED
    # The introducer hears when silence would have told them too: the two look alike.
    assert declined.notice_at == pending().notice_at


def test_accepting_after_the_other_declined_reads_exactly_like_waiting() -> None:
    declined, _ = answer(pending(), BOB, accept=False, now=NOW)
    accepted, outcome = answer(declined, ALICE, accept=True, now=LATER)
    assert outcome is Outcome.WAITING
    assert accepted.status is IntroStatus.PENDING
    assert accepted.a_answer is IntroAnswer.ACCEPTED


def test_declining_after_the_other_declined_is_just_a_decline() -> None:
    declined, _ = answer(pending(), BOB, accept=False, now=NOW)
    both, outcome = answer(declined, ALICE, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED
    assert both.a_answer is both.b_answer is IntroAnswer.DECLINED


def test_either_side_may_change_their_mind_until_it_is_made() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    changed, outcome = answer(accepted, ALICE, accept=False, now=LATER)
    assert outcome is Outcome.DECLINED and changed.a_answer is IntroAnswer.DECLINED
    bob_yes, outcome = answer(changed, BOB, accept=True, now=LATER)
    assert outcome is Outcome.WAITING
    made, outcome = answer(bob_yes, ALICE, accept=True, now=LATER)  # a no became a yes
    assert outcome is Outcome.MADE and made.status is IntroStatus.MADE


def test_the_same_answer_twice_reads_the_same_and_changes_nothing() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    assert answer(accepted, ALICE, accept=True, now=LATER) == (accepted, Outcome.WAITING)
    declined, _ = answer(pending(), ALICE, accept=False, now=NOW)
    assert answer(declined, ALICE, accept=False, now=LATER) == (declined, Outcome.DECLINED)
    made, _ = answer(accepted, BOB, accept=True, now=NOW)
    assert answer(made, ALICE, accept=False, now=LATER) == (made, Outcome.WAS_MADE)
    assert answer(made, BOB, accept=True, now=LATER) == (made, Outcome.WAS_MADE)


def test_a_withheld_intro_is_never_made() -> None:
    withheld = replace(pending(), withheld=True)
    once, _ = answer(withheld, ALICE, accept=True, now=NOW)
    twice, outcome = answer(once, BOB, accept=True, now=NOW)
    assert outcome is Outcome.WAITING and twice.status is IntroStatus.PENDING


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


def test_expiry_with_a_no_standing_ends_it_declined() -> None:
    declined, _ = answer(pending(), ALICE, accept=False, now=NOW)
    told = expire(declined, now=NOW + ANSWER_WINDOW)
    assert told.status is IntroStatus.DECLINED
    assert told.notice_at is None
    assert told.closed_at == NOW + ANSWER_WINDOW


def test_blocking_the_other_side_turns_any_answer_into_a_silent_decline() -> None:
    accepted, _ = answer(pending(), ALICE, accept=True, now=NOW)
    for before in (pending(), accepted):
        withdrawn = withdraw(before, ALICE, now=LATER)
        assert withdrawn.status is IntroStatus.DECLINED
        assert withdrawn.a_answer is IntroAnswer.DECLINED
        assert withdrawn.notice_at == before.notice_at
        # The blocked side's yes, now or later, reads as waiting and makes nothing.
        answered, outcome = answer(withdrawn, BOB, accept=True, now=LATER)
        assert outcome is Outcome.WAITING and answered.status is IntroStatus.DECLINED


def test_blocking_leaves_a_made_or_expired_intro_as_it_was() -> None:
    made, _ = answer(answer(pending(), ALICE, accept=True, now=NOW)[0], BOB, accept=True, now=NOW)
    assert withdraw(made, ALICE, now=LATER) == made
    expired = expire(pending(), now=NOW + ANSWER_WINDOW)
    assert withdraw(expired, BOB, now=LATER) == expired

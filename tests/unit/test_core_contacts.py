"""The contact rules written once in core: closing a promise, logging a meeting, and the
keep-in-touch cadence restarting on any interaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.contacts import log_meeting, record_interaction, reset_cadence
from bot.core.identity import Member, Platform
from bot.core.policy import Policy
from bot.core.promises import closed
from bot.core.records import Cadence, Promise, PromiseStatus
from tests.fakes import InMemoryStore

ALICE = Member(Platform.SLACK, "T1", "UALICE")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATER = START + timedelta(days=3)


def test_a_reset_cadence_is_next_due_a_full_interval_after_the_interaction() -> None:
    cadence = Cadence(id=1, owner=ALICE, contact_id=7, every_days=30, due_at=START)
    assert reset_cadence(cadence, now=LATER) == Cadence(1, ALICE, 7, 30, LATER + timedelta(30))


def test_a_closed_promise_keeps_its_words_and_has_no_reminder_left() -> None:
    promise = Promise(
        id=4,
        owner=ALICE,
        contact_id=7,
        number=1,
        what="the slides",
        status=PromiseStatus.OPEN,
        created_at=START,
        due_at=LATER,
        remind_at=LATER,
        heads_up_at=LATER - timedelta(days=1),
    )
    for status in (PromiseStatus.DONE, PromiseStatus.DROPPED):
        shut = closed(promise, status=status, now=LATER)
        assert (shut.status, shut.closed_at, shut.remind_at, shut.heads_up_at) == (
            status,
            LATER,
            None,
            None,
        )
        assert (shut.what, shut.due_at, shut.number) == ("the slides", LATER, 1)


def test_logging_a_meeting_owes_one_follow_up_and_restarts_the_cadence() -> None:
    store, policy = InMemoryStore(), Policy()
    with store() as uow:
        bob = uow.contacts.add(owner=ALICE, name="Bob", member_user_id="UBOB", now=START)
        uow.cadences.add(owner=ALICE, contact_id=bob.id, every_days=30, due_at=START)
        log_meeting(uow, bob, context="at PyCon", now=START, policy=policy)
        second = log_meeting(uow, bob, context="at the meetup", now=LATER, policy=policy)
        uow.commit()
    first_meeting, second_meeting = store.rows("meetings", ALICE)
    assert first_meeting.follow_up_at is None  # one nudge, for the latest meeting
    assert second_meeting == second
    assert second.follow_up_at == LATER + policy.follow_up_after
    [contact] = store.rows("contacts", ALICE)
    assert contact.last_touch_at == LATER
    [cadence] = store.rows("cadences", ALICE)
    assert cadence.due_at == LATER + timedelta(days=30)


def test_an_interaction_that_follows_up_settles_the_nudge_owed() -> None:
    store, policy = InMemoryStore(), Policy()
    with store() as uow:
        bob = uow.contacts.add(owner=ALICE, name="Bob", member_user_id="UBOB", now=START)
        log_meeting(uow, bob, context="", now=START, policy=policy)
        record_interaction(uow, bob, now=LATER, followed_up=False)
        uow.commit()
    [meeting] = store.rows("meetings", ALICE)
    assert meeting.follow_up_at is not None  # a note is not a follow-up
    with store() as uow:
        record_interaction(uow, bob, now=LATER, followed_up=True)
        uow.commit()
    [meeting] = store.rows("meetings", ALICE)
    assert meeting.follow_up_at is None
    assert store.rows("contacts", ALICE)[0].last_touch_at == LATER

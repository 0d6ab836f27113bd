"""Every repository keeps what it is given, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.core.effects import DirectMessage, GroupIntro, effect_from_json
from bot.core.identity import Member
from bot.core.message import Message, Paragraph, UserText
from bot.core.records import LedgerKind, Profile, Promise, PromiseStatus
from bot.store.models import OutboxRow, WorkspaceRow
from bot.store.uow import SqlUnitOfWorkFactory
from tests.integration.people import ANN, BOB, NOW

HELLO = Message((Paragraph(("Hello ", UserText("<@everyone>"))),))


def test_a_profile_is_saved_updated_and_registers_its_workspace_once(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    profile = Profile(
        member=ANN,
        display_name="Ann",
        timezone="Europe/Paris",
        timezone_chosen=True,
        quiet_start=time(22, 0),
        quiet_end=time(7, 30),
        digest_weekday=4,
        digest_time=time(8, 15),
        paused_until=NOW + timedelta(days=3),
        open_to_intros=False,
        offer="Python mentoring",
        looking_for="a co-founder",
    )
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) is None
        uow.profiles.save(profile, now=NOW)
        uow.profiles.save(Profile(member=BOB, display_name="Bob"), now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) == profile
        assert uow.profiles.get(BOB) == Profile(member=BOB, display_name="Bob")
        changed = replace(profile, offer="design reviews", quiet_start=None, paused_until=None)
        uow.profiles.save(changed, now=NOW + timedelta(hours=1))
        assert uow.profiles.get(ANN) == changed  # seen within the same transaction too
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) == changed
        assert uow.session.scalar(select(func.count()).select_from(WorkspaceRow)) == 1


def test_contacts_round_trip_and_list_most_recently_touched_first(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam Lee", member_user_id=None, now=NOW)
        bob = uow.contacts.add(owner=ANN, name="Bob", member_user_id=BOB.user_id, now=NOW)
        uow.contacts.save(replace(sam, last_touch_at=NOW + timedelta(days=1)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.contacts.get(ANN, bob.id) == bob
        assert bob.member == BOB
        assert [c.name for c in uow.contacts.list(ANN)] == ["Sam Lee", "Bob"]
        assert [c.name for c in uow.contacts.list(ANN, search="LEE")] == ["Sam Lee"]
        assert uow.contacts.list(ANN, search="%") == []  # search text is literal, not a pattern
        assert uow.contacts.find_member(ANN, BOB.user_id) == bob
        assert uow.contacts.find_member(ANN, "U_NOBODY") is None


def test_find_name_is_case_insensitive_and_ignores_member_contacts(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        zoe = uow.contacts.add(owner=ANN, name="Zoë Straße", member_user_id=None, now=NOW)
        uow.contacts.add(owner=ANN, name="Bob", member_user_id=BOB.user_id, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.contacts.find_name(ANN, "ZOË STRASSE") == zoe  # Unicode folding, both DBs
        assert uow.contacts.find_name(ANN, "bob") is None  # Bob is a member, found by id only
        assert [c.name for c in uow.contacts.list(ANN, search="zoë")] == ["Zoë Straße"]


def test_meetings_list_newest_first_and_follow_ups_can_be_cleared(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        kim = uow.contacts.add(owner=ANN, name="Kim", member_user_id=None, now=NOW)
        older = uow.meetings.add(
            owner=ANN,
            contact_id=sam.id,
            met_at=NOW - timedelta(days=2),
            context="PyCon hallway",
            follow_up_at=NOW + timedelta(days=1),
        )
        newer = uow.meetings.add(
            owner=ANN, contact_id=kim.id, met_at=NOW, context="", follow_up_at=NOW
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.meetings.list(ANN) == [newer, older]
        uow.meetings.clear_follow_ups(ANN, sam.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.meetings.list(ANN) == [newer, replace(older, follow_up_at=None)]


def test_notes_list_oldest_first(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        first = uow.notes.add(owner=ANN, contact_id=sam.id, text="likes Rust", now=NOW)
        second = uow.notes.add(
            owner=ANN, contact_id=sam.id, text="x" * 2000, now=NOW + timedelta(minutes=1)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.notes.list(ANN) == [first, second]


def test_promises_round_trip_and_list_soonest_due_first_undated_last(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)

        def promise(number: int, due_in_days: int | None) -> int:
            due = None if due_in_days is None else NOW + timedelta(days=due_in_days)
            return uow.promises.add(
                owner=ANN,
                contact_id=sam.id,
                what=f"thing {number}",
                number=number,
                now=NOW,
                due_at=due,
                remind_at=due,
                heads_up_at=None if due is None else due - timedelta(days=1),
            ).id

        undated = promise(1, None)
        later = promise(2, 5)
        sooner = promise(3, 1)
        uow.commit()
    with uow_factory() as uow:
        assert [p.id for p in uow.promises.list_open(ANN)] == [sooner, later, undated]
        assert [p.id for p in uow.promises.list_all(ANN)] == [undated, later, sooner]
        kept = uow.promises.get_open(ANN, 3)
        assert kept is not None and kept.id == sooner and kept.status is PromiseStatus.OPEN
        uow.promises.save(
            replace(kept, status=PromiseStatus.DONE, remind_at=None, closed_at=NOW, snoozes=2)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.promises.get_open(ANN, 3) is None
        done = uow.promises.get(ANN, sooner)
        assert done is not None
        assert (done.status, done.closed_at, done.snoozes) == (PromiseStatus.DONE, NOW, 2)
        assert [p.id for p in uow.promises.list_open(ANN)] == [later, undated]


def test_a_closed_promise_frees_its_number_but_two_open_ones_cannot_share_it(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)

        def promise(owner: Member, what: str) -> Promise:
            return uow.promises.add(
                owner=owner,
                contact_id=sam.id,
                what=what,
                number=1,
                now=NOW,
                due_at=None,
                remind_at=None,
                heads_up_at=None,
            )

        dropped = promise(ANN, "a")
        uow.promises.save(replace(dropped, status=PromiseStatus.DROPPED, closed_at=NOW))
        promise(ANN, "b")
        promise(BOB, "c")
        uow.commit()
        with pytest.raises(IntegrityError):
            promise(ANN, "d")


def test_a_record_about_a_contact_that_does_not_exist_is_refused(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.notes.add(owner=ANN, contact_id=999, text="who?", now=NOW)


def test_cadences_round_trip_and_can_be_deleted(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        kim = uow.contacts.add(owner=ANN, name="Kim", member_user_id=None, now=NOW)
        monthly = uow.cadences.add(
            owner=ANN, contact_id=sam.id, every_days=30, due_at=NOW + timedelta(days=30)
        )
        weekly = uow.cadences.add(
            owner=ANN, contact_id=kim.id, every_days=7, due_at=NOW + timedelta(days=7)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.cadences.get(ANN, sam.id) == monthly
        assert uow.cadences.list(ANN) == [weekly, monthly]
        moved = replace(monthly, every_days=14, due_at=NOW + timedelta(days=14))
        uow.cadences.save(moved)
        uow.cadences.delete(ANN, kim.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.cadences.list(ANN) == [moved]
        assert uow.cadences.get(ANN, kim.id) is None


def test_the_ledger_lists_oldest_first_and_counts_by_kind_and_time(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        old_give = uow.ledger.add(
            owner=ANN,
            kind=LedgerKind.GIVE,
            what="intro to Kim",
            contact_id=sam.id,
            now=NOW - timedelta(days=40),
        )
        give = uow.ledger.add(
            owner=ANN, kind=LedgerKind.GIVE, what="fixed a typo", contact_id=None, now=NOW
        )
        ask = uow.ledger.add(
            owner=ANN, kind=LedgerKind.ASK, what="a Rust mentor", contact_id=None, now=NOW
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.list(ANN) == [old_give, give, ask]
        assert uow.ledger.count(ANN, LedgerKind.GIVE) == 2
        assert uow.ledger.count(ANN, LedgerKind.GIVE, since=NOW - timedelta(days=30)) == 1
        assert uow.ledger.count(ANN, LedgerKind.ASK) == 1
        assert uow.ledger.count(BOB, LedgerKind.ASK) == 0


def test_the_outbox_queues_an_effect_once_per_key_and_the_transaction_carries_on(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    reminder = DirectMessage(ANN, HELLO)
    intro = GroupIntro((BOB, ANN), HELLO)
    with uow_factory() as uow:
        assert uow.outbox.add(reminder, key="promise:1:remind", now=NOW, not_before=NOW)
        assert not uow.outbox.add(reminder, key="promise:1:remind", now=NOW, not_before=NOW)
        # The duplicate did not break the transaction: later work still commits.
        assert uow.outbox.add(intro, key="intro:7", now=NOW, not_before=NOW + timedelta(hours=1))
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.outbox.add(reminder, key="promise:1:remind", now=NOW, not_before=NOW)
        assert len(uow.contacts.list(ANN)) == 1
        rows = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        assert [(r.kind, r.recipient, r.status, r.attempts) for r in rows] == [
            ("dm", "U_ANN", "pending", 0),
            ("group", "U_ANN,U_BOB", "pending", 0),
        ]
        assert [effect_from_json(r.payload) for r in rows] == [reminder, intro]
        assert rows[1].next_attempt_at == rows[1].not_before == NOW + timedelta(hours=1)

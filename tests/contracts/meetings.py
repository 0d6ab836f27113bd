"""The meeting repository's contract: newest first, follow-ups due and cleared."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from bot.core.records import LedgerKind, Profile
from tests.integration.people import ANN, BOB, NOW

HOUR = timedelta(hours=1)


def meetings_list_newest_first_and_follow_ups_can_be_cleared(
    uow_factory: UnitOfWorkFactory,
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


def due_follow_ups_are_the_meetings_whose_nudge_time_came(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(BOB, "Bob"), now=NOW)
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id="U_SAM", now=NOW)
        jo = uow.contacts.add(owner=BOB, name="Jo", member_user_id=None, now=NOW)
        due = uow.meetings.add(
            owner=ANN, contact_id=sam.id, met_at=NOW, context="PyCon", follow_up_at=NOW - HOUR
        )
        uow.meetings.add(
            owner=ANN, contact_id=sam.id, met_at=NOW, context="", follow_up_at=NOW + HOUR
        )
        uow.meetings.add(owner=ANN, contact_id=sam.id, met_at=NOW, context="", follow_up_at=None)
        bobs = uow.meetings.add(
            owner=BOB, contact_id=jo.id, met_at=NOW, context="", follow_up_at=NOW
        )
        uow.commit()
    with uow_factory() as uow:
        found = uow.meetings.due_follow_ups(now=NOW, limit=10)
        assert [(f.meeting.id, f.contact.name) for f in found] == [(due.id, "Sam"), (bobs.id, "Jo")]
        assert [f.profile is not None for f in found] == [False, True]


def a_meeting_keeps_whom_its_context_quotes(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        quoting = uow.meetings.add(
            owner=ANN,
            contact_id=sam.id,
            met_at=NOW,
            context="introduced by Bob",
            follow_up_at=None,
            quotes=BOB,
        )
        uow.commit()
    assert quoting.quotes == BOB
    with uow_factory() as uow:
        assert uow.meetings.list(ANN) == [quoting]


def one_contact_s_records_are_listed_on_their_own(uow_factory: UnitOfWorkFactory) -> None:
    """What `people @sam` reads: each list asked `about` one contact holds only theirs, in the
    list's usual order."""
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        kim = uow.contacts.add(owner=ANN, name="Kim", member_user_id=None, now=NOW)
        for number, contact in enumerate((sam, kim, sam), start=1):
            at = NOW + number * HOUR
            uow.meetings.add(
                owner=ANN, contact_id=contact.id, met_at=at, context="", follow_up_at=None
            )
            uow.notes.add(owner=ANN, contact_id=contact.id, text=f"n{number}", now=at)
            uow.promises.add(
                owner=ANN,
                contact_id=contact.id,
                what=f"p{number}",
                number=number,
                now=at,
                due_at=None,
                remind_at=None,
                heads_up_at=None,
            )
            uow.ledger.add(
                owner=ANN, kind=LedgerKind.GIVE, what=f"g{number}", contact_id=contact.id, now=at
            )
        uow.commit()
    with uow_factory() as uow:
        for contact in (sam, kim):
            lists = (
                uow.meetings.list(ANN, about=contact.id),
                uow.notes.list(ANN, about=contact.id),
                uow.promises.list_open(ANN, about=contact.id),
                uow.promises.list_all(ANN, about=contact.id),
                uow.ledger.list(ANN, about=contact.id),
            )
            everything = (
                uow.meetings.list(ANN),
                uow.notes.list(ANN),
                uow.promises.list_open(ANN),
                uow.promises.list_all(ANN),
                uow.ledger.list(ANN),
            )
            for listed, whole in zip(lists, everything, strict=True):
                assert list(listed) == [row for row in whole if row.contact_id == contact.id]
                assert listed  # each contact has some of each
        assert uow.meetings.list(BOB, about=sam.id) == []  # another member's contact id: nothing

"""The in-memory store keeps the promises the real one makes; otherwise the other tests lie."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.effects import DirectMessage
from bot.core.message import text_message
from bot.core.records import FORMER_MEMBER, LedgerKind
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, ALICE_IN_T2, BOB, NOW


def test_changes_are_kept_only_when_committed() -> None:
    store = InMemoryStore()
    with store() as uow:
        uow.contacts.add(owner=ALICE, name="Sam", member_user_id=None, now=NOW)
    assert store.rows("contacts") == []
    with store() as uow:
        uow.contacts.add(owner=ALICE, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
    assert [c.name for c in store.rows("contacts")] == ["Sam"]


def test_changes_after_a_commit_need_another_commit() -> None:
    store = InMemoryStore()
    with store() as uow:
        uow.contacts.add(owner=ALICE, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
        uow.contacts.add(owner=ALICE, name="Jo", member_user_id=None, now=NOW)
    assert [c.name for c in store.rows("contacts")] == ["Sam"]


def test_an_exception_inside_the_block_rolls_everything_back() -> None:
    store = InMemoryStore()
    with pytest.raises(RuntimeError), store() as uow:
        uow.ledger.add(owner=ALICE, kind=LedgerKind.GIVE, what="x", contact_id=None, now=NOW)
        raise RuntimeError
    assert store.rows("ledger") == []


def test_a_broken_method_raises_until_repaired() -> None:
    store = InMemoryStore()
    store.break_on("notes.add")
    with pytest.raises(RuntimeError), store() as uow:
        uow.notes.add(owner=ALICE, contact_id=1, text="x", now=NOW)
    store.repair()
    with store() as uow:
        uow.notes.add(owner=ALICE, contact_id=1, text="x", now=NOW)


def test_records_are_scoped_to_their_owner() -> None:
    store = InMemoryStore()
    with store() as uow:
        sam = uow.contacts.add(owner=ALICE, name="Sam", member_user_id=None, now=NOW)
        assert uow.contacts.get(BOB, sam.id) is None
        assert uow.contacts.get(ALICE_IN_T2, sam.id) is None
        assert uow.contacts.find_name(BOB, "sam") is None
        assert uow.contacts.find_name(ALICE, "SAM") == sam
        assert uow.contacts.list(BOB) == []


def test_find_name_ignores_contacts_who_are_members() -> None:
    store = InMemoryStore()
    with store() as uow:
        uow.contacts.add(owner=ALICE, name="Bob", member_user_id="UBOB", now=NOW)
        assert uow.contacts.find_name(ALICE, "bob") is None
        assert uow.contacts.find_member(ALICE, "UBOB") is not None


def test_contacts_list_most_recently_touched_first_and_searches_names() -> None:
    store = InMemoryStore()
    with store() as uow:
        uow.contacts.add(owner=ALICE, name="Sam Lee", member_user_id=None, now=NOW)
        uow.contacts.add(owner=ALICE, name="Jo", member_user_id=None, now=NOW + timedelta(1))
        assert [c.name for c in uow.contacts.list(ALICE)] == ["Jo", "Sam Lee"]
        assert [c.name for c in uow.contacts.list(ALICE, search="LEE")] == ["Sam Lee"]


def test_open_promises_come_soonest_first_with_undated_ones_last() -> None:
    store = InMemoryStore()
    with store() as uow:
        for number, due in ((1, None), (2, NOW + timedelta(days=3)), (3, NOW + timedelta(1))):
            uow.promises.add(
                owner=ALICE, contact_id=1, what=f"p{number}", number=number, now=NOW,
                due_at=due, remind_at=due, heads_up_at=None,
            )  # fmt: skip
        assert [p.number for p in uow.promises.list_open(ALICE)] == [3, 2, 1]
        assert uow.promises.get_open(BOB, 1) is None


def test_an_open_promise_number_cannot_be_taken_twice() -> None:
    store = InMemoryStore()
    with store() as uow:

        def add() -> None:
            uow.promises.add(
                owner=ALICE, contact_id=1, what="x", number=1, now=NOW,
                due_at=None, remind_at=None, heads_up_at=None,
            )  # fmt: skip

        add()
        with pytest.raises(ValueError):
            add()


def test_the_outbox_queues_each_key_once() -> None:
    store = InMemoryStore()
    effect = DirectMessage(ALICE, text_message("hi"))
    with store() as uow:
        assert uow.outbox.add(effect, key="k", now=NOW, not_before=NOW) is True
        assert uow.outbox.add(effect, key="k", now=NOW, not_before=NOW) is False
        uow.commit()
    assert [row.key for row in store.dms_to(ALICE)] == ["k"]


def test_erasing_a_member_keeps_others_and_unlinks_them_from_others_contacts() -> None:
    store = InMemoryStore()
    with store() as uow:
        mine = uow.contacts.add(owner=ALICE, name="Bob", member_user_id="UBOB", now=NOW)
        uow.notes.add(owner=ALICE, contact_id=mine.id, text="secret", now=NOW)
        theirs = uow.contacts.add(owner=BOB, name="Alice", member_user_id="UALICE", now=NOW)
        elsewhere = uow.contacts.add(owner=ALICE_IN_T2, name="X", member_user_id=None, now=NOW)
        uow.erase_member(ALICE)
        uow.commit()
    assert store.rows("contacts") == [
        replace(theirs, member_user_id=None, name=FORMER_MEMBER),
        elsewhere,
    ]
    assert store.rows("notes") == []


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(NOW)
    assert clock.now() == NOW
    clock.advance(timedelta(minutes=3))
    assert clock.now() == NOW + timedelta(minutes=3)
    assert clock.now().utcoffset() == timedelta(0)


def test_a_unit_of_work_method_can_be_broken_too() -> None:
    store = InMemoryStore()
    store.break_on("commit")
    with pytest.raises(RuntimeError), store() as uow:
        uow.contacts.add(owner=ALICE, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
    assert store.rows("contacts") == []
    with pytest.raises(AttributeError):
        store.break_on("ledger.nothing")

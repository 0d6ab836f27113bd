"""The contact repository's contract: one owner's, found by member id or by name."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import ANN, BOB, NOW


def contacts_round_trip_and_list_most_recently_touched_first(
    uow_factory: UnitOfWorkFactory,
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


def find_name_is_case_insensitive_and_ignores_member_contacts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        zoe = uow.contacts.add(owner=ANN, name="Zoë Straße", member_user_id=None, now=NOW)
        uow.contacts.add(owner=ANN, name="Bob", member_user_id=BOB.user_id, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.contacts.find_name(ANN, "ZOË STRASSE") == zoe  # Unicode folding, both DBs
        assert uow.contacts.find_name(ANN, "bob") is None  # Bob is a member, found by id only
        assert [c.name for c in uow.contacts.list(ANN, search="zoë")] == ["Zoë Straße"]


def a_blank_search_lists_every_contact(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.contacts.add(owner=ANN, name="Jo Lee", member_user_id=None, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert [c.name for c in uow.contacts.list(ANN, search=" ")] == ["Jo Lee", "Sam"]
        assert [c.name for c in uow.contacts.list(ANN, search="strasse")] == []

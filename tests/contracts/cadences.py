"""The cadence repository's contract: one per contact, listed and due in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import ANN, NOW

HOUR = timedelta(hours=1)


def cadences_round_trip_and_can_be_deleted(uow_factory: UnitOfWorkFactory) -> None:
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


def due_cadences_are_those_run_out(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        jo = uow.contacts.add(owner=ANN, name="Jo", member_user_id=None, now=NOW)
        due = uow.cadences.add(owner=ANN, contact_id=sam.id, every_days=7, due_at=NOW)
        uow.cadences.add(owner=ANN, contact_id=jo.id, every_days=7, due_at=NOW + HOUR)
        uow.commit()
    with uow_factory() as uow:
        assert [c.cadence.id for c in uow.cadences.due(now=NOW, limit=10)] == [due.id]

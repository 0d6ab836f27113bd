"""The note repository's contract: one owner's notes, oldest first."""

from __future__ import annotations

from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import ANN, NOW


def notes_list_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        first = uow.notes.add(owner=ANN, contact_id=sam.id, text="likes Rust", now=NOW)
        second = uow.notes.add(
            owner=ANN, contact_id=sam.id, text="x" * 2000, now=NOW + timedelta(minutes=1)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.notes.list(ANN) == [first, second]

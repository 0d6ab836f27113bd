"""The ledger's contract: one owner's gives and asks, oldest first, counted by kind."""

from __future__ import annotations

from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from bot.core.records import LedgerKind
from tests.integration.people import ANN, BOB, NOW


def the_ledger_lists_oldest_first_and_counts_by_kind_and_time(
    uow_factory: UnitOfWorkFactory,
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


def a_ledger_entry_is_found_and_deleted_by_its_owner_only(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        ask = uow.ledger.add(owner=ANN, kind=LedgerKind.ASK, what="help", contact_id=None, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.get(ANN, ask.id) == ask
        assert uow.ledger.get(BOB, ask.id) is None
        uow.ledger.delete(BOB, ask.id)  # not Bob's: nothing happens
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.get(ANN, ask.id) == ask
        uow.ledger.delete(ANN, ask.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.get(ANN, ask.id) is None

"""The SQL store's own side of the repositories: constraints, rows and workspaces (the ports'
contracts, shared with the fakes, are in tests/contracts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.core.effects import DirectMessage, GroupIntro, effect_from_json
from bot.core.identity import Member
from bot.core.message import Message, Paragraph, UserText
from bot.core.records import Profile, Promise, PromiseStatus
from bot.store.models import OutboxRow, WorkspaceRow
from bot.store.uow import SqlUnitOfWorkFactory
from tests.integration.people import ANN, BOB, NOW

HELLO = Message((Paragraph(("Hello ", UserText("<@everyone>"))),))


def test_saving_profiles_registers_their_workspace_once(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    """What profiles keep is in tests/contracts/profiles.py; this is the store's own side."""
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW)
        uow.profiles.save(Profile(member=BOB, display_name="Bob"), now=NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann B."), now=NOW + timedelta(hours=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(WorkspaceRow)) == 1


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

"""A member's records are theirs alone; erasing and rolling back leave exactly what they should."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.core.effects import ChannelPost, DirectMessage
from bot.core.identity import Channel, Member
from bot.core.message import Message, Paragraph
from bot.core.records import FORMER_MEMBER, LedgerKind, Profile
from bot.store.models import Base, OutboxRow
from bot.store.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA_ON_DISCORD, NOW

HI = Message((Paragraph(("hi",)),))


def _give_everything_to(uow: SqlUnitOfWork, owner: Member, *, about: Member) -> dict[str, int]:
    """One row of every private kind for `owner`, with a contact pointing at member `about`."""
    contact = uow.contacts.add(owner=owner, name="Pal", member_user_id=about.user_id, now=NOW)
    outsider = uow.contacts.add(owner=owner, name="Sam", member_user_id=None, now=NOW)
    uow.profiles.save(Profile(member=owner, display_name=owner.user_id), now=NOW)
    uow.meetings.add(owner=owner, contact_id=contact.id, met_at=NOW, context="", follow_up_at=NOW)
    note = uow.notes.add(owner=owner, contact_id=contact.id, text="secret", now=NOW)
    promise = uow.promises.add(
        owner=owner,
        contact_id=contact.id,
        what="the slides",
        number=1,
        now=NOW,
        due_at=NOW,
        remind_at=NOW,
        heads_up_at=None,
    )
    uow.cadences.add(owner=owner, contact_id=outsider.id, every_days=7, due_at=NOW)
    entry = uow.ledger.add(
        owner=owner, kind=LedgerKind.GIVE, what="a link", contact_id=contact.id, now=NOW
    )
    uow.outbox.add(DirectMessage(owner, HI), key=f"dm:{owner}", now=NOW, not_before=NOW)
    return {"contact": contact.id, "note": note.id, "promise": promise.id, "entry": entry.id}


def _holdings(uow: SqlUnitOfWork, member: Member) -> dict[str, int]:
    return {
        "profile": int(uow.profiles.get(member) is not None),
        "contacts": len(uow.contacts.list(member)),
        "meetings": len(uow.meetings.list(member)),
        "notes": len(uow.notes.list(member)),
        "promises": len(uow.promises.list_all(member)),
        "cadences": len(uow.cadences.list(member)),
        "ledger": len(uow.ledger.list(member)),
    }


EVERYTHING = {
    "profile": 1,
    "contacts": 2,
    "meetings": 1,
    "notes": 1,
    "promises": 1,
    "cadences": 1,
    "ledger": 1,
}
NOTHING = dict.fromkeys(EVERYTHING, 0)


def test_a_member_cannot_read_another_members_records_by_id_or_by_list(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        anns = _give_everything_to(uow, ANN, about=BOB)
        uow.commit()
    for intruder in (BOB, ANN_ELSEWHERE, CARA_ON_DISCORD):
        with uow_factory() as uow:
            assert _holdings(uow, intruder) == NOTHING
            assert uow.contacts.get(intruder, anns["contact"]) is None
            assert uow.contacts.find_name(intruder, "Sam") is None
            assert uow.contacts.find_member(intruder, BOB.user_id) is None
            assert uow.promises.get(intruder, anns["promise"]) is None
            assert uow.promises.get_open(intruder, 1) is None
            assert uow.cadences.get(intruder, anns["contact"]) is None
            assert uow.ledger.count(intruder, LedgerKind.GIVE) == 0


def test_a_member_cannot_change_another_members_records_by_guessing_ids(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        anns = _give_everything_to(uow, ANN, about=BOB)
        uow.commit()
    with uow_factory() as uow:
        promise = uow.promises.get(ANN, anns["promise"])
        contact = uow.contacts.get(ANN, anns["contact"])
        assert promise is not None and contact is not None
        with pytest.raises(KeyError):
            uow.promises.save(replace(promise, owner=BOB, what="hijacked"))
        with pytest.raises(KeyError):
            uow.contacts.save(replace(contact, owner=ANN_ELSEWHERE, name="hijacked"))
        uow.meetings.clear_follow_ups(BOB, anns["contact"])
        uow.cadences.delete(BOB, anns["contact"])
        uow.commit()
    with uow_factory() as uow:
        assert _holdings(uow, ANN) == EVERYTHING
        assert uow.promises.get(ANN, anns["promise"]) == promise
        assert [m.follow_up_at for m in uow.meetings.list(ANN)] == [NOW]


def test_erasing_a_member_removes_only_their_rows_and_unlinks_them_from_others(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        _give_everything_to(uow, ANN, about=BOB)
        bobs = _give_everything_to(uow, BOB, about=ANN)
        _give_everything_to(uow, ANN_ELSEWHERE, about=BOB)
        elsewhere_pal = uow.contacts.add(
            owner=Member(ANN_ELSEWHERE.platform, "T2", "U_DAN"),
            name="Ann",
            member_user_id=ANN.user_id,
            now=NOW,
        )
        uow.outbox.add(
            ChannelPost(Channel(ANN.platform, "T1", "C1"), HI), key="post", now=NOW, not_before=NOW
        )
        uow.commit()

    with uow_factory() as uow:
        uow.erase_member(ANN)
        uow.commit()

    with uow_factory() as uow:
        assert _holdings(uow, ANN) == NOTHING
        assert _holdings(uow, BOB) == EVERYTHING
        assert _holdings(uow, ANN_ELSEWHERE) == EVERYTHING
        # Bob keeps his contact and notes, but neither Ann's account nor her platform name.
        unlinked = uow.contacts.get(BOB, bobs["contact"])
        assert unlinked is not None and unlinked.member_user_id is None
        assert unlinked.name == FORMER_MEMBER and len(uow.notes.list(BOB)) == 1
        # The same user id in another workspace is someone else.
        kept = uow.contacts.get(elsewhere_pal.owner, elsewhere_pal.id)
        assert kept is not None and kept.member_user_id == ANN.user_id
        keys = set(uow.session.scalars(select(OutboxRow.idempotency_key)))
        assert keys == {f"dm:{BOB}", f"dm:{ANN_ELSEWHERE}", "post"}


def test_erasing_a_workspace_leaves_every_other_workspace_intact(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        for owner, about in ((ANN, BOB), (BOB, ANN), (ANN_ELSEWHERE, BOB), (CARA_ON_DISCORD, ANN)):
            _give_everything_to(uow, owner, about=about)
        uow.commit()

    with uow_factory() as uow:
        uow.erase_workspace(ANN.workspace)
        uow.commit()

    with uow_factory() as uow:
        assert _holdings(uow, ANN) == NOTHING
        assert _holdings(uow, BOB) == NOTHING
        assert _holdings(uow, ANN_ELSEWHERE) == EVERYTHING
        assert _holdings(uow, CARA_ON_DISCORD) == EVERYTHING  # same id "T1", other platform
        for table in Base.metadata.sorted_tables:
            if {"platform", "workspace_id"} <= set(table.c.keys()):
                left = uow.session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.platform == ANN.platform.value, table.c.workspace_id == "T1")
                )
                assert left == 0, table.name


def test_work_not_committed_is_rolled_back_when_the_block_ends(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.outbox.add(DirectMessage(ANN, HI), key="k1", now=NOW, not_before=NOW)
        raise Boom
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW)  # and no commit at all

    with uow_factory() as uow:
        assert _holdings(uow, ANN) == NOTHING
        assert uow.outbox.add(DirectMessage(ANN, HI), key="k1", now=NOW, not_before=NOW)


def test_work_after_a_commit_needs_its_own_commit(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
        uow.contacts.add(owner=ANN, name="Kim", member_user_id=None, now=NOW + timedelta(1))

    with uow_factory() as uow:
        assert [c.name for c in uow.contacts.list(ANN)] == ["Sam"]

"""The unit of work's contract: all or nothing, and erasure that leaves exactly what it should."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.effects import DirectMessage, GroupIntro
from bot.core.message import text_message
from bot.core.ports import UnitOfWorkFactory
from bot.core.records import FORMER_INTRODUCER, FORMER_MEMBER, LedgerKind, Profile
from tests.contracts.given import an_intro, pairing_on
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA, DEE, LOBBY, NOW

HI = text_message("hi")


def work_not_committed_is_rolled_back_when_the_block_ends(uow_factory: UnitOfWorkFactory) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.outbox.add(DirectMessage(ANN, HI), key="k1", now=NOW, not_before=NOW)
        raise Boom
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW)  # and no commit
    with uow_factory() as uow:
        assert uow.contacts.list(ANN) == []
        assert uow.profiles.get(ANN) is None
        assert uow.outbox.add(DirectMessage(ANN, HI), key="k1", now=NOW, not_before=NOW)


def work_after_a_commit_needs_its_own_commit(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.commit()
        uow.contacts.add(owner=ANN, name="Kim", member_user_id=None, now=NOW + timedelta(1))
    with uow_factory() as uow:
        assert [c.name for c in uow.contacts.list(ANN)] == ["Sam"]


def erasing_a_member_keeps_others_records_but_no_trace_of_them(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW)
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        uow.notes.add(owner=ANN, contact_id=sam.id, text="secret", now=NOW)
        uow.ledger.add(owner=ANN, kind=LedgerKind.GIVE, what="x", contact_id=None, now=NOW)
        uow.cadences.add(owner=ANN, contact_id=sam.id, every_days=7, due_at=NOW)
        uow.usage.mark(ANN, kind="ask", now=NOW, keep=timedelta(days=1))
        anns = uow.contacts.add(owner=BOB, name="Ann", member_user_id=ANN.user_id, now=NOW)
        kim = uow.contacts.add(owner=BOB, name="Kim", member_user_id=None, now=NOW)
        quoted = uow.meetings.add(
            owner=BOB, contact_id=kim.id, met_at=NOW, context="Ann's idea", follow_up_at=None,
            quotes=ANN,
        )  # fmt: skip
        elsewhere = uow.contacts.add(
            owner=ANN_ELSEWHERE, name="Ann", member_user_id=ANN.user_id, now=NOW
        )
        uow.outbox.add(DirectMessage(ANN, HI), key="dm:ann", now=NOW, not_before=NOW)
        uow.outbox.add(GroupIntro((BOB, ANN), HI), key="group", now=NOW, not_before=NOW)
        uow.outbox.add(DirectMessage(BOB, HI), key="dm:bob", now=NOW, not_before=NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.erase_member(ANN)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) is None
        assert uow.contacts.list(ANN) == uow.notes.list(ANN) == uow.ledger.list(ANN) == []
        assert uow.cadences.list(ANN) == []
        assert uow.usage.recent(ANN, kind="ask", since=NOW - timedelta(days=1)) == []
        assert uow.outbox.queued_for(ANN, limit=9) == []
        assert [q.about for q in uow.outbox.queued_for(BOB, limit=9)] == ["dm"]
        unlinked = uow.contacts.get(BOB, anns.id)
        assert unlinked is not None
        assert (unlinked.name, unlinked.member_user_id) == (FORMER_MEMBER, None)
        [meeting] = uow.meetings.list(BOB)
        assert (meeting.id, meeting.context, meeting.quotes) == (quoted.id, FORMER_INTRODUCER, None)
        assert uow.contacts.get(ANN_ELSEWHERE, elsewhere.id) == elsewhere  # someone else


def erasing_a_workspace_leaves_other_workspaces_alone(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        for owner in (ANN, BOB, ANN_ELSEWHERE):
            uow.profiles.save(Profile(member=owner, display_name="x"), now=NOW)
            sam = uow.contacts.add(owner=owner, name="Sam", member_user_id=None, now=NOW)
            uow.notes.add(owner=owner, contact_id=sam.id, text="x", now=NOW)
            uow.meetings.add(
                owner=owner, contact_id=sam.id, met_at=NOW, context="", follow_up_at=NOW
            )
            uow.promises.add(
                owner=owner, contact_id=sam.id, what="x", number=1, now=NOW,
                due_at=NOW, remind_at=NOW, heads_up_at=None,
            )  # fmt: skip
            uow.cadences.add(owner=owner, contact_id=sam.id, every_days=7, due_at=NOW)
            uow.ledger.add(owner=owner, kind=LedgerKind.ASK, what="x", contact_id=None, now=NOW)
            uow.usage.mark(owner, kind="ask", now=NOW, keep=timedelta(days=1))
            key = f"dm:{owner.workspace_id}:{owner.user_id}"
            uow.outbox.add(DirectMessage(owner, HI), key=key, now=NOW, not_before=NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.erase_workspace(ANN.workspace)
        uow.commit()
    with uow_factory() as uow:
        for gone in (ANN, BOB):
            assert uow.profiles.get(gone) is None
            assert uow.contacts.list(gone) == uow.notes.list(gone) == []
            assert uow.meetings.list(gone) == uow.promises.list_all(gone) == []
            assert uow.cadences.list(gone) == uow.ledger.list(gone) == []
            assert uow.usage.recent(gone, kind="ask", since=NOW - timedelta(days=1)) == []
            assert uow.outbox.queued_for(gone, limit=9) == []
        assert uow.profiles.get(ANN_ELSEWHERE) is not None
        assert [d.promise.owner for d in uow.promises.due_reminders(now=NOW, limit=9)] == [
            ANN_ELSEWHERE
        ]
        assert [d.meeting.owner for d in uow.meetings.due_follow_ups(now=NOW, limit=9)] == [
            ANN_ELSEWHERE
        ]
        assert [d.cadence.owner for d in uow.cadences.due(now=NOW, limit=9)] == [ANN_ELSEWHERE]
        assert len(uow.notes.list(ANN_ELSEWHERE)) == len(uow.ledger.list(ANN_ELSEWHERE)) == 1
        assert uow.usage.recent(ANN_ELSEWHERE, kind="ask", since=NOW - timedelta(days=1)) == [NOW]
        assert len(uow.outbox.queued_for(ANN_ELSEWHERE, limit=9)) == 1


def forgetting_a_member_removes_their_intros_blocks_and_pairing_but_not_others_blocks(
    uow_factory: UnitOfWorkFactory,
) -> None:
    an_intro(uow_factory, introducer=CARA)
    pairing_on(uow_factory)
    with uow_factory() as uow:
        uow.blocks.add(ANN, DEE.user_id, now=NOW)
        uow.blocks.add(DEE, CARA.user_id, now=NOW)
        uow.pairing.join(LOBBY, CARA, now=NOW)
        uow.pairing.join(LOBBY, DEE, now=NOW)
        played = uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=[[CARA, DEE]])
        uow.erase_member(CARA)
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.involving(ANN) == []  # Cara's intro of Ann and Bob went with her
        assert uow.pairing.membership(LOBBY, CARA) is None
        assert uow.pairing.membership(LOBBY, DEE) is not None
        [group] = uow.pairing.groups(played.id)
        assert group.members == (DEE,)
        pairing = uow.pairing.channel(LOBBY)
        assert pairing is not None and pairing.organiser is None
        assert uow.blocks.between(DEE, CARA)  # Dee's block is Dee's, kept
        assert uow.blocks.list(ANN) != []


def erasing_a_workspace_removes_its_intros_blocks_and_pairing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = an_intro(uow_factory)
    pairing_on(uow_factory)
    with uow_factory() as uow:
        uow.blocks.add(ANN, BOB.user_id, now=NOW)
        uow.blocks.add(ANN_ELSEWHERE, BOB.user_id, now=NOW)
        uow.pairing.join(LOBBY, ANN, now=NOW)
        played = uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=[[ANN, BOB]])
        uow.erase_workspace(ANN.workspace)
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, intro.id) is None
        assert uow.blocks.in_workspace(ANN.workspace) == []
        assert len(uow.blocks.list(ANN_ELSEWHERE)) == 1
        assert uow.pairing.channel(LOBBY) is None
        assert uow.pairing.memberships(LOBBY) == []
        assert uow.pairing.rounds(LOBBY, limit=5) == []
        assert uow.pairing.groups(played.id) == []


def times_come_back_in_utc_and_a_time_without_a_zone_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    paris = ZoneInfo("Europe/Paris")
    with uow_factory() as uow:
        sam = uow.contacts.add(
            owner=ANN, name="Sam", member_user_id=None, now=NOW.astimezone(paris)
        )
        uow.commit()
    with uow_factory() as uow:
        stored = uow.contacts.get(ANN, sam.id)
        assert stored == sam and stored.created_at == NOW  # the same instant…
        assert stored.created_at.tzinfo is stored.last_touch_at.tzinfo is UTC  # …read in UTC
        # The store's error wraps the ValueError in its own; the words are the contract.
        with pytest.raises(Exception, match=r"naive datetime .* refused"):
            uow.notes.add(owner=ANN, contact_id=sam.id, text="x", now=NOW.replace(tzinfo=None))

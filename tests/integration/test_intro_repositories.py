"""Intros, blocks and pairing keep what they are given, on SQLite and PostgreSQL alike.

tests/unit/test_fakes_intros.py runs these same functions against the in-memory store, so the
unit tests' fake keeps the same promises.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from bot.core.identity import Channel, Member, Platform
from bot.core.intros import ANSWER_WINDOW
from bot.core.ports import UnitOfWorkFactory
from bot.core.records import (
    CheckIn,
    Intro,
    IntroAnswer,
    IntroStatus,
    MembershipState,
    PairingChannel,
    Profile,
)
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW

CARA = Member(Platform.SLACK, "T1", "U_CARA")
DEE = Member(Platform.SLACK, "T1", "U_DEE")
LOBBY = Channel(Platform.SLACK, "T1", "C_LOBBY")
OTHER_ROOM = Channel(Platform.SLACK, "T1", "C_OTHER")


def _intro(uow_factory: UnitOfWorkFactory, *, introducer: Member = CARA) -> Intro:
    with uow_factory() as uow:
        intro = uow.intros.add(
            introducer=introducer,
            a=ANN,
            b=BOB,
            reason="both love maps",
            channel=LOBBY,
            now=NOW,
            expires_at=NOW + ANSWER_WINDOW,
        )
        uow.commit()
    return intro


def test_an_intro_round_trips_and_only_its_workspace_finds_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = _intro(uow_factory)
    assert intro.status is IntroStatus.PENDING
    assert intro.notice_at == intro.expires_at == NOW + ANSWER_WINDOW
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, intro.id) == intro
        assert uow.intros.get(ANN_ELSEWHERE.workspace, intro.id) is None
        answered = replace(
            intro,
            status=IntroStatus.DECLINED,
            a_answer=IntroAnswer.ACCEPTED,
            b_answer=IntroAnswer.DECLINED,
            closed_at=NOW + timedelta(hours=1),
        )
        uow.intros.save(answered)
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, intro.id) == answered
        assert uow.intros.involving(ANN) == uow.intros.involving(CARA) == [answered]
        assert uow.intros.involving(DEE) == []


def test_intros_are_found_by_pair_either_way_round_and_counted_while_waiting(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = _intro(uow_factory)
    with uow_factory() as uow:
        assert uow.intros.between_since(BOB, ANN, since=NOW) == [intro]
        assert uow.intros.between_since(ANN, BOB, since=NOW + timedelta(seconds=1)) == []
        assert uow.intros.between_since(ANN, DEE, since=NOW - timedelta(days=1)) == []
        assert uow.intros.open_between(BOB, ANN) == [intro]
        assert uow.intros.waiting(CARA) == 1
        assert uow.intros.waiting(ANN) == 0
        uow.intros.save(replace(intro, status=IntroStatus.MADE, notice_at=None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.waiting(CARA) == 0
        assert uow.intros.open_between(ANN, BOB) == []
        [made] = uow.intros.between_since(ANN, BOB, since=NOW)
        assert made.status is IntroStatus.MADE


def test_a_withheld_intro_is_its_introducers_alone_and_waits_like_any_other(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        withheld = uow.intros.add(
            introducer=CARA,
            a=ANN,
            b=BOB,
            reason="both love maps",
            channel=None,
            now=NOW,
            expires_at=NOW + ANSWER_WINDOW,
            withheld=True,
        )
        uow.commit()
    assert withheld.withheld and withheld.notice_at == NOW + ANSWER_WINDOW
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, withheld.id) == withheld
        assert uow.intros.involving(CARA) == [withheld]
        assert uow.intros.involving(ANN) == uow.intros.involving(BOB) == []
        assert uow.intros.between_since(BOB, ANN, since=NOW) == [withheld]
        assert uow.intros.waiting(CARA) == 1
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW, limit=9) == [withheld]


def test_due_notices_come_oldest_first_and_only_once_due(uow_factory: UnitOfWorkFactory) -> None:
    first = _intro(uow_factory)
    with uow_factory() as uow:
        later = uow.intros.add(
            introducer=DEE,
            a=ANN,
            b=CARA,
            reason="x",
            channel=None,
            now=NOW + timedelta(hours=1),
            expires_at=NOW + ANSWER_WINDOW + timedelta(hours=1),
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW - timedelta(seconds=1), limit=9) == []
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW, limit=9) == [first]
        assert uow.intros.due_notices(now=NOW + timedelta(days=30), limit=9) == [first, later]
        assert uow.intros.due_notices(now=NOW + timedelta(days=30), limit=1) == [first]
        assert later.channel is None


def test_blocks_are_one_members_and_count_both_ways(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.blocks.add(ANN, BOB.user_id, now=NOW)
        assert not uow.blocks.add(ANN, BOB.user_id, now=NOW)
        uow.blocks.add(ANN_ELSEWHERE, CARA.user_id, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.blocks.between(ANN, BOB) and uow.blocks.between(BOB, ANN)
        assert not uow.blocks.between(ANN, CARA)  # Ann's block of Cara is in another workspace
        [block] = uow.blocks.list(ANN)
        assert (block.owner, block.blocked, block.created_at) == (ANN, BOB, NOW)
        assert uow.blocks.list(BOB) == []
        assert uow.blocks.in_workspace(ANN.workspace) == [block]
        assert uow.blocks.either_way(ANN) == {BOB.user_id}
        assert uow.blocks.either_way(BOB) == {ANN.user_id}
        assert uow.blocks.either_way(CARA) == frozenset()
        assert uow.blocks.either_way(ANN_ELSEWHERE) == {CARA.user_id}
        assert uow.blocks.remove(ANN, BOB.user_id)
        assert not uow.blocks.remove(ANN, BOB.user_id)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.blocks.between(ANN, BOB)


def _pairing_on(uow_factory: UnitOfWorkFactory, channel: Channel = LOBBY) -> PairingChannel:
    with uow_factory() as uow:
        pairing = uow.pairing.put_channel(
            channel,
            every_weeks=2,
            group_size=3,
            weekday=1,
            at=time(9, 30),
            timezone="Europe/Paris",
            repeat_window=6,
            organiser=CARA,
            next_round_at=NOW + timedelta(days=1),
            heads_up_at=NOW,
            channel_name="lobby",
            now=NOW,
        )
        uow.commit()
    return pairing


def test_a_pairing_channel_is_put_updated_and_found_when_due(
    uow_factory: UnitOfWorkFactory,
) -> None:
    pairing = _pairing_on(uow_factory)
    assert (pairing.channel, pairing.active, pairing.at, pairing.organiser) == (
        LOBBY,
        True,
        time(9, 30),
        CARA,
    )
    with uow_factory() as uow:
        again = uow.pairing.put_channel(
            LOBBY,
            every_weeks=1,
            group_size=2,
            weekday=0,
            at=time(10),
            timezone="UTC",
            repeat_window=8,
            organiser=DEE,
            next_round_at=NOW + timedelta(days=2),
            heads_up_at=None,
            channel_name="",  # the platform didn't say: the name known is kept
            now=NOW + timedelta(days=1),
        )
        assert (again.id, again.created_at) == (pairing.id, pairing.created_at)
        assert (pairing.channel_name, again.channel_name) == ("lobby", "lobby")
        assert (again.group_size, again.repeat_window, again.organiser) == (2, 8, DEE)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pairing.due_heads_ups(now=NOW + timedelta(days=9), limit=5) == []
        assert uow.pairing.due_rounds(now=NOW + timedelta(days=2), limit=5) == [again]
        assert uow.pairing.due_rounds(now=NOW + timedelta(days=1), limit=5) == []
        off = replace(again, active=False, next_round_at=None, organiser=None)
        uow.pairing.save_channel(off)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pairing.channel(LOBBY) == off
        assert uow.pairing.due_rounds(now=NOW + timedelta(days=9), limit=5) == []
        assert uow.pairing.channel(OTHER_ROOM) is None


def test_memberships_join_rejoin_and_come_with_profiles(uow_factory: UnitOfWorkFactory) -> None:
    _pairing_on(uow_factory)
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann", timezone="Asia/Tokyo"), now=NOW)
        ann = uow.pairing.join(LOBBY, ANN, now=NOW)
        bob = uow.pairing.join(LOBBY, BOB, now=NOW)
        uow.pairing.join(OTHER_ROOM, ANN, now=NOW)
        away = replace(
            ann,
            state=MembershipState.PAUSED,
            paused_until=NOW + timedelta(days=9),
            skip_round_at=NOW + timedelta(days=1),
            silent_rounds=2,
        )
        uow.pairing.save_membership(away)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pairing.membership(LOBBY, ANN) == away
        listed = uow.pairing.memberships(LOBBY)
        assert [(m, p.timezone if p else None) for m, p in listed] == [
            (away, "Asia/Tokyo"),
            (bob, None),
        ]
        assert [m.channel for m in uow.pairing.memberships_of(ANN)] == [LOBBY, OTHER_ROOM]
        back = uow.pairing.join(LOBBY, ANN, now=NOW + timedelta(days=3))
        assert back == replace(
            ann, state=MembershipState.ACTIVE, paused_until=None, skip_round_at=None
        )
        uow.commit()


def test_rounds_are_numbered_per_channel_and_keep_their_groups_and_answers(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        first = uow.pairing.add_round(
            LOBBY, started_at=NOW, checkin_at=NOW + timedelta(days=3), groups=[[ANN, BOB]]
        )
        uow.pairing.add_round(OTHER_ROOM, started_at=NOW, checkin_at=None, groups=[])
        second = uow.pairing.add_round(
            LOBBY,
            started_at=NOW + timedelta(weeks=1),
            checkin_at=NOW + timedelta(days=10),
            groups=[[ANN, CARA, DEE], [BOB, ANN_ELSEWHERE]],
        )
        uow.commit()
    assert (first.number, second.number, second.group_count) == (1, 2, 2)
    with uow_factory() as uow:
        assert uow.pairing.rounds(LOBBY, limit=5) == [second, first]
        assert uow.pairing.rounds(LOBBY, limit=1) == [second]
        trio, pair = uow.pairing.groups(second.id)
        assert trio.members == (ANN, CARA, DEE) and trio.channel == LOBBY
        assert all(seat.answer is None for seat in trio.seats) and trio.met_at is None
        assert pair.members == (BOB, ANN_ELSEWHERE)
        assert uow.pairing.group(ANN.workspace, trio.id) == trio
        assert uow.pairing.group(ANN_ELSEWHERE.workspace, trio.id) is None

        answered = uow.pairing.answer(trio, CARA, CheckIn.YES, met_at=NOW + timedelta(days=4))
        assert [s.answer for s in answered.seats] == [None, CheckIn.YES, None]
        assert answered.met_at == NOW + timedelta(days=4)
        again = uow.pairing.answer(answered, ANN, CheckIn.YES, met_at=NOW + timedelta(days=5))
        assert again.met_at == NOW + timedelta(days=4)  # the first yes counts
        uow.pairing.answer(pair, BOB, CheckIn.NOT_YET, met_at=None)
        uow.commit()
    with uow_factory() as uow:
        assert uow.pairing.met_count(second.id) == 1
        assert uow.pairing.met_count(first.id) == 0
        assert uow.pairing.due_checkins(now=NOW + timedelta(days=3), limit=5) == [first]
        uow.pairing.save_round(replace(first, checkin_at=None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.pairing.due_checkins(now=NOW + timedelta(days=30), limit=5) == [second]


def test_recent_partners_cover_only_the_last_rounds_of_that_channel(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=[[ANN, DEE]])
        uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=[[ANN, BOB, CARA]])
        uow.pairing.add_round(OTHER_ROOM, started_at=NOW, checkin_at=None, groups=[[ANN, DEE]])
        uow.commit()
    with uow_factory() as uow:
        ann, bob, cara, dee = (m.user_id for m in (ANN, BOB, CARA, DEE))
        assert uow.pairing.recent_partners(LOBBY, rounds=1) == {
            ann: {bob, cara},
            bob: {ann, cara},
            cara: {ann, bob},
        }
        assert uow.pairing.recent_partners(LOBBY, rounds=2)[dee] == {ann}
        assert uow.pairing.recent_partners(Channel(Platform.SLACK, "T1", "C_NEW"), rounds=6) == {}


def test_a_large_round_is_stored_in_one_go(uow_factory: UnitOfWorkFactory) -> None:
    members = [Member(Platform.SLACK, "T1", f"U{i:05d}") for i in range(3000)]
    pairs = [members[i : i + 2] for i in range(0, len(members), 2)]
    with uow_factory() as uow:
        started = uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=pairs)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.pairing.groups(started.id)
        assert [g.members for g in stored] == [tuple(p) for p in pairs]


def test_forgetting_a_member_removes_their_intros_blocks_and_pairing_but_not_others_blocks(
    uow_factory: UnitOfWorkFactory,
) -> None:
    _intro(uow_factory, introducer=CARA)
    _pairing_on(uow_factory)
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


def test_erasing_a_workspace_removes_its_intros_blocks_and_pairing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = _intro(uow_factory)
    _pairing_on(uow_factory)
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

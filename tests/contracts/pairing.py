"""The pairing repository's contract: channels, memberships, rounds, groups and answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from bot.core.identity import Channel, Member, Platform
from bot.core.ports import UnitOfWorkFactory
from bot.core.records import CheckIn, MembershipState, Profile
from tests.contracts.given import pairing_on
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA, DEE, LOBBY, NOW, OTHER_ROOM


def a_pairing_channel_is_put_updated_and_found_when_due(
    uow_factory: UnitOfWorkFactory,
) -> None:
    pairing = pairing_on(uow_factory)
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


def memberships_join_rejoin_and_come_with_profiles(uow_factory: UnitOfWorkFactory) -> None:
    pairing_on(uow_factory)
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


def rounds_are_numbered_per_channel_and_keep_their_groups_and_answers(
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


def recent_partners_cover_only_the_last_rounds_of_that_channel(
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


def a_large_round_is_stored_in_one_go(uow_factory: UnitOfWorkFactory) -> None:
    members = [Member(Platform.SLACK, "T1", f"U{i:05d}") for i in range(3000)]
    pairs = [members[i : i + 2] for i in range(0, len(members), 2)]
    with uow_factory() as uow:
        started = uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=None, groups=pairs)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.pairing.groups(started.id)
        assert [g.members for g in stored] == [tuple(p) for p in pairs]

"""The contract of who attendees met and suggested pairs: each member asked once, only events
over and not too old, reads scoped to the workspace, pairs stored once, and erasure."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.events import Answer, Event, Rsvp
from bot.core.identity import Channel, Member, Platform
from bot.core.ports import UnitOfWork, UnitOfWorkFactory
from tests.integration.people import NOW

HOUR = timedelta(hours=1)
RUST = Channel(Platform.SLACK, "T1", "C_RUST")
ANA = Member(Platform.SLACK, "T1", "U_ANA")
BEN = Member(Platform.SLACK, "T1", "U_BEN")
CAT = Member(Platform.SLACK, "T1", "U_CAT")
ELSEWHERE = Channel(Platform.SLACK, "T2", "C_RUST")
ZED = Member(Platform.SLACK, "T2", "U_ZED")


def _event(uow: UnitOfWork, channel: Channel, creator: Member, *, hours: int) -> Event:
    return uow.events.add(
        channel=channel,
        creator=creator,
        title="Rust night",
        starts_at=NOW + hours * HOUR,
        ends_at=NOW + (hours + 2) * HOUR,
        place="Café",
        limit=None,
        timezone="UTC",
        now=NOW - 48 * HOUR,
    )


def _going(uow: UnitOfWork, event: Event, *members: Member, answer: Answer = Answer.GOING) -> None:
    for member in members:
        uow.events.answer(Rsvp(event.id, member, answer, NOW - 40 * HOUR))


def events_over_with_someone_going_unasked_are_found_until_everyone_is_asked(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        over = _event(uow, RUST, ANA, hours=-3)  # ended an hour ago
        _going(uow, over, ANA, BEN)
        _going(uow, over, CAT, answer=Answer.MAYBE)
        coming = _event(uow, RUST, ANA, hours=5)
        _going(uow, coming, ANA)
        old = _event(uow, RUST, ANA, hours=-100)
        _going(uow, old, ANA)
        cancelled = _event(uow, RUST, ANA, hours=-4)
        _going(uow, cancelled, BEN)
        uow.events.save(replace(cancelled, cancelled=True))
        uow.commit()
    since = NOW - 48 * HOUR
    with uow_factory() as uow:
        assert [
            e.id for e in uow.event_followups.ended_unasked(now=NOW, since=since, limit=10)
        ] == [over.id]
        uow.event_followups.ask(over, ANA, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert [
            e.id for e in uow.event_followups.ended_unasked(now=NOW, since=since, limit=10)
        ] == [over.id]  # Ben is not asked yet
        uow.event_followups.ask(over, BEN, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.event_followups.ended_unasked(now=NOW, since=since, limit=10) == []
        asked = uow.event_followups.attendance(over)
        assert [(a.member, a.answered_at, a.met) for a in asked] == [
            (ANA, None, ()),
            (BEN, None, ()),
        ]


def an_answer_is_saved_on_the_members_row_and_read_back_by_them_only(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        over = _event(uow, RUST, ANA, hours=-3)
        _going(uow, over, ANA, BEN)
        mine = uow.event_followups.ask(over, ANA, now=NOW)
        uow.event_followups.ask(over, BEN, now=NOW)
        uow.event_followups.save(replace(mine, answered_at=NOW + HOUR, met=("U_BEN",), outside=2))
        uow.commit()
    with uow_factory() as uow:
        [(event, answer)] = uow.event_followups.attendance_of(ANA)
        assert event.id == over.id and answer.met == ("U_BEN",)
        assert (answer.outside, answer.meetings) == (2, 3)  # two from outside, counted only
        assert answer.answered_at == NOW + HOUR
        assert uow.event_followups.attendance_of(ZED) == []


def pairs_are_stored_once_whichever_way_round_and_seen_by_both_sides(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        soon = _event(uow, RUST, ANA, hours=2)
        later = _event(uow, RUST, ANA, hours=30)
        other = _event(uow, ELSEWHERE, ZED, hours=2)
        made = uow.event_followups.suggest(soon, BEN, ANA, now=NOW)
        assert (made.a, made.b) == (ANA, BEN)
        uow.commit()
    with uow_factory() as uow:
        starting = uow.event_followups.starting(now=NOW, within=3 * HOUR)
        assert {e.id for e in starting} == {soon.id, other.id}
        assert [(s.a, s.b) for s in uow.event_followups.suggestions(soon)] == [(ANA, BEN)]
        assert [e.id for e in uow.event_followups.since(RUST, since=NOW)] == [soon.id, later.id]
        assert [e.id for e in uow.event_followups.since(RUST, since=NOW + 3 * HOUR)] == [later.id]
        assert uow.event_followups.suggestions(later) == []
        assert [e.id for e, _ in uow.event_followups.suggestions_of(BEN)] == [soon.id]
        assert uow.event_followups.suggestions_of(CAT) == []


def erasing_a_member_removes_their_answers_pairs_and_their_id_in_what_others_met(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        over = _event(uow, RUST, CAT, hours=-3)
        _going(uow, over, ANA, BEN)
        ana = uow.event_followups.ask(over, ANA, now=NOW)
        uow.event_followups.ask(over, BEN, now=NOW)
        uow.event_followups.save(replace(ana, answered_at=NOW, met=("U_BEN", "U_CAT")))
        uow.event_followups.suggest(over, ANA, BEN, now=NOW)
        mine = _event(uow, RUST, BEN, hours=-5)
        _going(uow, mine, ANA)
        uow.event_followups.ask(mine, ANA, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.erase_member(BEN)
        uow.commit()
    with uow_factory() as uow:
        [(event, answer)] = uow.event_followups.attendance_of(ANA)
        assert event.id == over.id and answer.met == ("U_CAT",)
        assert uow.event_followups.attendance_of(BEN) == []
        assert uow.event_followups.suggestions_of(ANA) == []
        uow.erase_workspace(RUST.workspace)
        uow.commit()
    with uow_factory() as uow:
        assert uow.event_followups.attendance_of(ANA) == []

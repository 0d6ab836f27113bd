"""The event repository's contract: numbers per workspace, one answer per member, scoped reads,
and erasure of a member's answers and events."""

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
ELSEWHERE = Channel(Platform.SLACK, "T2", "C_RUST")


def _add(uow: UnitOfWork, channel: Channel, creator: Member, title: str, *, hours: int) -> Event:
    return uow.events.add(
        channel=channel,
        creator=creator,
        title=title,
        starts_at=NOW + hours * HOUR,
        ends_at=NOW + (hours + 2) * HOUR,
        place="Café",
        limit=20,
        timezone="Europe/Lisbon",
        now=NOW,
    )


def events_are_numbered_per_workspace_found_in_their_own_only_and_listed_soonest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        later = _add(uow, RUST, ANA, "Rust night", hours=48)
        sooner = _add(uow, RUST, BEN, "Rust lunch", hours=24)
        away = _add(uow, ELSEWHERE, Member(Platform.SLACK, "T2", "U_X"), "Elsewhere", hours=1)
        uow.commit()
    assert (later.number, sooner.number, away.number) == (1, 2, 1)
    with uow_factory() as uow:
        assert uow.events.get(RUST.workspace, 1) == later
        assert uow.events.get(ELSEWHERE.workspace, 2) is None
        assert uow.events.get_by_id(ELSEWHERE.workspace, later.id) is None  # another workspace's
        assert [e.title for e in uow.events.upcoming(RUST, now=NOW)] == ["Rust lunch", "Rust night"]
        assert later.channel_name == ""  # until the command saves the name the platform gave
        uow.events.save(replace(sooner, cancelled=True, sequence=1, channel_name="rust"))
        uow.commit()
    with uow_factory() as uow:
        assert [e.number for e in uow.events.upcoming(RUST, now=NOW)] == [1]
        assert uow.events.upcoming(RUST, now=NOW + 51 * HOUR) == []  # over
        saved = uow.events.get(RUST.workspace, 2)
        assert saved is not None and (saved.cancelled, saved.sequence) == (True, 1)
        assert saved.channel_name == "rust"
        assert uow.events.created_by(ANA) == [later]


def a_member_has_one_answer_per_event_and_reads_only_their_own(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        event = _add(uow, RUST, ANA, "Rust night", hours=24)
        uow.events.answer(Rsvp(event.id, BEN, Answer.GOING, NOW))
        uow.events.answer(Rsvp(event.id, ANA, Answer.WAITING, NOW + HOUR))
        uow.events.answer(Rsvp(event.id, BEN, Answer.MAYBE, NOW + 2 * HOUR))
        uow.commit()
    with uow_factory() as uow:
        assert uow.events.answers(event) == [
            Rsvp(event.id, ANA, Answer.WAITING, NOW + HOUR),
            Rsvp(event.id, BEN, Answer.MAYBE, NOW + 2 * HOUR),
        ]
        assert uow.events.answers_of(BEN) == [
            (event, Rsvp(event.id, BEN, Answer.MAYBE, NOW + 2 * HOUR))
        ]
        assert uow.events.answers_of(Member(Platform.SLACK, "T2", "U_BEN")) == []


def erasing_a_member_takes_their_answers_and_their_events_with_everyone_s_answers(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        anas = _add(uow, RUST, ANA, "Ana's night", hours=24)
        bens = _add(uow, RUST, BEN, "Ben's lunch", hours=30)
        uow.events.answer(Rsvp(anas.id, BEN, Answer.GOING, NOW))
        uow.events.answer(Rsvp(bens.id, ANA, Answer.GOING, NOW))
        uow.events.answer(Rsvp(bens.id, BEN, Answer.GOING, NOW))
        uow.commit()
    with uow_factory() as uow:
        uow.erase_member(ANA)
        uow.commit()
    with uow_factory() as uow:
        assert uow.events.created_by(ANA) == [] and uow.events.answers_of(ANA) == []
        assert [e.title for e in uow.events.upcoming(RUST, now=NOW)] == ["Ben's lunch"]
        assert [r.member for r in uow.events.answers(bens)] == [BEN]
        assert uow.events.answers_of(BEN) == [(bens, Rsvp(bens.id, BEN, Answer.GOING, NOW))]
        uow.erase_workspace(RUST.workspace)
        uow.commit()
    with uow_factory() as uow:
        assert uow.events.upcoming(RUST, now=NOW) == [] and uow.events.answers_of(BEN) == []


def reminders_are_due_by_their_times_and_an_opt_in_is_kept_on_the_answer(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        event = _add(uow, RUST, ANA, "Rust night", hours=30)
        uow.events.save(
            replace(event, day_before_at=NOW + 6 * HOUR, hour_before_at=NOW + 29 * HOUR)
        )
        uow.events.answer(Rsvp(event.id, BEN, Answer.GOING, NOW, suggest=True))
        uow.commit()
    with uow_factory() as uow:
        assert uow.events.due_reminders(now=NOW + 5 * HOUR, limit=10) == []
        [due] = uow.events.due_reminders(now=NOW + 6 * HOUR, limit=10)
        assert (due.id, due.day_before_at) == (event.id, NOW + 6 * HOUR)
        uow.events.save(replace(due, day_before_at=None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.events.due_reminders(now=NOW + 28 * HOUR, limit=10) == []
        assert [e.id for e in uow.events.due_reminders(now=NOW + 29 * HOUR, limit=10)] == [event.id]
        [answer] = uow.events.answers(event)
        assert answer.suggest

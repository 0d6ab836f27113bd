"""The ticker's one question per tick, on SQLite and PostgreSQL: a kind of due work is named
exactly when its job's own query finds something due, so an idle tick skips nothing due."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update

from bot.core.effects import DirectMessage
from bot.core.event_followups import ASK_WITHIN, SUGGEST_BEFORE
from bot.core.events import Answer, Event, Rsvp
from bot.core.message import text_message
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import Profile
from bot.store.models import OutboxRow
from bot.store.uow import SqlUnitOfWorkFactory
from tests.contracts.given import add_promise, an_intro, pairing_on
from tests.integration.people import ANN, BOB, LOBBY, NOW

HOUR = timedelta(hours=1)


def found_by_its_job(uow: UnitOfWork, kind: DueKind, by: datetime) -> bool:
    """What the job of `kind` would find due by `by`, asked through its own query."""
    match kind:
        case DueKind.REMINDERS:
            return bool(uow.promises.due_reminders(now=by, limit=1))
        case DueKind.HEADS_UPS:
            return bool(uow.promises.due_heads_ups(now=by, limit=1))
        case DueKind.FOLLOW_UPS:
            return bool(uow.meetings.due_follow_ups(now=by, limit=1))
        case DueKind.CADENCES:
            return bool(uow.cadences.due(now=by, limit=1))
        case DueKind.DIGESTS:
            return bool(uow.profiles.due_digests(now=by, limit=1))
        case DueKind.CHANNEL_PROMPTS:
            return bool(uow.channel_prompts.due(now=by, limit=1))
        case DueKind.INTRO_NOTICES:
            return bool(uow.intros.due_notices(now=by, limit=1))
        case DueKind.PAIRING_HEADS_UPS:
            return bool(uow.pairing.due_heads_ups(now=by, limit=1))
        case DueKind.PAIRING_ROUNDS:
            return bool(uow.pairing.due_rounds(now=by, limit=1))
        case DueKind.PAIRING_CHECKINS:
            return bool(uow.pairing.due_checkins(now=by, limit=1))
        case DueKind.SETTLED_OUTBOX:
            return uow.outbox.purge_settled(before=by, limit=1) > 0  # rolled back below
        case DueKind.EVENT_REMINDERS:
            return bool(uow.events.due_reminders(now=by, limit=1))
        case DueKind.EVENT_QUESTIONS:
            return bool(uow.event_followups.ended_unasked(now=by, since=by - ASK_WITHIN, limit=1))
        case DueKind.EVENT_SUGGESTIONS:  # an event starting soon, with someone asking
            return any(
                rsvp.answer is Answer.GOING and rsvp.suggest
                for event in uow.event_followups.starting(now=by, within=SUGGEST_BEFORE)
                for rsvp in uow.events.answers(event)
            )


def check(kind: DueKind, at: datetime) -> DueCheck:
    """What the job of `kind` asks at `at` (the event follow-ups, inside their windows)."""
    match kind:
        case DueKind.EVENT_QUESTIONS:
            return DueCheck(kind, at, after=at - ASK_WITHIN)
        case DueKind.EVENT_SUGGESTIONS:
            return DueCheck(kind, at + SUGGEST_BEFORE, after=at)
    return DueCheck(kind, at)


def an_event_ann_goes_to(uow: UnitOfWork) -> Event:
    """Starting at +12 h, ending at +13 h, reminders at +9 h and +11 h; Ann asked to meet people."""
    event = uow.events.add(
        channel=LOBBY,
        creator=BOB,
        title="Rust night",
        starts_at=NOW + 12 * HOUR,
        ends_at=NOW + 13 * HOUR,
        place="Café",
        limit=None,
        timezone="UTC",
        now=NOW,
    )
    event = replace(event, day_before_at=NOW + 9 * HOUR, hour_before_at=NOW + 11 * HOUR)
    uow.events.save(event)
    uow.events.answer(Rsvp(event.id, ANN, Answer.GOING, NOW, suggest=True))
    return event


def some_of_everything_coming_due(uow_factory: SqlUnitOfWorkFactory) -> list[datetime]:
    """One row of each kind, each due at its own time; those times."""
    an_intro(uow_factory)
    pairing_on(uow_factory)
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann"), now=NOW)
        uow.profiles.schedule_digest(ANN, at=NOW + 2 * HOUR)
        add_promise(uow, ANN, "slides", remind_at=NOW + 3 * HOUR, heads_up_at=NOW + HOUR)
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id="U_SAM", now=NOW)
        uow.meetings.add(
            owner=ANN, contact_id=sam.id, met_at=NOW, context="", follow_up_at=NOW + 4 * HOUR
        )
        uow.cadences.add(owner=ANN, contact_id=sam.id, every_days=7, due_at=NOW + 5 * HOUR)
        uow.channel_prompts.put(
            LOBBY, weekday=0, timezone="UTC", next_post_at=NOW + 6 * HOUR, now=NOW
        )
        uow.pairing.add_round(LOBBY, started_at=NOW, checkin_at=NOW + 7 * HOUR, groups=[[ANN, BOB]])
        uow.outbox.add(DirectMessage(BOB, text_message("hi")), key="k", now=NOW, not_before=NOW)
        an_event_ann_goes_to(uow)
        uow.commit()
    with uow_factory() as uow:
        uow.session.execute(
            update(OutboxRow).values(status="sent", sent_at=NOW, settled_at=NOW + 8 * HOUR)
        )
        uow.commit()
    # The intro's notice comes a week on, and the pairing round the next day; the event's
    # questions are asked within two days of its end.
    return [*(NOW + n * HOUR for n in range(14)), NOW + 2 * ASK_WITHIN, NOW + timedelta(days=8)]


def test_a_kind_is_named_exactly_when_its_job_finds_something_due(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    times = some_of_everything_coming_due(uow_factory)
    seen: list[frozenset[DueKind]] = []
    for at in [NOW - timedelta(days=1), *times, *(t - timedelta(seconds=1) for t in times)]:
        with uow_factory() as uow:
            named = uow.due_kinds([check(kind, at) for kind in DueKind])
        expected = set()
        for kind in DueKind:
            with uow_factory() as uow:  # each asked on its own: the purge writes
                if found_by_its_job(uow, kind, at):
                    expected.add(kind)
        assert named == expected, at
        seen.append(named)
    assert frozenset() in seen
    assert set().union(*seen) == set(DueKind)  # every kind was seen due: each probe was tried


def test_each_kind_is_asked_by_its_own_time(uow_factory: SqlUnitOfWorkFactory) -> None:
    some_of_everything_coming_due(uow_factory)
    later = NOW + timedelta(days=30)
    with uow_factory() as uow:
        # Settled messages are due for the purge only once their retention is over.
        checks = [DueCheck(DueKind.SETTLED_OUTBOX, NOW), DueCheck(DueKind.REMINDERS, later)]
        assert uow.due_kinds(checks) == {DueKind.REMINDERS}
        assert uow.due_kinds([]) == frozenset()


def test_an_event_stops_being_due_once_everyone_going_was_asked_or_nobody_asks_to_meet(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        event = an_event_ann_goes_to(uow)
        uow.commit()
    soon, ended = NOW + 10 * HOUR, NOW + 14 * HOUR
    kinds = [check(DueKind.EVENT_SUGGESTIONS, soon), check(DueKind.EVENT_QUESTIONS, ended)]
    with uow_factory() as uow:
        assert uow.due_kinds(kinds) == {DueKind.EVENT_SUGGESTIONS, DueKind.EVENT_QUESTIONS}
        uow.events.answer(Rsvp(event.id, ANN, Answer.GOING, NOW, suggest=False))
        uow.event_followups.ask(event, ANN, now=ended)
        uow.commit()
    with uow_factory() as uow:
        assert uow.due_kinds(kinds) == frozenset()
        uow.events.save(replace(event, cancelled=True))
        uow.events.answer(Rsvp(event.id, ANN, Answer.GOING, NOW, suggest=True))
        assert uow.due_kinds(kinds) == frozenset()  # nothing comes of a cancelled event

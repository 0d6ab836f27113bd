"""The promise repository's contract: numbers, order, counts, and reminders due."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.ports import PromiseTally, UnitOfWorkFactory
from bot.core.records import Profile, PromiseAction, PromiseNumbering, PromiseStatus, Undoable
from tests.contracts.given import add_promise
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW
from tests.seeding import add_undated_promise

HOUR = timedelta(hours=1)


def promises_round_trip_and_list_soonest_due_first_undated_last(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)

        def promise(number: int, due_in_days: int | None) -> int:
            due = None if due_in_days is None else NOW + timedelta(days=due_in_days)
            return uow.promises.add(
                owner=ANN,
                contact_id=sam.id,
                what=f"thing {number}",
                number=number,
                now=NOW,
                due_at=due,
                remind_at=due,
                heads_up_at=None if due is None else due - timedelta(days=1),
            ).id

        undated = promise(1, None)
        later = promise(2, 5)
        sooner = promise(3, 1)
        uow.commit()
    with uow_factory() as uow:
        assert [p.id for p in uow.promises.list_open(ANN)] == [sooner, later, undated]
        assert [p.id for p in uow.promises.list_all(ANN)] == [undated, later, sooner]
        kept = uow.promises.get_open(ANN, 3)
        assert kept is not None and kept.id == sooner and kept.status is PromiseStatus.OPEN
        uow.promises.save(
            replace(kept, status=PromiseStatus.DONE, remind_at=None, closed_at=NOW, snoozes=2)
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.promises.get_open(ANN, 3) is None
        done = uow.promises.get(ANN, sooner)
        assert done is not None
        assert (done.status, done.closed_at, done.snoozes) == (PromiseStatus.DONE, NOW, 2)
        assert [p.id for p in uow.promises.list_open(ANN)] == [later, undated]


def open_promise_queries(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        jo = uow.contacts.add(owner=ANN, name="Jo", member_user_id=None, now=NOW)
        made = []
        for number in range(1, 6):
            made.append(
                uow.promises.add(
                    owner=ANN,
                    contact_id=sam.id if number % 2 else jo.id,
                    what=f"thing {number}",
                    number=number,
                    now=NOW + timedelta(minutes=number),
                    due_at=NOW + timedelta(days=10 - number) if number < 4 else None,
                    remind_at=None,
                    heads_up_at=None,
                )
            )
        bob_contact = uow.contacts.add(owner=BOB, name="Sam", member_user_id=None, now=NOW)
        add_undated_promise(
            uow,
            owner=BOB,
            contact_id=bob_contact.id,
            number=1,
            what="not Ann's",
            now=NOW,
        )
        # #1 (due in 9 days) kept the next day, #2 kept late: neither is open any more.
        done = PromiseStatus.DONE
        uow.promises.save(replace(made[0], status=done, closed_at=NOW + timedelta(days=1)))
        uow.promises.save(replace(made[1], status=done, closed_at=NOW + timedelta(days=30)))
        uow.commit()
    with uow_factory() as uow:
        assert uow.promises.count_open(ANN) == 3
        assert sorted(uow.promises.numbers_taken(ANN, closed_since=NOW)) == [1, 2, 3, 4, 5]
        # Closed exactly a day after NOW: free from then on; #2 still held.
        day = NOW + timedelta(days=1)
        assert sorted(uow.promises.numbers_taken(ANN, closed_since=day)) == [2, 3, 4, 5]
        assert uow.promises.numbering(ANN, closed_since=NOW) == PromiseNumbering(
            open_count=3, next_number=6
        )
        assert uow.promises.numbering(ANN, closed_since=day).next_number == 1
        bob = uow.promises.numbering(BOB, closed_since=NOW)
        assert bob == PromiseNumbering(open_count=1, next_number=2)  # open: exactly 1..1
        last = uow.promises.last_closed(ANN, 1, since=NOW)
        assert last is not None and last.id == made[0].id
        assert uow.promises.last_closed(ANN, 1, since=day) is None
        assert uow.promises.last_closed(ANN, 3, since=NOW) is None  # open, not closed
        assert uow.promises.last_closed(ANN_ELSEWHERE, 1, since=NOW) is None
        same = uow.promises.open_same(ANN, sam.id, " THING  3 ")  # case and spacing aside
        assert same is not None and same.number == 3
        assert uow.promises.open_same(ANN, sam.id, "thing 4") is None  # Jo's
        assert uow.promises.open_same(ANN, sam.id, "thing 1") is None  # kept
        assert uow.promises.open_same(BOB, bob_contact.id, "thing 3") is None
        assert [p.number for p in uow.promises.list_open(ANN, limit=2)] == [3, 4]
        assert [p.number for p in uow.promises.list_open(ANN)] == [3, 4, 5]
        assert uow.promises.open_per_contact(ANN, [sam.id, jo.id]) == {sam.id: 2, jo.id: 1}
        assert uow.promises.open_per_contact(ANN, [jo.id]) == {jo.id: 1}
        assert uow.promises.open_per_contact(ANN, []) == {}
        assert uow.promises.tally(ANN) == PromiseTally(open=3, kept=2, kept_on_time=1)
        since = NOW + timedelta(minutes=2)
        assert [p.number for p in uow.promises.list_all(ANN, since=since)] == [2, 3, 4, 5]
        assert uow.promises.tally(ANN_ELSEWHERE) == PromiseTally(open=0, kept=0, kept_on_time=0)
        # A snoozed promise is listed by its next reminder.
        uow.promises.save(replace(made[4], remind_at=NOW + timedelta(days=1)))
        assert [p.number for p in uow.promises.list_open(ANN)] == [5, 3, 4]
        # A change `undo` may take back round-trips, and the latest one is found.
        soon = NOW + timedelta(days=1)
        undo = Undoable(
            action=PromiseAction.EDIT,
            at=NOW + timedelta(minutes=1),
            what="thing 3",
            due_at=NOW,
            remind_at=None,
            heads_up_at=NOW - HOUR,
            give_id=7,
        )
        uow.promises.save(replace(made[2], what="new", undo=undo))
        later = replace(undo, action=PromiseAction.SNOOZE, at=NOW + timedelta(minutes=2))
        uow.promises.save(replace(made[3], remind_at=soon, undo=later))
        uow.commit()
    with uow_factory() as uow:
        latest = uow.promises.last_changed(ANN, since=NOW)
        assert latest is not None and (latest.id, latest.undo) == (made[3].id, later)
        assert uow.promises.last_changed(ANN, since=NOW + timedelta(minutes=2)) is None
        assert uow.promises.last_changed(ANN_ELSEWHERE, since=NOW) is None
        edited = uow.promises.get(ANN, made[2].id)
        assert edited is not None and edited.undo == undo
        uow.promises.save(replace(made[3], undo=None))
        uow.commit()
    with uow_factory() as uow:
        latest = uow.promises.last_changed(ANN, since=NOW)
        assert latest is not None and latest.id == made[2].id
        # The contacts a list shows, in one look-up: only the owner's, absent ids left out.
        assert uow.contacts.get_many(ANN, [jo.id, sam.id, jo.id]) == {sam.id: sam, jo.id: jo}
        assert uow.contacts.get_many(ANN, [bob_contact.id]) == {}
        assert uow.contacts.get_many(ANN, []) == {}


def due_reminders_are_exactly_the_open_promises_whose_time_came(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann", timezone="Europe/Paris"), now=NOW)
        late = add_promise(uow, ANN, "late", remind_at=NOW - 2 * HOUR)
        now = add_promise(uow, ANN, "now", remind_at=NOW)
        add_promise(uow, ANN, "future", remind_at=NOW + HOUR)
        add_promise(uow, ANN, "undated")
        done = add_promise(uow, ANN, "done", remind_at=NOW - HOUR)
        promise = uow.promises.get(ANN, done)
        assert promise is not None
        uow.promises.save(replace(promise, status=PromiseStatus.DONE))
        elsewhere = add_promise(uow, ANN_ELSEWHERE, "no profile", remind_at=NOW - HOUR)
        uow.commit()
    with uow_factory() as uow:
        due = uow.promises.due_reminders(now=NOW, limit=10)
        assert [d.promise.id for d in due] == [late, elsewhere, now]  # oldest first
        assert [d.promise.what for d in due] == ["late", "no profile", "now"]
        assert due[0].contact.name == "Sam" and due[0].contact.owner == ANN
        assert due[0].profile is not None and due[0].profile.timezone == "Europe/Paris"
        assert due[1].profile is None  # that Ann never used the bot in workspace T2
        assert [d.promise.id for d in uow.promises.due_reminders(now=NOW, limit=1)] == [late]


def due_heads_ups_are_the_open_promises_whose_heads_up_time_came(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        due = add_promise(uow, ANN, "due", remind_at=NOW + 24 * HOUR, heads_up_at=NOW)
        add_promise(uow, ANN, "later", remind_at=NOW + 48 * HOUR, heads_up_at=NOW + HOUR)
        add_promise(uow, BOB, "no heads-up", remind_at=NOW - HOUR)
        uow.commit()
    with uow_factory() as uow:
        assert [d.promise.id for d in uow.promises.due_heads_ups(now=NOW, limit=10)] == [due]


def cleared_reminders_and_heads_ups_are_not_due_again(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        first = add_promise(uow, ANN, "first", remind_at=NOW - HOUR, heads_up_at=NOW - HOUR)
        second = add_promise(uow, ANN, "second", remind_at=NOW - HOUR, heads_up_at=NOW - HOUR)
        uow.promises.clear_reminders([first])
        uow.promises.clear_heads_ups([second])
        uow.commit()
    with uow_factory() as uow:
        assert [d.promise.id for d in uow.promises.due_reminders(now=NOW, limit=9)] == [second]
        assert [d.promise.id for d in uow.promises.due_heads_ups(now=NOW, limit=9)] == [first]
        kept = uow.promises.get(ANN, first)
        assert kept is not None and kept.remind_at is None and kept.due_at == NOW - HOUR


def a_free_number_is_the_smallest_neither_open_nor_closed_lately(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        made = [
            add_undated_promise(
                uow, owner=ANN, contact_id=sam.id, number=n, what=f"thing {n}", now=NOW
            )
            for n in (1, 2, 3, 4)
        ]
        # #4 closed a minute after NOW: open ones are #1-#3, with #4 held after them.
        closed = NOW + timedelta(minutes=1)
        uow.promises.save(replace(made[3], status=PromiseStatus.DROPPED, closed_at=closed))
        uow.commit()
    with uow_factory() as uow:
        assert uow.promises.numbering(ANN, closed_since=NOW).next_number == 5
        assert uow.promises.numbering(ANN, closed_since=closed).next_number == 4
        assert uow.promises.numbering(BOB, closed_since=NOW).next_number == 1  # nobody else's count
        uow.promises.save(replace(made[1], status=PromiseStatus.DONE, closed_at=closed))
        assert uow.promises.numbering(ANN, closed_since=NOW).next_number == 5  # #2 held too
        gap = uow.promises.numbering(ANN, closed_since=closed)
        assert gap == PromiseNumbering(open_count=2, next_number=2)  # a gap: the first


def a_unit_of_work_reads_what_it_wrote_not_what_it_read_before(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The listing reads (open promises, the contacts they name) come back as they are now in
    this transaction, even after the same rows were read and then changed in it."""
    with uow_factory() as uow:
        sam = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        due = NOW + timedelta(days=2)
        first = uow.promises.add(
            owner=ANN,
            contact_id=sam.id,
            what="thing 1",
            number=1,
            now=NOW,
            due_at=due,
            remind_at=due,
            heads_up_at=None,
        )
        assert [p.what for p in uow.promises.list_open(ANN)] == ["thing 1"]
        assert uow.contacts.get_many(ANN, [sam.id])[sam.id].name == "Sam"
        uow.promises.save(replace(first, what="the slides", due_at=NOW + HOUR))
        uow.contacts.save(replace(sam, name="Sam Lee"))
        [listed] = uow.promises.list_open(ANN)
        assert (listed.what, listed.due_at) == ("the slides", NOW + HOUR)
        assert uow.contacts.get_many(ANN, [sam.id])[sam.id].name == "Sam Lee"
        uow.commit()

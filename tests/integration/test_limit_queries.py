"""The bounded queries behind the member limits answer alike in the fakes and the real store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from bot.commands.base import CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.limits import LIST_SHOWN
from bot.core.ports import PromiseTally, UnitOfWork
from bot.core.records import PromiseStatus
from bot.store.database import make_session_factory
from bot.store.uow import SqlUnitOfWorkFactory
from tests.fakes import InMemoryStore, ManualClock
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW
from tests.seeding import add_undated_promise

Factory = Callable[[], UnitOfWork]


def test_the_store_counts_and_lists_open_promises_boundedly(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    check_open_promise_queries(uow_factory)


def test_the_fake_counts_and_lists_open_promises_as_the_store_does() -> None:
    check_open_promise_queries(InMemoryStore())


def test_the_store_keeps_usage_marks_per_member_kind_and_scope(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    check_usage_marks(uow_factory)


def test_the_fake_keeps_usage_marks_as_the_store_does() -> None:
    check_usage_marks(InMemoryStore())


def check_open_promise_queries(factory: Factory) -> None:
    with factory() as uow:
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
    with factory() as uow:
        assert uow.promises.count_open(ANN) == 3
        assert sorted(uow.promises.open_numbers(ANN)) == [3, 4, 5]
        assert [p.number for p in uow.promises.list_open(ANN, limit=2)] == [3, 4]
        assert [p.number for p in uow.promises.list_open(ANN)] == [3, 4, 5]
        assert uow.promises.open_per_contact(ANN, [sam.id, jo.id]) == {sam.id: 2, jo.id: 1}
        assert uow.promises.open_per_contact(ANN, [jo.id]) == {jo.id: 1}
        assert uow.promises.open_per_contact(ANN, []) == {}
        assert uow.promises.tally(ANN) == PromiseTally(open=3, kept=2, kept_on_time=1)
        since = NOW + timedelta(minutes=2)
        assert [p.number for p in uow.promises.list_all(ANN, since=since)] == [2, 3, 4, 5]
        assert uow.promises.tally(ANN_ELSEWHERE) == PromiseTally(open=0, kept=0, kept_on_time=0)
        # The contacts a list shows, in one look-up: only the owner's, absent ids left out.
        assert uow.contacts.get_many(ANN, [jo.id, sam.id, jo.id]) == {sam.id: sam, jo.id: jo}
        assert uow.contacts.get_many(ANN, [bob_contact.id]) == {}
        assert uow.contacts.get_many(ANN, []) == {}


def test_promises_reads_the_contacts_it_lists_in_one_query(engine: Engine) -> None:
    """`promises` names each promise's contact: one query for all of them, never one each."""
    factory = SqlUnitOfWorkFactory(make_session_factory(engine))
    with factory() as uow:
        for number in range(1, LIST_SHOWN + 1):
            contact = uow.contacts.add(owner=ANN, name=f"P{number}", member_user_id=None, now=NOW)
            add_undated_promise(
                uow,
                owner=ANN,
                contact_id=contact.id,
                number=number,
                what=f"thing {number}",
                now=NOW,
            )
        uow.commit()
    service = CommandService(
        uow_factory=factory, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = service.run(CommandInput(text="promises", invoker=ANN, invoker_name="Ann"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert f"P{LIST_SHOWN}" in reply.plain_text()
    assert sum(1 for s in statements if "FROM contacts" in s) == 1


def check_usage_marks(factory: Factory) -> None:
    """Per member, kind and scope; a new mark prunes the member's aged-out ones of its kind."""
    day = timedelta(days=1)
    with factory() as uow:
        for minutes in (0, 10, 20):
            uow.usage.mark(
                ANN, kind="ask", scope="C1", now=NOW + timedelta(minutes=minutes), keep=day
            )
        uow.usage.mark(ANN, kind="ask", scope="C2", now=NOW, keep=day)
        uow.usage.mark(ANN, kind="export", now=NOW, keep=timedelta(hours=1))
        uow.usage.mark(ANN_ELSEWHERE, kind="ask", scope="C1", now=NOW, keep=day)
        uow.commit()
    with factory() as uow:
        since = NOW - day
        assert uow.usage.recent(ANN, kind="ask", scope="C1", since=since) == [
            NOW,
            NOW + timedelta(minutes=10),
            NOW + timedelta(minutes=20),
        ]
        assert uow.usage.recent(ANN, kind="ask", scope="C1", since=NOW) == [
            NOW + timedelta(minutes=10),
            NOW + timedelta(minutes=20),
        ]
        assert uow.usage.recent(ANN, kind="ask", scope="C2", since=since) == [NOW]
        assert uow.usage.recent(ANN, kind="export", since=since) == [NOW]
        assert uow.usage.recent(BOB, kind="ask", scope="C1", since=since) == []
        # A mark a day later prunes the member's marks of that kind that aged out.
        later = NOW + timedelta(days=1, minutes=5)
        uow.usage.mark(ANN, kind="ask", scope="C1", now=later, keep=day)
        uow.commit()
    with factory() as uow:
        everything = NOW - timedelta(days=365)
        assert uow.usage.recent(ANN, kind="ask", scope="C1", since=everything) == [
            NOW + timedelta(minutes=10),
            NOW + timedelta(minutes=20),
            later,
        ]
        assert uow.usage.recent(ANN, kind="ask", scope="C2", since=everything) == []
        assert uow.usage.recent(ANN_ELSEWHERE, kind="ask", scope="C1", since=everything) == [NOW]
        uow.erase_member(ANN)
        uow.commit()
    with factory() as uow:
        assert uow.usage.recent(ANN, kind="ask", scope="C1", since=everything) == []
        assert uow.usage.recent(ANN, kind="export", since=everything) == []

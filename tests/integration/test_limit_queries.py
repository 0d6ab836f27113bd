"""The queries behind `promises` stay bounded on the real store (answers: tests/contracts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from bot.commands.base import CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.limits import LIST_SHOWN
from bot.core.message import Message
from bot.store.database import make_session_factory
from bot.store.uow import SqlUnitOfWorkFactory
from tests.fakes import ManualClock
from tests.integration.people import ANN, NOW
from tests.seeding import add_undated_promise


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
    reply, statements = _run_watched(engine, factory, "promises")

    assert f"P{LIST_SHOWN}" in reply.plain_text()
    assert sum(1 for s in statements if "FROM contacts" in s) == 1


def test_promise_counts_the_open_promises_once(engine: Engine) -> None:
    """Making a promise checks the cap and picks a number from one count of the open ones: the
    count is the only read that grows with how many are open."""
    factory = SqlUnitOfWorkFactory(make_session_factory(engine))
    with factory() as uow:
        contact = uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
        for number in (1, 2, 4):  # a gap at #3: the new promise takes it
            add_undated_promise(
                uow, owner=ANN, contact_id=contact.id, number=number, what=f"t{number}", now=NOW
            )
        uow.commit()
    reply, statements = _run_watched(engine, factory, 'promise "Sam" the deck')

    assert "#3" in reply.plain_text()
    counts = [s for s in statements if "count(*)" in s and "FROM promises" in s]
    assert len(counts) == 1


def _run_watched(
    engine: Engine, factory: SqlUnitOfWorkFactory, text: str
) -> tuple[Message, list[str]]:
    """Ann's command `text`: its reply, and every statement it sent to the database."""
    service = CommandService(
        uow_factory=factory, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = service.run(CommandInput(text=text, invoker=ANN, invoker_name="Ann"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return reply, statements

"""The usage repository's contract: marks per member, kind and scope, pruned as they age."""

from __future__ import annotations

from datetime import timedelta

from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW


def usage_marks(uow_factory: UnitOfWorkFactory) -> None:
    """Per member, kind and scope; a new mark prunes the member's aged-out ones of its kind."""
    day = timedelta(days=1)
    with uow_factory() as uow:
        for minutes in (0, 10, 20):
            uow.usage.mark(
                ANN, kind="ask", scope="C1", now=NOW + timedelta(minutes=minutes), keep=day
            )
        uow.usage.mark(ANN, kind="ask", scope="C2", now=NOW, keep=day)
        uow.usage.mark(ANN, kind="export", now=NOW, keep=timedelta(hours=1))
        uow.usage.mark(ANN_ELSEWHERE, kind="ask", scope="C1", now=NOW, keep=day)
        uow.commit()
    with uow_factory() as uow:
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
    with uow_factory() as uow:
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
    with uow_factory() as uow:
        assert uow.usage.recent(ANN, kind="ask", scope="C1", since=everything) == []
        assert uow.usage.recent(ANN, kind="export", since=everything) == []

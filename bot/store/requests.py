"""Signed requests already run, recorded in the transaction of the work they ran: a replay of
one runs nothing, and a request is never recorded as run when its work was rolled back."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import BigInteger, Index, String, Table, bindparam, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.store.models import Base
from bot.store.repositories import dialect_insert

# Slack refuses a signature older than 5 minutes; a replay can't come later than that.
REQUEST_MEMORY_SECONDS = 10 * 60


class SlackRequestRow(Base):
    """A signed request already run (a hash of its timestamp and signature): a replay is dropped.
    It holds no text or id of anyone, and goes once Slack would refuse it anyway."""

    __tablename__ = "slack_requests"
    __table_args__ = (Index("ix_slack_requests_signed_at", "signed_at"),)

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    signed_at: Mapped[int] = mapped_column(BigInteger)  # the request's own Slack timestamp


class SqlRequestLog:
    """The replay guard: the primary key decides, so every web replica agrees on first sight.
    A second offer of a digest still uncommitted elsewhere waits for that transaction (SQLite's
    write lock, PostgreSQL's unique index) and is first only if that one rolled back."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def first_seen(self, digest: str, *, signed_at: int) -> bool:
        params = {"digest": digest, "signed_at": signed_at}
        inserted = self._session.scalar(_recording(dialect_insert(self._session)), params)
        # Timed by Slack's own clock, as the signatures are: no replay of these can pass.
        self._session.execute(_FORGET, {"before": signed_at - REQUEST_MEMORY_SECONDS})
        return inserted is not None


# Run by every signed command: built once.
_TABLE = cast(Table, SlackRequestRow.__table__)
_FORGET = delete(_TABLE).where(_TABLE.c.signed_at < bindparam("before"))


@cache
def _recording(insert: Any) -> Any:
    """The dialect's INSERT of a digest, doing nothing if it is there already."""
    return (
        insert(_TABLE)
        .values(digest=bindparam("digest"), signed_at=bindparam("signed_at"))
        .on_conflict_do_nothing(index_elements=["digest"])
        .returning(_TABLE.c.digest)
    )

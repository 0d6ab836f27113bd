"""The Slack adapter's tables and stores: seen event ids, known teams, signed requests seen."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Index, Integer, String, delete, make_url, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.core.clock import Clock
from bot.core.identity import Platform, Workspace
from bot.store.database import normalise_database_url
from bot.store.models import ID, Base
from bot.store.repositories import dialect_insert
from bot.store.requests import SqlRequestLog
from bot.store.types import UTCDateTime
from bot.store.uow import SqlUnitOfWorkFactory

if TYPE_CHECKING:  # only a multi-workspace app needs asyncio SQLAlchemy: loaded when it does
    from sqlalchemy.ext.asyncio import AsyncEngine

# Slack retries an event for about an hour at most; a day leaves room for a slow restart.
EVENT_MEMORY = timedelta(days=1)


class SlackEventRow(Base):
    """An Events API `event_id` already applied: Slack's retries of it are dropped."""

    __tablename__ = "slack_events"
    __table_args__ = (
        Index("ix_slack_events_received_at", "received_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    workspace_id: Mapped[str] = mapped_column(ID)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlackTeamRow(Base):
    """A team the bot serves, with its Enterprise Grid organisation and, for the single
    SLACK_BOT_TOKEN, a digest of the token that serves it: when Slack says that token or an
    org-wide installation is gone, these say whose data to erase."""

    __tablename__ = "slack_teams"
    __table_args__ = (
        Index("ix_slack_teams_enterprise_id", "enterprise_id"),
        Index("ix_slack_teams_token_digest", "token_digest"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(ID)
    token_digest: Mapped[str | None] = mapped_column(String(64))  # SHA-256, hex
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SqlSlackEvents:
    """The adapter's event log: the unique constraint decides, so replicas agree on first sight."""

    def __init__(self, sessions: sessionmaker[Session], *, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def first_seen(self, event_id: str, *, workspace_id: str) -> bool:
        now = self._clock.now()
        with self._sessions() as session:
            table = SlackEventRow.__table__
            inserted = session.scalar(
                dialect_insert(session)(table)
                .values(event_id=event_id, workspace_id=workspace_id, received_at=now)
                .on_conflict_do_nothing(index_elements=["event_id"])
                .returning(table.c.id)
            )
            session.execute(
                delete(SlackEventRow).where(SlackEventRow.received_at < now - EVENT_MEMORY)
            )
            session.commit()
            return inserted is not None


class SqlSlackRequests:
    """The replay guard on its own, for work that runs no command (a form opening): one
    transaction that records the request."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def first_seen(self, digest: str, *, signed_at: int) -> bool:
        with self._sessions() as session:
            first = SqlRequestLog(session).first_seen(digest, signed_at=signed_at)
            session.commit()
            return first


class SqlSlackWorkspaces:
    """Erases a Slack workspace (every member's data, its queued messages, its event log) and
    knows which teams the bot serves under which organisation and token."""

    def __init__(self, uow_factory: SqlUnitOfWorkFactory, *, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def remember(
        self, team_id: str, *, enterprise_id: str | None, token_digest: str | None = None
    ) -> None:
        with self._uow_factory() as uow:
            table = SlackTeamRow.__table__
            values = {
                "enterprise_id": enterprise_id,
                "token_digest": token_digest,
                "seen_at": self._clock.now(),
            }
            uow.session.execute(
                dialect_insert(uow.session)(table)
                .values(team_id=team_id, **values)
                .on_conflict_do_update(index_elements=["team_id"], set_=values)
            )
            uow.commit()

    def teams(
        self, *, enterprise_id: str | None = None, token_digest: str | None = None
    ) -> list[str]:
        """The teams known under an organisation, or served by a token (by its digest)."""
        if enterprise_id is None and token_digest is None:
            return []
        query = select(SlackTeamRow.team_id).order_by(SlackTeamRow.team_id)
        if enterprise_id is not None:
            query = query.where(SlackTeamRow.enterprise_id == enterprise_id)
        if token_digest is not None:
            query = query.where(SlackTeamRow.token_digest == token_digest)
        with self._uow_factory() as uow:
            return list(uow.session.scalars(query))

    def erase(self, workspace: Workspace) -> None:
        with self._uow_factory() as uow:
            uow.erase_workspace(workspace)
            if workspace.platform is Platform.SLACK:
                uow.session.execute(
                    delete(SlackEventRow).where(
                        SlackEventRow.workspace_id == workspace.workspace_id
                    )
                )
                uow.session.execute(
                    delete(SlackTeamRow).where(SlackTeamRow.team_id == workspace.workspace_id)
                )
            uow.commit()


def async_engine_for(database_url: str) -> AsyncEngine:
    """The bot's database through an asyncio driver, for slack-sdk's async OAuth stores."""
    from sqlalchemy.ext.asyncio import create_async_engine

    # aiosqlite logs each statement with its parameters (bot tokens) at DEBUG: never that low.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.root.level))
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() != "sqlite":
        # psycopg 3 speaks asyncio itself; errors never quote parameters (tokens, codes)
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    url = url.set(drivername="sqlite+aiosqlite")
    if url.database in (None, "", ":memory:"):
        return create_async_engine(url, poolclass=StaticPool, hide_parameters=True)
    return create_async_engine(url, hide_parameters=True)

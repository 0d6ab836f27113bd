"""The SQL unit of work: one session, one transaction, every repository the core asks for."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Connection, and_, delete, or_, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.effects import EffectKind
from bot.core.identity import Member, Workspace
from bot.core.ports import (
    BlockRepository,
    CadenceRepository,
    ChannelPromptRepository,
    ContactRepository,
    DueCheck,
    DueKind,
    EventFollowUpRepository,
    EventRepository,
    IntroRepository,
    LedgerRepository,
    MeetingRepository,
    NoteRepository,
    Outbox,
    PairingRepository,
    ProfileRepository,
    PromiseRepository,
    RequestLog,
    UsageRepository,
)
from bot.core.records import FORMER_INTRODUCER, FORMER_MEMBER
from bot.store.due import due_kinds
from bot.store.event_followups import (
    SqlEventFollowUpRepository,
    erase_member_followups,
    erase_workspace_followups,
)
from bot.store.events import SqlEventRepository, erase_member_events, erase_workspace_events
from bot.store.intro_repositories import (
    SqlBlockRepository,
    SqlIntroRepository,
    SqlPairingRepository,
    erase_member_rows,
    erase_workspace_rows,
)
from bot.store.models import (
    PRIVATE_TABLES,
    Base,
    ChannelPromptRow,
    ContactRow,
    MeetingRow,
    OutboxMemberRow,
    OutboxRow,
    WorkspaceRow,
)
from bot.store.repositories import (
    SqlCadenceRepository,
    SqlChannelPromptRepository,
    SqlContactRepository,
    SqlLedgerRepository,
    SqlMeetingRepository,
    SqlNoteRepository,
    SqlOutbox,
    SqlProfileRepository,
    SqlPromiseRepository,
    SqlUsageRepository,
    in_workspace,
    name_key,
    outbox_rows_about,
    owned_by,
)
from bot.store.requests import SqlRequestLog


class SqlUnitOfWork:
    """Use as `with factory() as uow: ...; uow.commit()`; leaving without commit rolls back."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # Typed as the ports: the Protocol's attributes are invariant.
        self.profiles: ProfileRepository = SqlProfileRepository(session)
        self.contacts: ContactRepository = SqlContactRepository(session)
        self.meetings: MeetingRepository = SqlMeetingRepository(session)
        self.notes: NoteRepository = SqlNoteRepository(session)
        self.promises: PromiseRepository = SqlPromiseRepository(session)
        self.cadences: CadenceRepository = SqlCadenceRepository(session)
        self.ledger: LedgerRepository = SqlLedgerRepository(session)
        self.channel_prompts: ChannelPromptRepository = SqlChannelPromptRepository(session)
        self.intros: IntroRepository = SqlIntroRepository(session)
        self.blocks: BlockRepository = SqlBlockRepository(session)
        self.pairing: PairingRepository = SqlPairingRepository(session)
        self.usage: UsageRepository = SqlUsageRepository(session)
        self.outbox: Outbox = SqlOutbox(session)
        self.events: EventRepository = SqlEventRepository(session)
        self.event_followups: EventFollowUpRepository = SqlEventFollowUpRepository(session)
        self.requests: RequestLog = SqlRequestLog(session)
        self._erased = False

    def erase_member(self, member: Member) -> None:
        """Delete the member's own rows and every outbox row about them; leave no trace of
        them in other members' rows (see UnitOfWork.erase_member).

        Outbox rows go whatever their status: a pending one must never be delivered, and a
        sent one still holds their id, name or words. Their keys go too, which is safe: every
        key is derived from a row this erasure deletes or that has moved on (a digest's due
        time, a round's number), so nothing will queue the same key again.
        """
        for model in PRIVATE_TABLES:
            self.session.execute(delete(model).where(owned_by(model, member)))
        erase_member_rows(self.session, member)
        erase_member_followups(self.session, member)
        erase_member_events(self.session, member)
        self.session.execute(
            update(ContactRow)
            .where(
                in_workspace(ContactRow, member.workspace),
                ContactRow.member_user_id == member.user_id,
            )
            # The name came from the platform (their display name), not from the contact's owner.
            .values(member_user_id=None, name=FORMER_MEMBER, name_key=name_key(FORMER_MEMBER))
        )
        self.session.execute(
            update(MeetingRow)
            .where(
                in_workspace(MeetingRow, member.workspace),
                MeetingRow.quoted_user_id == member.user_id,
            )
            .values(context=FORMER_INTRODUCER, quoted_user_id=None)
        )
        about = outbox_rows_about(member)
        self.session.execute(
            delete(OutboxRow).where(
                in_workspace(OutboxRow, member.workspace),
                or_(
                    OutboxRow.id.in_(about),
                    # Rows queued before outbox_members existed name their DM recipient.
                    and_(OutboxRow.kind == EffectKind.DM, OutboxRow.recipient == member.user_id),
                ),
            )
        )
        self.session.execute(delete(OutboxMemberRow).where(OutboxMemberRow.outbox_id.in_(about)))
        self._erased = True

    def erase_workspace(self, workspace: Workspace) -> None:
        """Delete every row of the workspace (an uninstall or a guild removal)."""
        erase_workspace_rows(self.session, workspace)
        erase_workspace_followups(self.session, workspace)
        erase_workspace_events(self.session, workspace)
        models: tuple[type[Base], ...] = (
            *PRIVATE_TABLES,
            ChannelPromptRow,
            OutboxMemberRow,
            OutboxRow,
            WorkspaceRow,
        )
        for model in models:
            self.session.execute(delete(model).where(in_workspace(model, workspace)))

    def commit(self) -> None:
        self.session.commit()
        if self._erased:
            self._erased = False
            self._checkpoint()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        connection = self.session.connection()
        if connection.dialect.name == "sqlite" and not _sqlite_in_transaction(connection):
            # pysqlite begins a transaction only before a write, so a SAVEPOINT would open one
            # itself and its RELEASE would commit it. Begin first, taking the write lock at
            # once: the job's reads and writes then see one state, and a write never fails
            # because another connection wrote after this one read (SQLITE_BUSY_SNAPSHOT).
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        with self.session.begin_nested():
            yield

    def due_kinds(self, checks: Sequence[DueCheck]) -> frozenset[DueKind]:
        return due_kinds(self.session, checks)

    def _checkpoint(self) -> None:
        """SQLite in WAL mode: copy the erasure into the database file and empty the log, so
        earlier versions of the erased pages do not linger there (best effort: a checkpoint
        waits for no reader)."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.session.commit()

    def __enter__(self) -> SqlUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()  # whatever was not committed
        finally:
            self.session.close()


def _sqlite_in_transaction(connection: Connection) -> bool:
    return bool(connection.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


class SqlUnitOfWorkFactory:
    """Makes a fresh unit of work per command or tick; share one factory per process."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._session_factory())

"""The SQL unit of work: one session, one transaction, every repository the core asks for."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.identity import Member, Workspace
from bot.core.ports import (
    BlockRepository,
    CadenceRepository,
    ChannelPromptRepository,
    ContactRepository,
    IntroRepository,
    LedgerRepository,
    MeetingRepository,
    NoteRepository,
    Outbox,
    PairingRepository,
    ProfileRepository,
    PromiseRepository,
    UsageRepository,
)
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
    owned_by,
)


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

    def erase_member(self, member: Member) -> None:
        """Delete the member's own rows, and unlink them from other members' contacts.

        Direct messages queued for (or already sent to) the member go too: they carry the
        member's own promises and notes, and nothing should reach someone who asked to be forgotten.
        """
        for model in PRIVATE_TABLES:
            self.session.execute(delete(model).where(owned_by(model, member)))
        erase_member_rows(self.session, member)
        self.session.execute(
            update(ContactRow)
            .where(
                in_workspace(ContactRow, member.workspace),
                ContactRow.member_user_id == member.user_id,
            )
            .values(member_user_id=None)
        )
        self.session.execute(
            delete(OutboxRow).where(
                in_workspace(OutboxRow, member.workspace),
                OutboxRow.kind == "dm",
                OutboxRow.recipient == member.user_id,
            )
        )

    def erase_workspace(self, workspace: Workspace) -> None:
        """Delete every row of the workspace (an uninstall or a guild removal)."""
        erase_workspace_rows(self.session, workspace)
        models: tuple[type[Base], ...] = (
            *PRIVATE_TABLES,
            ChannelPromptRow,
            OutboxRow,
            WorkspaceRow,
        )
        for model in models:
            self.session.execute(delete(model).where(in_workspace(model, workspace)))

    def commit(self) -> None:
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


class SqlUnitOfWorkFactory:
    """Makes a fresh unit of work per command or tick; share one factory per process."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._session_factory())

"""SQL repositories, one per core port; every query is scoped to its owner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.core.effects import ChannelPost, DirectMessage, Effect, GroupIntro, effect_to_json
from bot.core.effects import effect_workspace as workspace_of
from bot.core.identity import Member, Platform, Workspace
from bot.core.records import (
    Cadence,
    Contact,
    LedgerEntry,
    LedgerKind,
    Meeting,
    Note,
    Profile,
    Promise,
    PromiseStatus,
)
from bot.store.models import (
    CadenceRow,
    ContactRow,
    LedgerEntryRow,
    MeetingRow,
    NoteRow,
    OutboxRow,
    OwnedRow,
    ProfileRow,
    PromiseRow,
    WorkspaceRow,
)

RowT = TypeVar("RowT", bound=OwnedRow)


def owned_by(model: type[OwnedRow], owner: Member) -> ColumnElement[bool]:
    """The filter every private query carries: a guessed id of someone else's row finds nothing."""
    return and_(
        model.platform == owner.platform.value,
        model.workspace_id == owner.workspace_id,
        model.owner_id == owner.user_id,
    )


def in_workspace(model: Any, workspace: Workspace) -> ColumnElement[bool]:
    """Rows of one workspace, in any table with (platform, workspace_id) columns."""
    return and_(
        model.platform == workspace.platform.value, model.workspace_id == workspace.workspace_id
    )


def owner_of(row: OwnedRow) -> Member:
    return Member(Platform(row.platform), row.workspace_id, row.owner_id)


def name_key(name: str) -> str:
    return name.casefold()


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT; both databases we support speak it."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database dialect {name!r}")


class _Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _all(self, statement: Select[RowT]) -> Sequence[RowT]:
        # populate_existing: an upsert or bulk update may have changed a row already in the session.
        return self._session.scalars(statement.execution_options(populate_existing=True)).all()

    def _first(self, statement: Select[RowT]) -> RowT | None:
        rows = self._all(statement.limit(1))
        return rows[0] if rows else None

    def _insert(self, row: RowT) -> RowT:
        self._session.add(row)
        self._session.flush()  # assigns the id
        return row

    def _update(self, model: type[OwnedRow], row_id: int, owner: Member, **values: Any) -> None:
        # RETURNING, not rowcount: psycopg reports -1 for some statements.
        updated = self._session.scalar(
            update(model)
            .where(model.id == row_id, owned_by(model, owner))
            .values(**values)
            .returning(model.id)
        )
        if updated is None:
            raise KeyError(f"no {model.__tablename__} row {row_id} for {owner}")


class SqlProfileRepository(_Repository):
    def get(self, member: Member) -> Profile | None:
        row = self._first(select(ProfileRow).where(owned_by(ProfileRow, member)))
        return None if row is None else _profile(row)

    def save(self, profile: Profile, *, now: datetime) -> None:
        insert = dialect_insert(self._session)
        member = profile.member
        self._session.execute(
            insert(WorkspaceRow)
            .values(
                platform=member.platform.value, workspace_id=member.workspace_id, created_at=now
            )
            .on_conflict_do_nothing(index_elements=["platform", "workspace_id"])
        )
        fields = {
            "display_name": profile.display_name,
            "timezone": profile.timezone,
            "timezone_chosen": profile.timezone_chosen,
            "quiet_start": profile.quiet_start,
            "quiet_end": profile.quiet_end,
            "digest_weekday": profile.digest_weekday,
            "digest_time": profile.digest_time,
            "paused_until": profile.paused_until,
            "open_to_intros": profile.open_to_intros,
            "offer": profile.offer,
            "looking_for": profile.looking_for,
            "updated_at": now,
        }
        # An upsert, so two first commands from a new member at once cannot collide.
        self._session.execute(
            insert(ProfileRow)
            .values(
                platform=member.platform.value,
                workspace_id=member.workspace_id,
                owner_id=member.user_id,
                created_at=now,
                **fields,
            )
            .on_conflict_do_update(
                index_elements=["platform", "workspace_id", "owner_id"], set_=fields
            )
        )


class SqlContactRepository(_Repository):
    def get(self, owner: Member, contact_id: int) -> Contact | None:
        row = self._first(
            select(ContactRow).where(ContactRow.id == contact_id, owned_by(ContactRow, owner))
        )
        return None if row is None else _contact(row)

    def find_member(self, owner: Member, user_id: str) -> Contact | None:
        row = self._first(
            select(ContactRow)
            .where(owned_by(ContactRow, owner), ContactRow.member_user_id == user_id)
            .order_by(ContactRow.id)
        )
        return None if row is None else _contact(row)

    def find_name(self, owner: Member, name: str) -> Contact | None:
        row = self._first(
            select(ContactRow)
            .where(
                owned_by(ContactRow, owner),
                ContactRow.member_user_id.is_(None),
                ContactRow.name_key == name_key(name),
            )
            .order_by(ContactRow.id)
        )
        return None if row is None else _contact(row)

    def add(
        self, *, owner: Member, name: str, member_user_id: str | None, now: datetime
    ) -> Contact:
        row = ContactRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            name=name,
            name_key=name_key(name),
            member_user_id=member_user_id,
            created_at=now,
            last_touch_at=now,
        )
        return _contact(self._insert(row))

    def save(self, contact: Contact) -> None:
        self._update(
            ContactRow,
            contact.id,
            contact.owner,
            name=contact.name,
            name_key=name_key(contact.name),
            member_user_id=contact.member_user_id,
            last_touch_at=contact.last_touch_at,
        )

    def list(self, owner: Member, *, search: str = "") -> Sequence[Contact]:
        statement = select(ContactRow).where(owned_by(ContactRow, owner))
        if search.strip():
            statement = statement.where(
                ContactRow.name_key.contains(name_key(search), autoescape=True)
            )
        statement = statement.order_by(ContactRow.last_touch_at.desc(), ContactRow.id.desc())
        return [_contact(row) for row in self._all(statement)]


class SqlMeetingRepository(_Repository):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        met_at: datetime,
        context: str,
        follow_up_at: datetime | None,
    ) -> Meeting:
        row = MeetingRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            contact_id=contact_id,
            met_at=met_at,
            context=context,
            follow_up_at=follow_up_at,
        )
        return _meeting(self._insert(row))

    def list(self, owner: Member) -> Sequence[Meeting]:
        statement = (
            select(MeetingRow)
            .where(owned_by(MeetingRow, owner))
            .order_by(MeetingRow.met_at.desc(), MeetingRow.id.desc())
        )
        return [_meeting(row) for row in self._all(statement)]

    def clear_follow_ups(self, owner: Member, contact_id: int) -> None:
        self._session.execute(
            update(MeetingRow)
            .where(
                owned_by(MeetingRow, owner),
                MeetingRow.contact_id == contact_id,
                MeetingRow.follow_up_at.is_not(None),
            )
            .values(follow_up_at=None)
        )


class SqlNoteRepository(_Repository):
    def add(self, *, owner: Member, contact_id: int, text: str, now: datetime) -> Note:
        row = NoteRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            contact_id=contact_id,
            text=text,
            created_at=now,
        )
        return _note(self._insert(row))

    def list(self, owner: Member) -> Sequence[Note]:
        statement = (
            select(NoteRow).where(owned_by(NoteRow, owner)).order_by(NoteRow.created_at, NoteRow.id)
        )
        return [_note(row) for row in self._all(statement)]


class SqlPromiseRepository(_Repository):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        what: str,
        number: int,
        now: datetime,
        due_at: datetime | None,
        remind_at: datetime | None,
        heads_up_at: datetime | None,
    ) -> Promise:
        row = PromiseRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            contact_id=contact_id,
            what=what,
            number=number,
            status=PromiseStatus.OPEN.value,
            created_at=now,
            due_at=due_at,
            remind_at=remind_at,
            heads_up_at=heads_up_at,
            snoozes=0,
        )
        return _promise(self._insert(row))

    def save(self, promise: Promise) -> None:
        self._update(
            PromiseRow,
            promise.id,
            promise.owner,
            contact_id=promise.contact_id,
            what=promise.what,
            number=promise.number,
            status=promise.status.value,
            due_at=promise.due_at,
            remind_at=promise.remind_at,
            heads_up_at=promise.heads_up_at,
            snoozes=promise.snoozes,
            closed_at=promise.closed_at,
        )

    def get_open(self, owner: Member, number: int) -> Promise | None:
        row = self._first(
            select(PromiseRow).where(
                owned_by(PromiseRow, owner),
                PromiseRow.status == PromiseStatus.OPEN.value,
                PromiseRow.number == number,
            )
        )
        return None if row is None else _promise(row)

    def get(self, owner: Member, promise_id: int) -> Promise | None:
        row = self._first(
            select(PromiseRow).where(PromiseRow.id == promise_id, owned_by(PromiseRow, owner))
        )
        return None if row is None else _promise(row)

    def list_open(self, owner: Member) -> Sequence[Promise]:
        statement = (
            select(PromiseRow)
            .where(owned_by(PromiseRow, owner), PromiseRow.status == PromiseStatus.OPEN.value)
            .order_by(PromiseRow.due_at.asc().nulls_last(), PromiseRow.created_at, PromiseRow.id)
        )
        return [_promise(row) for row in self._all(statement)]

    def list_all(self, owner: Member) -> Sequence[Promise]:
        """In the order they were made."""
        statement = select(PromiseRow).where(owned_by(PromiseRow, owner)).order_by(PromiseRow.id)
        return [_promise(row) for row in self._all(statement)]


class SqlCadenceRepository(_Repository):
    def get(self, owner: Member, contact_id: int) -> Cadence | None:
        row = self._first(
            select(CadenceRow).where(
                owned_by(CadenceRow, owner), CadenceRow.contact_id == contact_id
            )
        )
        return None if row is None else _cadence(row)

    def add(self, *, owner: Member, contact_id: int, every_days: int, due_at: datetime) -> Cadence:
        row = CadenceRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            contact_id=contact_id,
            every_days=every_days,
            due_at=due_at,
        )
        return _cadence(self._insert(row))

    def save(self, cadence: Cadence) -> None:
        self._update(
            CadenceRow,
            cadence.id,
            cadence.owner,
            contact_id=cadence.contact_id,
            every_days=cadence.every_days,
            due_at=cadence.due_at,
        )

    def delete(self, owner: Member, contact_id: int) -> None:
        self._session.execute(
            delete(CadenceRow).where(
                owned_by(CadenceRow, owner), CadenceRow.contact_id == contact_id
            )
        )

    def list(self, owner: Member) -> Sequence[Cadence]:
        """Soonest due first."""
        statement = (
            select(CadenceRow)
            .where(owned_by(CadenceRow, owner))
            .order_by(CadenceRow.due_at, CadenceRow.id)
        )
        return [_cadence(row) for row in self._all(statement)]


class SqlLedgerRepository(_Repository):
    def add(
        self,
        *,
        owner: Member,
        kind: LedgerKind,
        what: str,
        contact_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        row = LedgerEntryRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            kind=kind.value,
            what=what,
            contact_id=contact_id,
            at=now,
        )
        return _ledger_entry(self._insert(row))

    def list(self, owner: Member) -> Sequence[LedgerEntry]:
        statement = (
            select(LedgerEntryRow)
            .where(owned_by(LedgerEntryRow, owner))
            .order_by(LedgerEntryRow.at, LedgerEntryRow.id)
        )
        return [_ledger_entry(row) for row in self._all(statement)]

    def count(self, owner: Member, kind: LedgerKind, *, since: datetime | None = None) -> int:
        statement = select(func.count()).where(
            owned_by(LedgerEntryRow, owner), LedgerEntryRow.kind == kind.value
        )
        if since is not None:
            statement = statement.where(LedgerEntryRow.at >= since)
        return self._session.scalar(statement) or 0


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, effect: Effect, *, key: str, now: datetime, not_before: datetime) -> bool:
        workspace = workspace_of(effect)
        kind, recipient = outbox_recipient(effect)
        insert = dialect_insert(self._session)
        # ON CONFLICT DO NOTHING: a duplicate key is skipped without aborting the transaction,
        # and RETURNING tells which happened (psycopg's rowcount is -1 here).
        inserted = self._session.scalar(
            insert(OutboxRow.__table__)
            .values(
                idempotency_key=key,
                platform=workspace.platform.value,
                workspace_id=workspace.workspace_id,
                kind=kind,
                recipient=recipient,
                payload=effect_to_json(effect),
                created_at=now,
                not_before=not_before,
                next_attempt_at=not_before,
                attempts=0,
                status="pending",
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(OutboxRow.__table__.c.id)
        )
        return inserted is not None


def outbox_recipient(effect: Effect) -> tuple[str, str]:
    """The outbox kind, and who receives it: messages to one recipient are delivered in order."""
    match effect:
        case DirectMessage(to, _):
            return "dm", to.user_id
        case ChannelPost(channel, _):
            return "post", channel.channel_id
        case GroupIntro(members, _, _):
            return "group", ",".join(sorted(member.user_id for member in members))


# --- rows to records --------------------------------------------------------------------------


def _profile(row: ProfileRow) -> Profile:
    return Profile(
        member=owner_of(row),
        display_name=row.display_name,
        timezone=row.timezone,
        timezone_chosen=row.timezone_chosen,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        digest_weekday=row.digest_weekday,
        digest_time=row.digest_time,
        paused_until=row.paused_until,
        open_to_intros=row.open_to_intros,
        offer=row.offer,
        looking_for=row.looking_for,
    )


def _contact(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        owner=owner_of(row),
        name=row.name,
        member_user_id=row.member_user_id,
        created_at=row.created_at,
        last_touch_at=row.last_touch_at,
    )


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        owner=owner_of(row),
        contact_id=row.contact_id,
        met_at=row.met_at,
        context=row.context,
        follow_up_at=row.follow_up_at,
    )


def _note(row: NoteRow) -> Note:
    return Note(
        id=row.id,
        owner=owner_of(row),
        contact_id=row.contact_id,
        text=row.text,
        created_at=row.created_at,
    )


def _promise(row: PromiseRow) -> Promise:
    return Promise(
        id=row.id,
        owner=owner_of(row),
        contact_id=row.contact_id,
        what=row.what,
        number=row.number,
        status=PromiseStatus(row.status),
        created_at=row.created_at,
        due_at=row.due_at,
        remind_at=row.remind_at,
        heads_up_at=row.heads_up_at,
        snoozes=row.snoozes,
        closed_at=row.closed_at,
    )


def _cadence(row: CadenceRow) -> Cadence:
    return Cadence(
        id=row.id,
        owner=owner_of(row),
        contact_id=row.contact_id,
        every_days=row.every_days,
        due_at=row.due_at,
    )


def _ledger_entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        owner=owner_of(row),
        kind=LedgerKind(row.kind),
        what=row.what,
        contact_id=row.contact_id,
        at=row.at,
    )

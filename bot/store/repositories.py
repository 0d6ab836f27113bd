"""SQL repositories, one per core port; every query is scoped to its owner."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy import insert as insert_into
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Bundle, Session

from bot.core.effects import (
    ChannelPost,
    DirectMessage,
    Effect,
    EffectKind,
    GroupIntro,
    effect_members,
    effect_to_json,
)
from bot.core.effects import effect_workspace as workspace_of
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.ports import (
    DueCadence,
    DueDigest,
    DueMeeting,
    DuePromise,
    OutboxMessage,
    OutboxStatus,
    PromiseTally,
    QueuedMessage,
    queued_about,
)
from bot.core.promises import next_free_number, same_promise, words_key
from bot.core.records import (
    Cadence,
    ChannelPrompt,
    Contact,
    LedgerEntry,
    LedgerKind,
    Meeting,
    Note,
    Profile,
    Promise,
    PromiseAction,
    PromiseNumbering,
    PromiseStatus,
    Undoable,
)
from bot.store.models import (
    CadenceRow,
    ChannelPromptRow,
    ContactRow,
    LedgerEntryRow,
    MeetingRow,
    NoteRow,
    OutboxMemberRow,
    OutboxRow,
    OwnedRow,
    ProfileRow,
    PromiseRow,
    UsageMarkRow,
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


def _owner_is(table: Table) -> ColumnElement[bool]:
    """`owned_by` with the owner bound when it runs (`_owner_params`): for a statement built once,
    which no command then pays to build, nor SQLAlchemy to look up in its compiled cache. Over
    the table's own columns, so a statement of them reads plain rows (`SqlRepository._plain`)."""
    return and_(
        table.c.platform == bindparam("owner_platform"),
        table.c.workspace_id == bindparam("owner_workspace"),
        table.c.owner_id == bindparam("owner_user"),
    )


def _owner_params(owner: Member) -> dict[str, str]:
    return {
        "owner_platform": owner.platform.value,
        "owner_workspace": owner.workspace_id,
        "owner_user": owner.user_id,
    }


def owner_of(row: OwnedRow) -> Member:
    return Member(Platform(row.platform), row.workspace_id, row.owner_id)


# A literal, not a bound parameter: SQLite uses a partial index only when the query repeats
# the index's condition with the same constant.
_OPEN: ColumnClause[str] = literal_column("'open'")
# A change to any of these unschedules the next digest.
_SCHEDULE_FIELDS = {"timezone", "digest_weekday", "digest_time"}


def name_key(name: str) -> str:
    return name.casefold()


def _postgresql() -> ModuleType:
    """SQLAlchemy's PostgreSQL dialect, imported on first use: a SQLite process never loads it."""
    from sqlalchemy.dialects import postgresql

    return postgresql


def dialect_insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT; both databases we support speak it."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return _postgresql().insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database dialect {name!r}")


def among(session: Session, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL `= ANY(array)`, one parameter, so the statement's text is
    the same for any number of ids and psycopg neither parses it anew nor skips its cache."""
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, list(ids), type_=_postgresql().ARRAY(Integer))
        return cast(ColumnElement[bool], column == any_(array))
    return cast(ColumnElement[bool], column.in_(ids))


@cache
def unnest_insert(table: Table, names: tuple[str, ...], *, document: str | None = None) -> Any:
    """PostgreSQL's bulk INSERT: rows bound as one array per column (the JSON `document` column
    as one JSON array) and inserted in their order. A VALUES list (SQLAlchemy's
    "insertmanyvalues") is a new statement for each batch size, with a parameter per value that
    psycopg parses in Python; and a text array of JSON would be escaped quote by quote."""
    plain = [name for name in names if name != document]
    arrays = [bindparam(name, type_=_postgresql().ARRAY(table.c[name].type)) for name in plain]
    rows = func.unnest(*arrays).table_valued(*plain, with_ordinality="ord").render_derived("m")
    if document is None:
        ordered = select(*(rows.c[name] for name in names)).order_by(rows.c.ord)
        return _postgresql().insert(table).from_select(list(names), ordered)
    documents = (
        func.json_array_elements(bindparam(document, type_=table.c[document].type))
        .table_valued("value", with_ordinality="ord")
        .render_derived("d")
    )
    columns = {**{name: rows.c[name] for name in plain}, document: documents.c.value}
    ordered = (
        select(*(columns[name] for name in names))
        .join_from(rows, documents, documents.c.ord == rows.c.ord)
        .order_by(rows.c.ord)
    )
    return _postgresql().insert(table).from_select(list(names), ordered)


def upsert_channel_row(
    session: Session, model: Any, channel: Channel, *, now: datetime, fields: dict[str, Any]
) -> None:
    """Insert a channel's settings row, or update `fields` in the one it has."""
    insert = dialect_insert(session)
    session.execute(
        insert(model)
        .values(
            platform=channel.platform.value,
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
            created_at=now,
            **fields,
        )
        .on_conflict_do_update(
            index_elements=["platform", "workspace_id", "channel_id"], set_=fields
        )
    )


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _all(self, statement: Select[RowT]) -> Sequence[RowT]:
        # populate_existing: an upsert or bulk update may have changed a row already in the session.
        return self._session.scalars(statement.execution_options(populate_existing=True)).all()

    def _first(self, statement: Select[RowT]) -> RowT | None:
        rows = self._all(statement.limit(1))
        return rows[0] if rows else None

    def _plain(self, statement: Select[Any], params: Mapping[str, Any]) -> Sequence[Any]:
        """The rows of a statement over tables (not mapped classes), read by column name.

        Records leave the store as frozen dataclasses, so a mapped object per row would be
        built (and identity-mapped) only to be dropped: on the reads every command makes, that
        was most of their cost. Flushed first, as an ORM query is, so they see this unit of
        work's own additions; nothing is cached, so nothing can be stale either."""
        self._session.flush()
        return self._session.execute(statement, params).all()

    def _insert(self, row: RowT) -> RowT:
        self._session.add(row)
        self._session.flush()  # assigns the id
        return row

    def _claim(self, statement: Select[*tuple[Any, ...]], *claimed: type[Any]) -> Sequence[Any]:
        """Due rows, locked for this transaction; rows another worker holds are skipped.

        `FOR UPDATE OF` the claimed tables only: the joined profile may be missing (outer join),
        and a profile must stay free for commands. SQLite ignores the clause; one process ticks.
        """
        statement = statement.with_for_update(skip_locked=True, of=claimed).execution_options(
            populate_existing=True
        )
        return self._session.execute(statement).all()

    def _claim_with_people(
        self, statement: Select[Any], claimed: type[OwnedRow]
    ) -> list[tuple[Any, Contact, Profile | None]]:
        """Due rows of `claimed` (a contact's, see `_claim`), each with that contact and its
        owner's profile (None for someone who never used the bot).

        Three statements, not one join: joined, PostgreSQL may hash the whole contacts and
        profiles tables to find a hundred rows (as table statistics happen to say), while ids
        in a list are found from indexes however large the tables grow."""
        rows = [row for (row,) in self._claim(statement, claimed)]
        if not rows:
            return []
        ids = sorted({row.contact_id for row in rows})
        contacts = {c.id: _contact(c) for c in self._plain(_CONTACTS_BY_ID, {"ids": ids})}
        owners = [owner_of(row) for row in rows]
        profiles = self._profiles_of(owners)
        return [
            (row, contacts[row.contact_id], profiles.get(owner))
            for row, owner in zip(rows, owners, strict=True)
        ]

    def _profiles_of(self, members: Iterable[Member]) -> dict[Member, Profile]:
        """The profiles of those among `members` who have one, one read per workspace."""
        by_workspace: dict[Workspace, set[str]] = {}
        for member in members:
            by_workspace.setdefault(member.workspace, set()).add(member.user_id)
        found: dict[Member, Profile] = {}
        for workspace, user_ids in by_workspace.items():
            params = {"platform": workspace.platform.value, "workspace": workspace.workspace_id}
            rows = self._plain(_PROFILES_IN, {**params, "users": sorted(user_ids)})
            found.update((profile.member, profile) for profile in map(profile_record, rows))
        return found

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


_PROFILES = cast(Table, ProfileRow.__table__)
_CONTACT_TABLE = cast(Table, ContactRow.__table__)
_PROMISES = cast(Table, PromiseRow.__table__)

# Every command reads its member's profile first.
_PROFILE = select(*_PROFILES.c).where(_owner_is(_PROFILES)).limit(1)

_CONTACTS = select(*_CONTACT_TABLE.c).where(
    _owner_is(_CONTACT_TABLE), _CONTACT_TABLE.c.id.in_(bindparam("ids", expanding=True))
)
_PROFILES_IN = select(*_PROFILES.c).where(
    _PROFILES.c.platform == bindparam("platform"),
    _PROFILES.c.workspace_id == bindparam("workspace"),
    _PROFILES.c.owner_id.in_(bindparam("users", expanding=True)),
)
# The contacts of claimed due rows, which may be anyone's: their ids come from those rows.
_CONTACTS_BY_ID = select(*_CONTACT_TABLE.c).where(
    _CONTACT_TABLE.c.id.in_(bindparam("ids", expanding=True))
)


class SqlProfileRepository(SqlRepository):
    def get(self, member: Member) -> Profile | None:
        rows = self._plain(_PROFILE, _owner_params(member))
        return profile_record(rows[0]) if rows else None

    def get_many(self, members: Iterable[Member]) -> Mapping[Member, Profile]:
        return self._profiles_of(members)

    def save(self, profile: Profile, *, now: datetime, since: Profile | None = None) -> None:
        insert = dialect_insert(self._session)
        member = profile.member
        self._session.execute(
            insert(WorkspaceRow)
            .values(
                platform=member.platform.value, workspace_id=member.workspace_id, created_at=now
            )
            .on_conflict_do_nothing(index_elements=["platform", "workspace_id"])
        )
        fields: dict[str, object] = {
            "display_name": profile.display_name,
            "timezone": profile.timezone,
            "timezone_chosen": profile.timezone_chosen,
            "quiet_start": profile.quiet_start,
            "quiet_end": profile.quiet_end,
            "digest_weekday": profile.digest_weekday,
            "digest_time": profile.digest_time,
            "digest_on": profile.digest_on,
            "paused_until": profile.paused_until,
            "open_to_intros": profile.open_to_intros,
            "offer": profile.offer,
            "looking_for": profile.looking_for,
            "profile_visible": profile.profile_visible,
            "organiser": profile.organiser,
        }
        statement = insert(ProfileRow).values(
            platform=member.platform.value,
            workspace_id=member.workspace_id,
            owner_id=member.user_id,
            created_at=now,
            updated_at=now,
            **fields,
        )
        if since is not None:  # only what this unit of work changed: others' changes stay
            fields = {name: new for name, new in fields.items() if getattr(since, name) != new}
        new = statement.excluded
        same_schedule = and_(
            ProfileRow.timezone == new.timezone,
            ProfileRow.digest_weekday == new.digest_weekday,
            ProfileRow.digest_time == new.digest_time,
        )
        # A changed schedule unschedules the next digest, for the digest job to place anew.
        digest_due_at = case((same_schedule, ProfileRow.digest_due_at), else_=None)
        if fields.keys() & _SCHEDULE_FIELDS:
            fields["digest_due_at"] = digest_due_at
        # An upsert, so two first commands from a new member at once cannot collide.
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["platform", "workspace_id", "owner_id"],
                set_={**fields, "updated_at": now},
            )
        )

    def since(self, member: Member) -> datetime | None:
        return self._session.scalar(
            select(ProfileRow.created_at).where(owned_by(ProfileRow, member))
        )

    def due_digests(self, *, now: datetime, limit: int) -> Sequence[DueDigest]:
        # Two index range reads rather than one OR, which SQLite answers by scanning the index.
        found: list[DueDigest] = []
        for due in (ProfileRow.digest_due_at.is_(None), ProfileRow.digest_due_at <= now):
            if len(found) == limit:
                break
            statement = (
                select(ProfileRow)
                .where(due)
                .order_by(ProfileRow.digest_due_at, ProfileRow.id)  # the index's own order
                .limit(limit - len(found))
            )
            rows = self._claim(statement, ProfileRow)
            found += [DueDigest(profile_record(row), row.digest_due_at) for (row,) in rows]
        return found

    def schedule_digest(self, member: Member, *, at: datetime) -> None:
        self._session.execute(
            update(ProfileRow).where(owned_by(ProfileRow, member)).values(digest_due_at=at)
        )

    def seeking(self, workspace: Workspace, *, exclude: Member, limit: int) -> Sequence[Profile]:
        statement = (
            select(ProfileRow)
            .where(
                in_workspace(ProfileRow, workspace),
                ProfileRow.owner_id != exclude.user_id,
                ProfileRow.looking_for != "",
                ProfileRow.profile_visible.is_(True),
            )
            .order_by(ProfileRow.updated_at.desc(), ProfileRow.id.desc())
            .limit(limit)
        )
        return [profile_record(row) for row in self._all(statement)]


class SqlContactRepository(SqlRepository):
    def get(self, owner: Member, contact_id: int) -> Contact | None:
        row = self._first(
            select(ContactRow).where(ContactRow.id == contact_id, owned_by(ContactRow, owner))
        )
        return None if row is None else _contact(row)

    def get_many(self, owner: Member, contact_ids: Iterable[int]) -> Mapping[int, Contact]:
        wanted = set(contact_ids)
        if not wanted:
            return {}
        rows = self._plain(_CONTACTS, {**_owner_params(owner), "ids": list(wanted)})
        return {row.id: _contact(row) for row in rows}

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


class SqlMeetingRepository(SqlRepository):
    def add(
        self,
        *,
        owner: Member,
        contact_id: int,
        met_at: datetime,
        context: str,
        follow_up_at: datetime | None,
        quotes: Member | None = None,
    ) -> Meeting:
        row = MeetingRow(
            platform=owner.platform.value,
            workspace_id=owner.workspace_id,
            owner_id=owner.user_id,
            contact_id=contact_id,
            met_at=met_at,
            context=context,
            follow_up_at=follow_up_at,
            quoted_user_id=quotes.user_id if quotes else None,
        )
        return _meeting(self._insert(row))

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Meeting]:
        statement = (
            select(MeetingRow)
            .where(owned_by(MeetingRow, owner))
            .order_by(MeetingRow.met_at.desc(), MeetingRow.id.desc())
        )
        if about is not None:
            statement = statement.where(MeetingRow.contact_id == about)
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

    def due_follow_ups(self, *, now: datetime, limit: int) -> Sequence[DueMeeting]:
        statement = (
            select(MeetingRow)
            .where(MeetingRow.follow_up_at <= now)
            .order_by(MeetingRow.follow_up_at, MeetingRow.id)
            .limit(limit)
        )
        return [
            DueMeeting(_meeting(m), c, p)
            for m, c, p in self._claim_with_people(statement, MeetingRow)
        ]


class SqlNoteRepository(SqlRepository):
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

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[Note]:
        statement = (
            select(NoteRow).where(owned_by(NoteRow, owner)).order_by(NoteRow.created_at, NoteRow.id)
        )
        if about is not None:
            statement = statement.where(NoteRow.contact_id == about)
        return [_note(row) for row in self._all(statement)]


class SqlPromiseRepository(SqlRepository):
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
            words_key=words_key(what),
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
            words_key=words_key(promise.what),
            number=promise.number,
            status=promise.status.value,
            due_at=promise.due_at,
            remind_at=promise.remind_at,
            heads_up_at=promise.heads_up_at,
            snoozes=promise.snoozes,
            closed_at=promise.closed_at,
            **_undo_columns(promise.undo),
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

    def list_open(
        self, owner: Member, *, limit: int | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        statement = _open_soonest(limited=limit is not None, about=about is not None)
        params = {**_owner_params(owner), "limit": limit, "about": about}
        return [_promise(row) for row in self._plain(statement, params)]

    def count_open(self, owner: Member) -> int:
        return self._session.scalar(_COUNT_OPEN, _owner_params(owner)) or 0

    def numbers_taken(self, owner: Member, *, closed_since: datetime) -> Sequence[int]:
        statement = select(PromiseRow.number).where(
            owned_by(PromiseRow, owner),
            (PromiseRow.status == PromiseStatus.OPEN.value) | (PromiseRow.closed_at > closed_since),
        )
        return self._session.scalars(statement).all()

    def numbering(self, owner: Member, *, closed_since: datetime) -> PromiseNumbering:
        # Two statements, each answered from an index alone: asked together, SQLite would read
        # every open row of the table instead.
        highest = self._session.scalar(_HIGHEST_OPEN, _owner_params(owner))
        count = self.count_open(owner)
        if count != (highest or 0):  # a gap among the open numbers
            taken = self.numbers_taken(owner, closed_since=closed_since)
            return PromiseNumbering(open_count=count, next_number=next_free_number(taken))
        # Open numbers are unique, so exactly 1..highest are open: look above them only.
        held = self._session.scalars(
            select(PromiseRow.number).where(
                owned_by(PromiseRow, owner),
                PromiseRow.status.in_([PromiseStatus.DONE.value, PromiseStatus.DROPPED.value]),
                PromiseRow.closed_at > closed_since,
            )
        ).all()
        free = next_free_number(held, above=highest or 0)
        return PromiseNumbering(open_count=count, next_number=free)

    def last_closed(self, owner: Member, number: int, *, since: datetime) -> Promise | None:
        row = self._first(
            select(PromiseRow)
            .where(
                owned_by(PromiseRow, owner),
                PromiseRow.status != PromiseStatus.OPEN.value,
                PromiseRow.number == number,
                PromiseRow.closed_at > since,
            )
            .order_by(PromiseRow.closed_at.desc(), PromiseRow.id.desc())
        )
        return None if row is None else _promise(row)

    def last_changed(self, owner: Member, *, since: datetime) -> Promise | None:
        row = self._first(
            select(PromiseRow)
            .where(owned_by(PromiseRow, owner), PromiseRow.undo_at > since)
            .order_by(PromiseRow.undo_at.desc(), PromiseRow.id.desc())
        )
        return None if row is None else _promise(row)

    def open_same(self, owner: Member, contact_id: int, what: str) -> Promise | None:
        # Only those with the same fingerprint, from an index: one person may be owed many.
        statement = (
            select(PromiseRow.id, PromiseRow.what)
            .where(
                owned_by(PromiseRow, owner),
                PromiseRow.status == _OPEN,
                PromiseRow.contact_id == contact_id,
                PromiseRow.words_key == words_key(what),
            )
            .order_by(PromiseRow.id)
        )
        for promise_id, words in self._session.execute(statement):
            if same_promise(words, what):
                return self.get(owner, promise_id)
        return None

    def open_per_contact(self, owner: Member, contact_ids: Sequence[int]) -> Mapping[int, int]:
        if not contact_ids:
            return {}
        statement = (
            select(PromiseRow.contact_id, func.count())
            .where(_open_of(owner), PromiseRow.contact_id.in_(contact_ids))
            .group_by(PromiseRow.contact_id)
        )
        return {contact_id: count for contact_id, count in self._session.execute(statement)}

    def tally(self, owner: Member) -> PromiseTally:
        done = PromiseRow.status == PromiseStatus.DONE.value
        on_time = and_(
            done,
            (PromiseRow.due_at.is_(None)) | (PromiseRow.closed_at <= PromiseRow.due_at),
        )
        row = self._session.execute(
            select(
                func.count().filter(PromiseRow.status == PromiseStatus.OPEN.value),
                func.count().filter(done),
                func.count().filter(on_time),
            ).where(owned_by(PromiseRow, owner))
        ).one()
        return PromiseTally(open=row[0], kept=row[1], kept_on_time=row[2])

    def list_all(
        self, owner: Member, *, since: datetime | None = None, about: int | None = None
    ) -> Sequence[Promise]:
        """In the order they were made."""
        statement = select(PromiseRow).where(owned_by(PromiseRow, owner)).order_by(PromiseRow.id)
        if since is not None:
            statement = statement.where(PromiseRow.created_at >= since)
        if about is not None:
            statement = statement.where(PromiseRow.contact_id == about)
        return [_promise(row) for row in self._all(statement)]

    def due_reminders(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        return self._due(PromiseRow.remind_at, now=now, limit=limit)

    def clear_reminders(self, promise_ids: Sequence[int]) -> None:
        self._clear(promise_ids, remind_at=None)

    def clear_heads_ups(self, promise_ids: Sequence[int]) -> None:
        self._clear(promise_ids, heads_up_at=None)

    def _clear(self, promise_ids: Sequence[int], **cleared: None) -> None:
        if promise_ids:  # an idle tick writes nothing
            self._session.execute(
                update(PromiseRow)
                .where(among(self._session, PromiseRow.id, promise_ids))
                .values(**cleared)
            )

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        return self._due(PromiseRow.heads_up_at, now=now, limit=limit)

    def _due(self, column: Any, *, now: datetime, limit: int) -> Sequence[DuePromise]:
        # Plain rows, not mapped objects: a batch of records is read and let go, so building
        # (and identity-mapping) an object per row and table would be most of the query's cost.
        statement = (
            select(_columns(PromiseRow, "promise"))
            # Spelled as the partial index's condition, so both databases use the index.
            .where(PromiseRow.status == _OPEN, column.is_not(None), column <= now)
            .order_by(column, PromiseRow.id)
            .limit(limit)
        )
        return [
            DuePromise(_promise(p), c, pr)
            for p, c, pr in self._claim_with_people(statement, PromiseRow)
        ]


def _columns(model: Any, name: str) -> Bundle[Any]:
    """A table's columns as one row, read by the same attribute names as its mapped object."""
    return Bundle(name, *(getattr(model, column.key) for column in model.__table__.c))


class SqlCadenceRepository(SqlRepository):
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

    def due(self, *, now: datetime, limit: int) -> Sequence[DueCadence]:
        statement = (
            select(CadenceRow)
            .where(CadenceRow.due_at <= now)
            .order_by(CadenceRow.due_at, CadenceRow.id)
            .limit(limit)
        )
        return [
            DueCadence(_cadence(cd), c, p)
            for cd, c, p in self._claim_with_people(statement, CadenceRow)
        ]


class SqlLedgerRepository(SqlRepository):
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

    def list(self, owner: Member, *, about: int | None = None) -> Sequence[LedgerEntry]:
        statement = (
            select(LedgerEntryRow)
            .where(owned_by(LedgerEntryRow, owner))
            .order_by(LedgerEntryRow.at, LedgerEntryRow.id)
        )
        if about is not None:
            statement = statement.where(LedgerEntryRow.contact_id == about)
        return [_ledger_entry(row) for row in self._all(statement)]

    def count(self, owner: Member, kind: LedgerKind, *, since: datetime | None = None) -> int:
        statement = select(func.count()).where(
            owned_by(LedgerEntryRow, owner), LedgerEntryRow.kind == kind.value
        )
        if since is not None:
            statement = statement.where(LedgerEntryRow.at >= since)
        return self._session.scalar(statement) or 0

    def delete(self, owner: Member, entry_id: int) -> None:
        self._session.execute(
            delete(LedgerEntryRow).where(
                owned_by(LedgerEntryRow, owner), LedgerEntryRow.id == entry_id
            )
        )

    def get(self, owner: Member, entry_id: int) -> LedgerEntry | None:
        row = self._first(
            select(LedgerEntryRow).where(
                LedgerEntryRow.id == entry_id, owned_by(LedgerEntryRow, owner)
            )
        )
        return None if row is None else _ledger_entry(row)


def _open_of(owner: Member) -> ColumnElement[bool]:
    return and_(owned_by(PromiseRow, owner), PromiseRow.status == PromiseStatus.OPEN.value)


@cache
def _open_soonest(*, limited: bool, about: bool) -> Select[Any]:
    """Open promises, soonest first (at most `limit`, about the contact `about`), as plain
    rows: each command shows some, so the statement is built once per shape."""
    c = _PROMISES.c
    statement = (
        select(*c)
        .where(_owner_is(_PROMISES), c.status == PromiseStatus.OPEN.value)
        .order_by(func.coalesce(c.remind_at, c.due_at).asc().nulls_last(), c.created_at, c.id)
    )
    if limited:
        statement = statement.limit(bindparam("limit", type_=Integer))
    if about:
        statement = statement.where(c.contact_id == bindparam("about"))
    return statement


_COUNT_OPEN = select(func.count()).where(
    _owner_is(_PROMISES), PromiseRow.status == PromiseStatus.OPEN.value
)
_HIGHEST_OPEN = (
    select(PromiseRow.number)
    .where(_owner_is(_PROMISES), PromiseRow.status == _OPEN)
    .order_by(PromiseRow.number.desc())
    .limit(1)
)


class SqlUsageRepository(SqlRepository):
    def recent(
        self, member: Member, *, kind: str, scope: str = "", since: datetime
    ) -> Sequence[datetime]:
        statement = (
            select(UsageMarkRow.at)
            .where(_marks_of(member, kind, scope), UsageMarkRow.at > since)
            .order_by(UsageMarkRow.at)
        )
        return self._session.scalars(statement).all()

    def mark(
        self, member: Member, *, kind: str, scope: str = "", now: datetime, keep: timedelta
    ) -> None:
        self._session.execute(
            delete(UsageMarkRow).where(
                owned_by(UsageMarkRow, member),
                UsageMarkRow.kind == kind,
                UsageMarkRow.at <= now - keep,
            )
        )
        self._session.add(
            UsageMarkRow(
                platform=member.platform.value,
                workspace_id=member.workspace_id,
                owner_id=member.user_id,
                kind=kind,
                scope=scope,
                at=now,
            )
        )
        self._session.flush()


def _marks_of(member: Member, kind: str, scope: str) -> ColumnElement[bool]:
    return and_(
        owned_by(UsageMarkRow, member), UsageMarkRow.kind == kind, UsageMarkRow.scope == scope
    )


def outbox_rows_about(member: Member) -> Select[int]:
    """The ids of the outbox rows that reach, mention or quote the member (`outbox_members`)."""
    return select(OutboxMemberRow.outbox_id).where(
        OutboxMemberRow.platform == member.platform.value,
        OutboxMemberRow.workspace_id == member.workspace_id,
        OutboxMemberRow.user_id == member.user_id,
    )


def _in_channel(channel: Channel) -> ColumnElement[bool]:
    return and_(
        ChannelPromptRow.platform == channel.platform.value,
        ChannelPromptRow.workspace_id == channel.workspace_id,
        ChannelPromptRow.channel_id == channel.channel_id,
    )


class SqlChannelPromptRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, channel: Channel) -> ChannelPrompt | None:
        row = self._session.scalars(
            select(ChannelPromptRow)
            .where(_in_channel(channel))
            .execution_options(populate_existing=True)
        ).first()
        return None if row is None else _channel_prompt(row)

    def put(
        self,
        channel: Channel,
        *,
        weekday: int,
        timezone: str,
        next_post_at: datetime,
        now: datetime,
    ) -> ChannelPrompt:
        fields = {"weekday": weekday, "timezone": timezone, "next_post_at": next_post_at}
        upsert_channel_row(self._session, ChannelPromptRow, channel, now=now, fields=fields)
        prompt = self.get(channel)
        assert prompt is not None
        return prompt

    def save(self, prompt: ChannelPrompt) -> None:
        self._session.execute(
            update(ChannelPromptRow)
            .where(ChannelPromptRow.id == prompt.id)
            .values(
                weekday=prompt.weekday,
                timezone=prompt.timezone,
                next_post_at=prompt.next_post_at,
            )
        )

    def delete(self, channel: Channel) -> None:
        self._session.execute(delete(ChannelPromptRow).where(_in_channel(channel)))

    def due(self, *, now: datetime, limit: int) -> Sequence[ChannelPrompt]:
        statement = (
            select(ChannelPromptRow)
            .where(ChannelPromptRow.next_post_at <= now)
            .order_by(ChannelPromptRow.next_post_at, ChannelPromptRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return [_channel_prompt(row) for row in self._session.scalars(statement)]


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, effect: Effect, *, key: str, now: datetime, not_before: datetime) -> bool:
        return self.add_many([OutboxMessage(effect, key, not_before)], now=now) == 1

    def add_many(self, messages: Sequence[OutboxMessage], *, now: datetime) -> int:
        if not messages:
            return 0
        # ON CONFLICT DO NOTHING: a duplicate key is skipped without aborting the transaction,
        # and RETURNING tells which happened (psycopg's rowcount is -1 here).
        table = cast(Table, OutboxRow.__table__)
        values = [_outbox_values(m, now=now) for m in messages]
        if self._session.get_bind().dialect.name == "postgresql":
            statement = unnest_insert(table, tuple(values[0]), document="payload")
            parameters: Any = {name: [row[name] for row in values] for name in values[0]}
        else:
            # One cached statement, executed for many rows ("insertmanyvalues" batches them).
            statement, parameters = sqlite.insert(table), values
        inserted = self._session.execute(
            statement.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
                table.c.id, table.c.idempotency_key
            ),
            parameters,
        ).all()
        # Who each new row is about, in the same transaction: what erasure looks up.
        effects = {m.key: m.effect for m in reversed(messages)}  # the first of a repeated key
        members = [
            {
                "outbox_id": row_id,
                "platform": member.platform.value,
                "workspace_id": member.workspace_id,
                "user_id": member.user_id,
            }
            for row_id, key in inserted
            for member in effect_members(effects[key])
        ]
        if members and self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                unnest_insert(cast(Table, OutboxMemberRow.__table__), tuple(members[0])),
                {name: [row[name] for row in members] for name in members[0]},
            )
        elif members:
            self._session.execute(insert_into(OutboxMemberRow), members)
        return len(inserted)

    def purge_settled(self, *, before: datetime, limit: int) -> int:
        purgeable = (
            select(OutboxRow.id)
            .where(OutboxRow.payload.is_not(None), OutboxRow.settled_at < before)
            .order_by(OutboxRow.settled_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        purged = self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(purgeable))
            .values(payload=null())
            .returning(OutboxRow.id, OutboxRow.kind)
            .execution_options(synchronize_session=False)
        ).all()
        # Without its text, a row is about its recipient only: a DM's is in `recipient`, a
        # post's is a channel. A group's members stay listed, for erasure to find.
        unlisted = [row_id for row_id, kind in purged if kind != EffectKind.GROUP]
        if unlisted:
            self._session.execute(
                delete(OutboxMemberRow).where(OutboxMemberRow.outbox_id.in_(unlisted))
            )
        return len(purged)

    def queued_for(self, member: Member, *, limit: int) -> Sequence[QueuedMessage]:
        about = outbox_rows_about(member)
        statement = (
            select(OutboxRow.kind, OutboxRow.idempotency_key, OutboxRow.next_attempt_at)
            .where(
                in_workspace(OutboxRow, member.workspace),
                OutboxRow.status == OutboxStatus.PENDING,
                or_(
                    and_(OutboxRow.kind == EffectKind.DM, OutboxRow.recipient == member.user_id),
                    and_(OutboxRow.kind == EffectKind.GROUP, OutboxRow.id.in_(about)),
                ),
            )
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        return [
            QueuedMessage(kind=EffectKind(kind), about=queued_about(key), due_at=due)
            for kind, key, due in self._session.execute(statement)
        ]

    def take_undelivered(self, member: Member) -> int:
        """Run by every command: its statements are built once."""
        params = _owner_params(member)
        # Looked up first, so the usual answer (none) never takes SQLite's write lock.
        if self._session.scalar(_ANY_UNTOLD, params) is None:
            return 0
        # Counted from what this UPDATE changed: of two concurrent commands, only one tells.
        return len(self._session.scalars(_TELL_UNTOLD, params).all())


# DMs to the member that failed for good, which they have not been told about yet.
_OUTBOX = cast(Table, OutboxRow.__table__)
_UNTOLD = and_(
    _OUTBOX.c.platform == bindparam("owner_platform"),
    _OUTBOX.c.workspace_id == bindparam("owner_workspace"),
    _OUTBOX.c.recipient == bindparam("owner_user"),
    _OUTBOX.c.status == OutboxStatus.DEAD,
    _OUTBOX.c.kind == EffectKind.DM,
    _OUTBOX.c.notice_pending_since.is_not(None),
)
_ANY_UNTOLD = select(_OUTBOX.c.id).where(_UNTOLD).limit(1)
_TELL_UNTOLD = (
    update(OutboxRow)
    .where(_UNTOLD)
    .values(notice_pending_since=None)
    .returning(OutboxRow.id)
    .execution_options(synchronize_session=False)
)


def _outbox_values(message: OutboxMessage, *, now: datetime) -> dict[str, Any]:
    workspace = workspace_of(message.effect)
    kind, recipient = outbox_recipient(message.effect)
    return {
        "idempotency_key": message.key,
        "platform": workspace.platform.value,
        "workspace_id": workspace.workspace_id,
        "kind": kind,
        "recipient": recipient,
        "payload": effect_to_json(message.effect),
        "created_at": now,
        "not_before": message.not_before,
        "next_attempt_at": message.not_before,
        "attempts": 0,
        "status": OutboxStatus.PENDING,
    }


def outbox_recipient(effect: Effect) -> tuple[EffectKind, str]:
    """The outbox kind, and who receives it: messages to one recipient are delivered in order."""
    match effect:
        case DirectMessage(to, _):
            return EffectKind.DM, to.user_id
        case ChannelPost(channel, _):
            return EffectKind.POST, channel.channel_id
        case GroupIntro(members, _, _):
            return EffectKind.GROUP, ",".join(sorted(member.user_id for member in members))


# --- rows to records --------------------------------------------------------------------------


def profile_record(row: ProfileRow) -> Profile:
    return Profile(
        member=owner_of(row),
        display_name=row.display_name,
        timezone=row.timezone,
        timezone_chosen=row.timezone_chosen,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        digest_weekday=row.digest_weekday,
        digest_time=row.digest_time,
        digest_on=row.digest_on,
        paused_until=row.paused_until,
        open_to_intros=row.open_to_intros,
        offer=row.offer,
        looking_for=row.looking_for,
        profile_visible=row.profile_visible,
        organiser=row.organiser,
    )


def _channel_prompt(row: ChannelPromptRow) -> ChannelPrompt:
    return ChannelPrompt(
        id=row.id,
        channel=Channel(Platform(row.platform), row.workspace_id, row.channel_id),
        weekday=row.weekday,
        timezone=row.timezone,
        next_post_at=row.next_post_at,
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
        quoted_user_id=row.quoted_user_id,
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
        undo=_undoable(row),
    )


def _undoable(row: PromiseRow) -> Undoable | None:
    if row.undo_action is None or row.undo_at is None or row.undo_what is None:
        return None
    return Undoable(
        action=PromiseAction(row.undo_action),
        at=row.undo_at,
        what=row.undo_what,
        due_at=row.undo_due_at,
        remind_at=row.undo_remind_at,
        heads_up_at=row.undo_heads_up_at,
        give_id=row.undo_give_id,
    )


def _undo_columns(undo: Undoable | None) -> dict[str, Any]:
    return {
        "undo_action": None if undo is None else undo.action.value,
        "undo_at": None if undo is None else undo.at,
        "undo_what": None if undo is None else undo.what,
        "undo_due_at": None if undo is None else undo.due_at,
        "undo_remind_at": None if undo is None else undo.remind_at,
        "undo_heads_up_at": None if undo is None else undo.heads_up_at,
        "undo_give_id": None if undo is None else undo.give_id,
    }


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

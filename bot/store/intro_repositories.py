"""SQL repositories for introductions, blocks and pairing rounds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.records import (
    CheckIn,
    Intro,
    IntroAnswer,
    IntroStatus,
    MemberBlock,
    MembershipState,
    PairingChannel,
    PairingGroup,
    PairingMembership,
    PairingRound,
    PairingSeat,
    Profile,
)
from bot.store.models import ProfileRow
from bot.store.pairing_models import (
    IntroRow,
    MemberBlockRow,
    PairingChannelRow,
    PairingGroupRow,
    PairingMemberRow,
    PairingRoundRow,
    PairingSeatRow,
)
from bot.store.repositories import (
    SqlRepository,
    dialect_insert,
    in_workspace,
    owned_by,
    profile_record,
    upsert_channel_row,
)


def _in_channel(model: Any, channel: Channel) -> ColumnElement[bool]:
    return and_(in_workspace(model, channel.workspace), model.channel_id == channel.channel_id)


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()  # assigns the id
    return row


class SqlIntroRepository(SqlRepository):
    def add(
        self,
        *,
        introducer: Member,
        a: Member,
        b: Member,
        reason: str,
        channel: Channel | None,
        now: datetime,
        expires_at: datetime,
        withheld: bool = False,
    ) -> Intro:
        row = IntroRow(
            platform=introducer.platform.value,
            workspace_id=introducer.workspace_id,
            introducer_id=introducer.user_id,
            a_id=a.user_id,
            b_id=b.user_id,
            reason=reason,
            channel_id=channel.channel_id if channel else None,
            status=IntroStatus.PENDING.value,
            created_at=now,
            expires_at=expires_at,
            notice_at=expires_at,
            withheld=withheld,
        )
        return _intro(_add(self._session, row))

    def get(self, workspace: Workspace, intro_id: int) -> Intro | None:
        row = self._session.scalars(
            select(IntroRow).where(IntroRow.id == intro_id, in_workspace(IntroRow, workspace))
        ).first()
        return None if row is None else _intro(row)

    def save(self, intro: Intro) -> None:
        self._session.execute(
            update(IntroRow)
            .where(IntroRow.id == intro.id, in_workspace(IntroRow, intro.introducer.workspace))
            .values(
                status=intro.status.value,
                a_answer=intro.a_answer.value if intro.a_answer else None,
                b_answer=intro.b_answer.value if intro.b_answer else None,
                notice_at=intro.notice_at,
                closed_at=intro.closed_at,
            )
        )

    def waiting(self, introducer: Member) -> int:
        statement = select(func.count()).where(
            in_workspace(IntroRow, introducer.workspace),
            IntroRow.introducer_id == introducer.user_id,
            IntroRow.notice_at.is_not(None),
        )
        return self._session.scalar(statement) or 0

    def between_since(self, a: Member, b: Member, *, since: datetime) -> Sequence[Intro]:
        statement = (
            select(IntroRow).where(_pair(a, b), IntroRow.created_at >= since).order_by(IntroRow.id)
        )
        return [_intro(row) for row in self._session.scalars(statement)]

    def open_between(self, a: Member, b: Member) -> Sequence[Intro]:
        statement = (
            select(IntroRow)
            .where(_pair(a, b), IntroRow.notice_at.is_not(None))
            .order_by(IntroRow.id)
        )
        return [_intro(row) for row in self._session.scalars(statement)]

    def due_notices(self, *, now: datetime, limit: int) -> Sequence[Intro]:
        statement = (
            select(IntroRow)
            .where(IntroRow.notice_at.is_not(None), IntroRow.notice_at <= now)
            .order_by(IntroRow.notice_at, IntroRow.id)
            .limit(limit)
        )
        return [_intro(row) for (row,) in self._claim(statement, IntroRow)]

    def involving(self, member: Member) -> Sequence[Intro]:
        user = member.user_id
        statement = (
            select(IntroRow)
            .where(
                in_workspace(IntroRow, member.workspace),
                or_(
                    IntroRow.introducer_id == user,
                    and_(
                        or_(IntroRow.a_id == user, IntroRow.b_id == user),
                        IntroRow.withheld.is_(False),
                    ),
                ),
            )
            .order_by(IntroRow.id)
        )
        return [_intro(row) for row in self._session.scalars(statement)]


def _pair(a: Member, b: Member) -> ColumnElement[bool]:
    """Intros with these two as the two sides, either way round."""
    return and_(
        in_workspace(IntroRow, a.workspace),
        or_(
            and_(IntroRow.a_id == a.user_id, IntroRow.b_id == b.user_id),
            and_(IntroRow.a_id == b.user_id, IntroRow.b_id == a.user_id),
        ),
    )


class SqlBlockRepository(SqlRepository):
    def add(self, owner: Member, blocked_user_id: str, *, now: datetime) -> bool:
        insert_ = dialect_insert(self._session)
        added = self._session.scalar(
            insert_(MemberBlockRow)
            .values(
                platform=owner.platform.value,
                workspace_id=owner.workspace_id,
                owner_id=owner.user_id,
                blocked_id=blocked_user_id,
                created_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=["platform", "workspace_id", "owner_id", "blocked_id"]
            )
            .returning(MemberBlockRow.id)
        )
        return added is not None

    def remove(self, owner: Member, blocked_user_id: str) -> bool:
        removed = self._session.scalar(
            delete(MemberBlockRow)
            .where(owned_by(MemberBlockRow, owner), MemberBlockRow.blocked_id == blocked_user_id)
            .returning(MemberBlockRow.id)
        )
        return removed is not None

    def between(self, a: Member, b: Member) -> bool:
        either = or_(
            and_(MemberBlockRow.owner_id == a.user_id, MemberBlockRow.blocked_id == b.user_id),
            and_(MemberBlockRow.owner_id == b.user_id, MemberBlockRow.blocked_id == a.user_id),
        )
        statement = select(
            exists()
            .where(in_workspace(MemberBlockRow, a.workspace), either)
            .select_from(MemberBlockRow)
        )
        return bool(self._session.scalar(statement))

    def either_way(self, member: Member) -> frozenset[str]:
        user = member.user_id
        statement = select(MemberBlockRow.owner_id, MemberBlockRow.blocked_id).where(
            in_workspace(MemberBlockRow, member.workspace),
            or_(MemberBlockRow.owner_id == user, MemberBlockRow.blocked_id == user),
        )
        rows = self._session.execute(statement)
        return frozenset(blocked if owner == user else owner for owner, blocked in rows)

    def list(self, owner: Member) -> Sequence[MemberBlock]:
        statement = (
            select(MemberBlockRow)
            .where(owned_by(MemberBlockRow, owner))
            .order_by(MemberBlockRow.id)
        )
        return [_block(row) for row in self._session.scalars(statement)]

    def in_workspace(self, workspace: Workspace) -> Sequence[MemberBlock]:
        statement = (
            select(MemberBlockRow)
            .where(in_workspace(MemberBlockRow, workspace))
            .order_by(MemberBlockRow.id)
        )
        return [_block(row) for row in self._session.scalars(statement)]


class SqlPairingRepository(SqlRepository):
    # -- channels ----------------------------------------------------------------------------

    def channel(self, channel: Channel) -> PairingChannel | None:
        row = self._session.scalars(
            select(PairingChannelRow)
            .where(_in_channel(PairingChannelRow, channel))
            .execution_options(populate_existing=True)
        ).first()
        return None if row is None else _pairing_channel(row)

    def put_channel(
        self,
        channel: Channel,
        *,
        every_weeks: int,
        group_size: int,
        weekday: int,
        at: time,
        timezone: str,
        repeat_window: int,
        organiser: Member,
        next_round_at: datetime,
        heads_up_at: datetime | None,
        channel_name: str,
        now: datetime,
    ) -> PairingChannel:
        fields: dict[str, object] = {
            "active": True,
            "every_weeks": every_weeks,
            "group_size": group_size,
            "weekday": weekday,
            "at": at,
            "timezone": timezone,
            "repeat_window": repeat_window,
            "organiser_id": organiser.user_id,
            "next_round_at": next_round_at,
            "heads_up_at": heads_up_at,
        }
        if channel_name:
            fields["channel_name"] = channel_name
        upsert_channel_row(self._session, PairingChannelRow, channel, now=now, fields=fields)
        stored = self.channel(channel)
        assert stored is not None
        return stored

    def save_channel(self, channel: PairingChannel) -> None:
        self._session.execute(
            update(PairingChannelRow)
            .where(PairingChannelRow.id == channel.id)
            .values(
                active=channel.active,
                organiser_id=channel.organiser.user_id if channel.organiser else None,
                next_round_at=channel.next_round_at,
                heads_up_at=channel.heads_up_at,
            )
        )

    def due_rounds(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        return self._due_channels(PairingChannelRow.next_round_at, now=now, limit=limit)

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        return self._due_channels(PairingChannelRow.heads_up_at, now=now, limit=limit)

    def _due_channels(self, column: Any, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        statement = (
            select(PairingChannelRow)
            .where(PairingChannelRow.active.is_(True), column.is_not(None), column <= now)
            .order_by(column, PairingChannelRow.id)
            .limit(limit)
        )
        return [_pairing_channel(row) for (row,) in self._claim(statement, PairingChannelRow)]

    # -- memberships -------------------------------------------------------------------------

    def membership(self, channel: Channel, member: Member) -> PairingMembership | None:
        row = self._session.scalars(
            select(PairingMemberRow)
            .where(
                _in_channel(PairingMemberRow, channel), PairingMemberRow.user_id == member.user_id
            )
            .execution_options(populate_existing=True)
        ).first()
        return None if row is None else _membership(row)

    def join(self, channel: Channel, member: Member, *, now: datetime) -> PairingMembership:
        fresh = {
            "state": MembershipState.ACTIVE.value,
            "paused_until": None,
            "skip_round_at": None,
            "silent_rounds": 0,
        }
        insert_ = dialect_insert(self._session)
        self._session.execute(
            insert_(PairingMemberRow)
            .values(
                platform=channel.platform.value,
                workspace_id=channel.workspace_id,
                channel_id=channel.channel_id,
                user_id=member.user_id,
                joined_at=now,
                **fresh,
            )
            .on_conflict_do_update(
                index_elements=["platform", "workspace_id", "channel_id", "user_id"], set_=fresh
            )
        )
        joined = self.membership(channel, member)
        assert joined is not None
        return joined

    def save_membership(self, membership: PairingMembership) -> None:
        self._session.execute(
            update(PairingMemberRow)
            .where(PairingMemberRow.id == membership.id)
            .values(
                state=membership.state.value,
                paused_until=membership.paused_until,
                skip_round_at=membership.skip_round_at,
                silent_rounds=membership.silent_rounds,
            )
        )

    def memberships(self, channel: Channel) -> Sequence[tuple[PairingMembership, Profile | None]]:
        statement = (
            select(PairingMemberRow, ProfileRow)
            .outerjoin(
                ProfileRow,
                and_(
                    ProfileRow.platform == PairingMemberRow.platform,
                    ProfileRow.workspace_id == PairingMemberRow.workspace_id,
                    ProfileRow.owner_id == PairingMemberRow.user_id,
                ),
            )
            .where(_in_channel(PairingMemberRow, channel))
            .order_by(PairingMemberRow.id)
            .execution_options(populate_existing=True)
        )
        return [
            (_membership(row), None if profile is None else profile_record(profile))
            for row, profile in self._session.execute(statement)
        ]

    def memberships_of(self, member: Member) -> Sequence[PairingMembership]:
        statement = (
            select(PairingMemberRow)
            .where(
                in_workspace(PairingMemberRow, member.workspace),
                PairingMemberRow.user_id == member.user_id,
            )
            .order_by(PairingMemberRow.id)
        )
        return [_membership(row) for row in self._session.scalars(statement)]

    # -- rounds and groups -------------------------------------------------------------------

    def add_round(
        self,
        channel: Channel,
        *,
        started_at: datetime,
        checkin_at: datetime | None,
        groups: Sequence[Sequence[Member]],
    ) -> PairingRound:
        last = self._session.scalar(
            select(func.max(PairingRoundRow.number)).where(_in_channel(PairingRoundRow, channel))
        )
        row = _add(
            self._session,
            PairingRoundRow(
                platform=channel.platform.value,
                workspace_id=channel.workspace_id,
                channel_id=channel.channel_id,
                number=(last or 0) + 1,
                started_at=started_at,
                checkin_at=checkin_at,
                group_count=len(groups),
            ),
        )
        if groups:
            # One statement per table however many groups: a round may hold 10^5 members.
            group_ids = self._session.scalars(
                insert(PairingGroupRow).returning(PairingGroupRow.id, sort_by_parameter_order=True),
                [{"round_id": row.id, "met_at": None} for _ in groups],
            ).all()
            self._session.execute(
                insert(PairingSeatRow),
                [
                    {
                        "group_id": group_id,
                        "round_id": row.id,
                        "platform": member.platform.value,
                        "workspace_id": member.workspace_id,
                        "user_id": member.user_id,
                        "answer": None,
                    }
                    for group_id, group in zip(group_ids, groups, strict=True)
                    for member in group
                ],
            )
        return _round(row)

    def rounds(self, channel: Channel, *, limit: int) -> Sequence[PairingRound]:
        statement = (
            select(PairingRoundRow)
            .where(_in_channel(PairingRoundRow, channel))
            .order_by(PairingRoundRow.number.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [_round(row) for row in self._session.scalars(statement)]

    def save_round(self, pairing_round: PairingRound) -> None:
        self._session.execute(
            update(PairingRoundRow)
            .where(PairingRoundRow.id == pairing_round.id)
            .values(checkin_at=pairing_round.checkin_at)
        )

    def due_checkins(self, *, now: datetime, limit: int) -> Sequence[PairingRound]:
        statement = (
            select(PairingRoundRow)
            .where(PairingRoundRow.checkin_at.is_not(None), PairingRoundRow.checkin_at <= now)
            .order_by(PairingRoundRow.checkin_at, PairingRoundRow.id)
            .limit(limit)
        )
        return [_round(row) for (row,) in self._claim(statement, PairingRoundRow)]

    def groups(self, round_id: int) -> Sequence[PairingGroup]:
        round_row = self._session.get(PairingRoundRow, round_id)
        if round_row is None:
            return []
        return self._assemble(
            _channel_of(round_row),
            select(PairingGroupRow).where(PairingGroupRow.round_id == round_id),
            select(PairingSeatRow).where(PairingSeatRow.round_id == round_id),
        )

    def group(self, workspace: Workspace, group_id: int) -> PairingGroup | None:
        found = self._session.execute(
            select(PairingGroupRow, PairingRoundRow)
            .join(PairingRoundRow, PairingRoundRow.id == PairingGroupRow.round_id)
            .where(PairingGroupRow.id == group_id, in_workspace(PairingRoundRow, workspace))
        ).first()
        if found is None:
            return None
        groups = self._assemble(
            _channel_of(found[1]),
            select(PairingGroupRow).where(PairingGroupRow.id == group_id),
            select(PairingSeatRow).where(PairingSeatRow.group_id == group_id),
        )
        return groups[0]

    def _assemble(self, channel: Channel, groups: Any, seats: Any) -> list[PairingGroup]:
        by_group: dict[int, list[PairingSeat]] = defaultdict(list)
        for seat in self._session.scalars(
            seats.order_by(PairingSeatRow.id).execution_options(populate_existing=True)
        ):
            member = Member(Platform(seat.platform), seat.workspace_id, seat.user_id)
            by_group[seat.group_id].append(
                PairingSeat(member, CheckIn(seat.answer) if seat.answer else None)
            )
        return [
            PairingGroup(
                id=row.id,
                round_id=row.round_id,
                channel=channel,
                seats=tuple(by_group[row.id]),
                met_at=row.met_at,
            )
            for row in self._session.scalars(
                groups.order_by(PairingGroupRow.id).execution_options(populate_existing=True)
            )
        ]

    def answer(
        self, group: PairingGroup, member: Member, answer: CheckIn, *, met_at: datetime | None
    ) -> PairingGroup:
        self._session.execute(
            update(PairingSeatRow)
            .where(PairingSeatRow.group_id == group.id, PairingSeatRow.user_id == member.user_id)
            .values(answer=answer.value)
        )
        if met_at is not None:
            self._session.execute(
                update(PairingGroupRow)
                .where(PairingGroupRow.id == group.id, PairingGroupRow.met_at.is_(None))
                .values(met_at=met_at)
            )
        answered = self.group(member.workspace, group.id)
        assert answered is not None
        return answered

    def met_count(self, round_id: int) -> int:
        statement = select(func.count()).where(
            PairingGroupRow.round_id == round_id, PairingGroupRow.met_at.is_not(None)
        )
        return self._session.scalar(statement) or 0

    def recent_partners(self, channel: Channel, *, rounds: int) -> dict[str, set[str]]:
        latest = [r.id for r in self.rounds(channel, limit=rounds)]
        members: dict[int, list[str]] = defaultdict(list)
        if latest:
            statement = select(PairingSeatRow.group_id, PairingSeatRow.user_id).where(
                PairingSeatRow.round_id.in_(latest)
            )
            for group_id, user_id in self._session.execute(statement):
                members[group_id].append(user_id)
        partners: dict[str, set[str]] = defaultdict(set)
        for group in members.values():
            for user in group:
                partners[user].update(other for other in group if other != user)
        return dict(partners)


# --- rows to records --------------------------------------------------------------------------


def _intro(row: IntroRow) -> Intro:
    platform = Platform(row.platform)

    def member(user_id: str) -> Member:
        return Member(platform, row.workspace_id, user_id)

    return Intro(
        id=row.id,
        introducer=member(row.introducer_id),
        a=member(row.a_id),
        b=member(row.b_id),
        reason=row.reason,
        channel=Channel(platform, row.workspace_id, row.channel_id) if row.channel_id else None,
        status=IntroStatus(row.status),
        a_answer=IntroAnswer(row.a_answer) if row.a_answer else None,
        b_answer=IntroAnswer(row.b_answer) if row.b_answer else None,
        created_at=row.created_at,
        expires_at=row.expires_at,
        notice_at=row.notice_at,
        closed_at=row.closed_at,
        withheld=row.withheld,
    )


def _block(row: MemberBlockRow) -> MemberBlock:
    return MemberBlock(
        id=row.id,
        owner=Member(Platform(row.platform), row.workspace_id, row.owner_id),
        blocked_user_id=row.blocked_id,
        created_at=row.created_at,
    )


def _channel_of(row: PairingChannelRow | PairingMemberRow | PairingRoundRow) -> Channel:
    return Channel(Platform(row.platform), row.workspace_id, row.channel_id)


def _pairing_channel(row: PairingChannelRow) -> PairingChannel:
    channel = _channel_of(row)
    return PairingChannel(
        id=row.id,
        channel=channel,
        active=row.active,
        every_weeks=row.every_weeks,
        group_size=row.group_size,
        weekday=row.weekday,
        at=row.at,
        timezone=row.timezone,
        repeat_window=row.repeat_window,
        organiser=(
            Member(channel.platform, channel.workspace_id, row.organiser_id)
            if row.organiser_id
            else None
        ),
        next_round_at=row.next_round_at,
        heads_up_at=row.heads_up_at,
        created_at=row.created_at,
        channel_name=row.channel_name,
    )


def _membership(row: PairingMemberRow) -> PairingMembership:
    return PairingMembership(
        id=row.id,
        channel=_channel_of(row),
        member=Member(Platform(row.platform), row.workspace_id, row.user_id),
        state=MembershipState(row.state),
        paused_until=row.paused_until,
        skip_round_at=row.skip_round_at,
        silent_rounds=row.silent_rounds,
        joined_at=row.joined_at,
    )


def _round(row: PairingRoundRow) -> PairingRound:
    return PairingRound(
        id=row.id,
        channel=_channel_of(row),
        number=row.number,
        started_at=row.started_at,
        checkin_at=row.checkin_at,
        group_count=row.group_count,
    )


# --- erasure ----------------------------------------------------------------------------------


def erase_member_rows(session: Session, member: Member) -> None:
    """The member's intros (made or asked about), own blocks, memberships and seats; channels
    they organise stay, without them. Others' blocks of them stay: those are the others'."""
    user, workspace = member.user_id, member.workspace
    session.execute(
        delete(IntroRow).where(
            in_workspace(IntroRow, workspace),
            or_(IntroRow.introducer_id == user, IntroRow.a_id == user, IntroRow.b_id == user),
        )
    )
    session.execute(delete(MemberBlockRow).where(owned_by(MemberBlockRow, member)))
    for model in (PairingMemberRow, PairingSeatRow):
        session.execute(delete(model).where(in_workspace(model, workspace), model.user_id == user))
    session.execute(
        update(PairingChannelRow)
        .where(in_workspace(PairingChannelRow, workspace), PairingChannelRow.organiser_id == user)
        .values(organiser_id=None)
    )


def erase_workspace_rows(session: Session, workspace: Workspace) -> None:
    rounds = select(PairingRoundRow.id).where(in_workspace(PairingRoundRow, workspace))
    session.execute(delete(PairingSeatRow).where(in_workspace(PairingSeatRow, workspace)))
    session.execute(delete(PairingGroupRow).where(PairingGroupRow.round_id.in_(rounds)))
    for model in (PairingRoundRow, PairingMemberRow, PairingChannelRow, MemberBlockRow, IntroRow):
        session.execute(delete(model).where(in_workspace(model, workspace)))

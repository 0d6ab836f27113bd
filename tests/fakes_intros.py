"""In-memory intros, blocks and pairing repositories, with the SQL store's semantics.

Wired into `tests.fakes.InMemoryUnitOfWork`; they keep their records in its `StoreState`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from bot.core.identity import Channel, Member, Workspace
from bot.core.records import (
    CheckIn,
    Intro,
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

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork, StoreState


class _Repo:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> StoreState:
        return self._uow.state


def _same_pair(intro: Intro, a: Member, b: Member) -> bool:
    return {intro.a, intro.b} == {a, b}


class InMemoryIntros(_Repo):
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
        intro = Intro(
            id=self._state.next_id("intros"),
            introducer=introducer,
            a=a,
            b=b,
            reason=reason,
            channel=channel,
            status=IntroStatus.PENDING,
            a_answer=None,
            b_answer=None,
            created_at=now,
            expires_at=expires_at,
            notice_at=expires_at,
            withheld=withheld,
        )
        self._state.intros[intro.id] = intro
        return intro

    def get(self, workspace: Workspace, intro_id: int) -> Intro | None:
        intro = self._state.intros.get(intro_id)
        return intro if intro is not None and intro.introducer.workspace == workspace else None

    def save(self, intro: Intro) -> None:
        stored = self.get(intro.introducer.workspace, intro.id)
        if stored is not None:  # the SQL store updates only the fields that change
            self._state.intros[intro.id] = replace(
                stored,
                status=intro.status,
                a_answer=intro.a_answer,
                b_answer=intro.b_answer,
                notice_at=intro.notice_at,
                closed_at=intro.closed_at,
            )

    def waiting(self, introducer: Member) -> int:
        return sum(
            1
            for intro in self._state.intros.values()
            if intro.introducer == introducer and intro.notice_at is not None
        )

    def between_since(self, a: Member, b: Member, *, since: datetime) -> Sequence[Intro]:
        return sorted(
            (
                intro
                for intro in self._state.intros.values()
                if _same_pair(intro, a, b) and intro.created_at >= since
            ),
            key=lambda intro: intro.id,
        )

    def open_between(self, a: Member, b: Member) -> Sequence[Intro]:
        return sorted(
            (
                intro
                for intro in self._state.intros.values()
                if _same_pair(intro, a, b) and intro.notice_at is not None
            ),
            key=lambda intro: intro.id,
        )

    def due_notices(self, *, now: datetime, limit: int) -> Sequence[Intro]:
        due = [
            i for i in self._state.intros.values() if i.notice_at is not None and i.notice_at <= now
        ]
        return sorted(due, key=lambda i: (i.notice_at, i.id))[:limit]

    def involving(self, member: Member) -> Sequence[Intro]:
        return sorted(
            (
                i
                for i in self._state.intros.values()
                if member == i.introducer or (member in (i.a, i.b) and not i.withheld)
            ),
            key=lambda i: i.id,
        )


class InMemoryBlocks(_Repo):
    def _find(self, owner: Member, blocked_user_id: str) -> MemberBlock | None:
        for block in self._state.member_blocks.values():
            if block.owner == owner and block.blocked_user_id == blocked_user_id:
                return block
        return None

    def add(self, owner: Member, blocked_user_id: str, *, now: datetime) -> bool:
        if self._find(owner, blocked_user_id) is not None:
            return False
        block_id = self._state.next_id("member_blocks")
        self._state.member_blocks[block_id] = MemberBlock(block_id, owner, blocked_user_id, now)
        return True

    def remove(self, owner: Member, blocked_user_id: str) -> bool:
        block = self._find(owner, blocked_user_id)
        if block is None:
            return False
        del self._state.member_blocks[block.id]
        return True

    def between(self, a: Member, b: Member) -> bool:
        if a.workspace != b.workspace:
            return False
        return self._find(a, b.user_id) is not None or self._find(b, a.user_id) is not None

    def either_way(self, member: Member) -> frozenset[str]:
        found = set()
        for block in self._state.member_blocks.values():
            if block.owner == member:
                found.add(block.blocked_user_id)
            elif block.blocked == member:
                found.add(block.owner.user_id)
        return frozenset(found)

    def list(self, owner: Member) -> Sequence[MemberBlock]:
        return sorted(
            (b for b in self._state.member_blocks.values() if b.owner == owner),
            key=lambda b: b.id,
        )

    def in_workspace(self, workspace: Workspace) -> Sequence[MemberBlock]:
        return sorted(
            (b for b in self._state.member_blocks.values() if b.owner.workspace == workspace),
            key=lambda b: b.id,
        )


class InMemoryPairing(_Repo):
    # -- channels ----------------------------------------------------------------------------

    def channel(self, channel: Channel) -> PairingChannel | None:
        for found in self._state.pairing_channels.values():
            if found.channel == channel:
                return found
        return None

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
        existing = self.channel(channel)
        stored = PairingChannel(
            id=existing.id if existing else self._state.next_id("pairing_channels"),
            channel=channel,
            active=True,
            every_weeks=every_weeks,
            group_size=group_size,
            weekday=weekday,
            at=at,
            timezone=timezone,
            repeat_window=repeat_window,
            organiser=organiser,
            next_round_at=next_round_at,
            heads_up_at=heads_up_at,
            created_at=existing.created_at if existing else now,
            channel_name=channel_name or (existing.channel_name if existing else ""),
        )
        self._state.pairing_channels[stored.id] = stored
        return stored

    def save_channel(self, channel: PairingChannel) -> None:
        stored = self._state.pairing_channels.get(channel.id)
        if stored is not None:
            self._state.pairing_channels[channel.id] = replace(
                stored,
                active=channel.active,
                organiser=channel.organiser,
                next_round_at=channel.next_round_at,
                heads_up_at=channel.heads_up_at,
            )

    def due_rounds(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        return self._due(lambda c: c.next_round_at, now=now, limit=limit)

    def due_heads_ups(self, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        return self._due(lambda c: c.heads_up_at, now=now, limit=limit)

    def _due(self, when: Any, *, now: datetime, limit: int) -> Sequence[PairingChannel]:
        due = [
            c
            for c in self._state.pairing_channels.values()
            if c.active and when(c) is not None and when(c) <= now
        ]
        return sorted(due, key=lambda c: (when(c), c.id))[:limit]

    # -- memberships -------------------------------------------------------------------------

    def membership(self, channel: Channel, member: Member) -> PairingMembership | None:
        for found in self._state.pairing_members.values():
            if found.channel == channel and found.member == member:
                return found
        return None

    def join(self, channel: Channel, member: Member, *, now: datetime) -> PairingMembership:
        existing = self.membership(channel, member)
        joined = PairingMembership(
            id=existing.id if existing else self._state.next_id("pairing_members"),
            channel=channel,
            member=member,
            state=MembershipState.ACTIVE,
            paused_until=None,
            skip_round_at=None,
            silent_rounds=0,
            joined_at=existing.joined_at if existing else now,
        )
        self._state.pairing_members[joined.id] = joined
        return joined

    def save_membership(self, membership: PairingMembership) -> None:
        stored = self._state.pairing_members.get(membership.id)
        if stored is not None:
            self._state.pairing_members[membership.id] = replace(
                stored,
                state=membership.state,
                paused_until=membership.paused_until,
                skip_round_at=membership.skip_round_at,
                silent_rounds=membership.silent_rounds,
            )

    def memberships(self, channel: Channel) -> Sequence[tuple[PairingMembership, Profile | None]]:
        found = sorted(
            (m for m in self._state.pairing_members.values() if m.channel == channel),
            key=lambda m: m.id,
        )
        return [(m, self._state.profiles.get(m.member)) for m in found]

    def memberships_of(self, member: Member) -> Sequence[PairingMembership]:
        return sorted(
            (m for m in self._state.pairing_members.values() if m.member == member),
            key=lambda m: m.id,
        )

    # -- rounds and groups -------------------------------------------------------------------

    def add_round(
        self,
        channel: Channel,
        *,
        started_at: datetime,
        checkin_at: datetime | None,
        groups: Sequence[Sequence[Member]],
    ) -> PairingRound:
        last = max(
            (r.number for r in self._state.pairing_rounds.values() if r.channel == channel),
            default=0,
        )
        added = PairingRound(
            id=self._state.next_id("pairing_rounds"),
            channel=channel,
            number=last + 1,
            started_at=started_at,
            checkin_at=checkin_at,
            group_count=len(groups),
        )
        self._state.pairing_rounds[added.id] = added
        for members in groups:
            group_id = self._state.next_id("pairing_groups")
            seats = tuple(PairingSeat(member, None) for member in members)
            self._state.pairing_groups[group_id] = PairingGroup(
                group_id, added.id, channel, seats, None
            )
        return added

    def rounds(self, channel: Channel, *, limit: int) -> Sequence[PairingRound]:
        found = [r for r in self._state.pairing_rounds.values() if r.channel == channel]
        return sorted(found, key=lambda r: r.number, reverse=True)[:limit]

    def save_round(self, pairing_round: PairingRound) -> None:
        stored = self._state.pairing_rounds.get(pairing_round.id)
        if stored is not None:
            self._state.pairing_rounds[stored.id] = replace(
                stored, checkin_at=pairing_round.checkin_at
            )

    def due_checkins(self, *, now: datetime, limit: int) -> Sequence[PairingRound]:
        due = [
            r
            for r in self._state.pairing_rounds.values()
            if r.checkin_at is not None and r.checkin_at <= now
        ]
        return sorted(due, key=lambda r: (r.checkin_at, r.id))[:limit]

    def groups(self, round_id: int) -> Sequence[PairingGroup]:
        return sorted(
            (g for g in self._state.pairing_groups.values() if g.round_id == round_id),
            key=lambda g: g.id,
        )

    def group(self, workspace: Workspace, group_id: int) -> PairingGroup | None:
        group = self._state.pairing_groups.get(group_id)
        return group if group is not None and group.channel.workspace == workspace else None

    def answer(
        self, group: PairingGroup, member: Member, answer: CheckIn, *, met_at: datetime | None
    ) -> PairingGroup:
        stored = self._state.pairing_groups[group.id]
        seats = tuple(
            PairingSeat(seat.member, answer) if seat.member == member else seat
            for seat in stored.seats
        )
        answered = replace(stored, seats=seats, met_at=stored.met_at or met_at)
        self._state.pairing_groups[group.id] = answered
        return answered

    def met_count(self, round_id: int) -> int:
        return sum(1 for g in self.groups(round_id) if g.met_at is not None)

    def recent_partners(self, channel: Channel, *, rounds: int) -> dict[str, set[str]]:
        partners: dict[str, set[str]] = {}
        for pairing_round in self.rounds(channel, limit=rounds):
            for group in self.groups(pairing_round.id):
                users = [m.user_id for m in group.members]
                for user in users:
                    partners.setdefault(user, set()).update(u for u in users if u != user)
        return partners


# --- erasure and inspection -------------------------------------------------------------------


def erase_member(state: StoreState, member: Member) -> None:
    """As the SQL store: their intros, own blocks, memberships and seats; organiser unset."""
    for intro_id in [i for i, x in state.intros.items() if member in (x.introducer, x.a, x.b)]:
        del state.intros[intro_id]
    for block_id in [i for i, b in state.member_blocks.items() if b.owner == member]:
        del state.member_blocks[block_id]
    for member_id in [i for i, m in state.pairing_members.items() if m.member == member]:
        del state.pairing_members[member_id]
    for group_id, group in list(state.pairing_groups.items()):
        seats = tuple(seat for seat in group.seats if seat.member != member)
        state.pairing_groups[group_id] = replace(group, seats=seats)
    for channel_id, channel in list(state.pairing_channels.items()):
        if channel.organiser == member:
            state.pairing_channels[channel_id] = replace(channel, organiser=None)


def erase_workspace(state: StoreState, workspace: Workspace) -> None:
    tables: tuple[tuple[dict[int, Any], Any], ...] = (
        (state.intros, lambda x: x.introducer.workspace),
        (state.member_blocks, lambda x: x.owner.workspace),
        (state.pairing_channels, lambda x: x.channel.workspace),
        (state.pairing_members, lambda x: x.channel.workspace),
        (state.pairing_rounds, lambda x: x.channel.workspace),
        (state.pairing_groups, lambda x: x.channel.workspace),
    )
    for table, workspace_of in tables:
        for row_id in [i for i, row in table.items() if workspace_of(row) == workspace]:
            del table[row_id]


def records_of(state: StoreState, member: Member) -> Iterator[Any]:
    """What these tables hold about a member."""
    yield from (x for x in state.intros.values() if member in (x.introducer, x.a, x.b))
    yield from (b for b in state.member_blocks.values() if b.owner == member)
    yield from (m for m in state.pairing_members.values() if m.member == member)
    yield from (g for g in state.pairing_groups.values() if member in g.members)
    yield from (c for c in state.pairing_channels.values() if c.organiser == member)

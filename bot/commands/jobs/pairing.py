"""Pairing rounds on their own: the day-before heads-up, the round, the mid-round check-in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.event_followups import event_stats
from bot.commands.ice_breakers import queue_ice_breakers
from bot.commands.meeting_invites import queue_meeting_invites, suggested_time_line
from bot.commands.when import format_when
from bot.core.identity import Channel, Member
from bot.core.meeting_time import suggest_time
from bot.core.message import (
    ChannelRef,
    Choice,
    ChoiceStyle,
    Inline,
    Mention,
    Message,
    Paragraph,
    UserText,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.outgoing import Outgoing, key_time
from bot.core.pairing import next_round, plan_round, utc_offset_minutes
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import (
    MembershipState,
    PairingChannel,
    PairingGroup,
    PairingMembership,
    PairingRound,
    Profile,
)
from bot.core.schedule import is_paused, is_stale
from bot.core.tips import first_meeting_tip, stable_number

ACTION_SKIP_ROUND = "pairing.skip_round"
ACTION_MET = "pairing.met"
ACTION_NOT_YET = "pairing.not_yet"
ACTION_SKIP_CHECKIN = "pairing.skip_checkin"
PAIRING_GROUP_TITLE = "🍽️ Your pairing group"  # not "Introductions": nobody introduced them
HEADS_UP_BEFORE = timedelta(days=1)
SILENT_ROUNDS_TO_PAUSE = 3

ICE_BREAKERS = (
    "What's something you learned recently that surprised you?",
    "What are you working on that you'd love a second pair of eyes on?",
    "What's a small thing someone did for you that made a big difference?",
    "Which community, meetup or newsletter taught you the most?",
    "What would you do with a free afternoon next week?",
    "What's a question you get asked a lot — and what's your best answer?",
)


def channel_ref(pairing: PairingChannel) -> ChannelRef:
    return ChannelRef(pairing.channel, pairing.channel_name)


def heads_up_at(round_at: datetime) -> datetime:
    return round_at - HEADS_UP_BEFORE


def skip_payload(channel: Channel, round_at: datetime) -> str:
    return f"{channel.channel_id}:{int(round_at.timestamp())}"


def _size_words(size: int) -> str:
    return "pairs" if size == 2 else f"groups of {size}"


# --- the heads-up -----------------------------------------------------------------------------


def heads_up_message(
    pairing: PairingChannel, round_at: datetime, *, profile: Profile, now: datetime
) -> Message:
    when = format_when(round_at, timezone=profile.timezone, now=now)
    return message(
        paragraph(
            "🍽️ Pairing round in ",
            channel_ref(pairing),
            f" {when}: I'll put you in one of the {_size_words(pairing.group_size)}, with an "
            "ice-breaker and a suggested time.",
        ),
        paragraph("Can't make it this time? Skip just this round."),
        # By the round's date, so each round brings another tip; never a global id, so what a
        # member sees never depends on other workspaces.
        paragraph("💡 ", *first_meeting_tip(round_at.toordinal()).text),
        choices=(
            Choice("Skip this round", ACTION_SKIP_ROUND, skip_payload(pairing.channel, round_at)),
        ),
    )


class PairingHeadsUps:
    """The day before a round, each member who takes part gets a chance to skip it."""

    name = "pairing_heads_ups"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.PAIRING_HEADS_UPS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.pairing.due_heads_ups(now=now, limit=limit)
        outgoing = Outgoing(now)
        for pairing in due:
            uow.pairing.save_channel(replace(pairing, heads_up_at=None))
            round_at = pairing.next_round_at
            if round_at is None or round_at <= now:  # the round itself is due: too late
                continue
            for membership, profile in uow.pairing.memberships(pairing.channel):
                if profile is None or not _takes_part(membership, profile, round_at):
                    continue
                outgoing.dm(
                    profile,
                    heads_up_message(pairing, round_at, profile=profile, now=now),
                    key=f"pairing:{pairing.id}:heads_up:{key_time(round_at)}:{profile.member.user_id}",
                )
        outgoing.queue(uow)
        return len(due)


def _takes_part(membership: PairingMembership, profile: Profile, round_at: datetime) -> bool:
    return membership.takes_part(round_at) and not is_paused(profile, round_at)


# --- the round --------------------------------------------------------------------------------


class PairingRounds:
    """Each channel's round when due; one more than a day late is skipped, not held late."""

    name = "pairing_rounds"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.PAIRING_ROUNDS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.pairing.due_rounds(now=now, limit=limit)
        outgoing = Outgoing(now)
        for pairing in due:
            scheduled = pairing.next_round_at
            assert scheduled is not None
            if not is_stale(scheduled, now):
                start_round(uow, outgoing, pairing, round_at=scheduled, now=now)
            following = next_round(
                previous=scheduled,
                every_weeks=pairing.every_weeks,
                weekday=pairing.weekday,
                at=pairing.at,
                zone=pairing.timezone,
                now=now,
            )
            uow.pairing.save_channel(
                replace(pairing, next_round_at=following, heads_up_at=heads_up_at(following))
            )
        outgoing.queue(uow)
        return len(due)


def start_round(
    uow: UnitOfWork,
    outgoing: Outgoing,
    pairing: PairingChannel,
    *,
    round_at: datetime,
    now: datetime,
) -> PairingRound:
    """Group everyone taking part in the round scheduled at `round_at` (now, for `pairing
    now`), and tell each group, the left-out, and the organiser."""
    channel = pairing.channel
    previous = next(iter(uow.pairing.rounds(channel, limit=1)), None)
    memberships = _count_silence(uow, outgoing, pairing, previous)
    taking_part = {
        m.member.user_id: profile
        for m, profile in memberships
        if profile is not None and _takes_part(m, profile, round_at)
    }
    blocked: dict[str, set[str]] = {}
    for block in uow.blocks.in_workspace(channel.workspace):
        if block.owner.user_id in taking_part and block.blocked_user_id in taking_part:
            blocked.setdefault(block.owner.user_id, set()).add(block.blocked_user_id)
    plan = plan_round(
        list(taking_part),
        size=pairing.group_size,
        recent=uow.pairing.recent_partners(channel, rounds=pairing.repeat_window),
        blocked=blocked,
        offsets={u: utc_offset_minutes(p.timezone, round_at) for u, p in taking_part.items()},
        seed=_seed(channel, round_at),
    )
    grouping = plan.grouping
    halfway = timedelta(weeks=pairing.every_weeks) / 2
    started = uow.pairing.add_round(
        channel,
        started_at=now,
        checkin_at=now + halfway,
        groups=[[taking_part[u].member for u in group] for group in grouping.groups],
    )
    for group in uow.pairing.groups(started.id):
        profiles = [taking_part[m.user_id] for m in group.members]
        slot = suggest_time([p.timezone for p in profiles], after=now)
        outgoing.group(
            group.members,
            group_message(started, profiles, slot=slot),
            key=f"pairing:{started.id}:group:{group.id}",
            title=PAIRING_GROUP_TITLE,
            near=channel,
        )
        workspace = channel.workspace
        queue_meeting_invites(
            outgoing,
            profiles,
            slot=slot,
            key=f"pairing:{started.id}:group:{group.id}",
            uid=f"pairing-{group.id}.{workspace.workspace_id}.{workspace.platform.value}",
            filename=f"pairing-round-{started.number}.ics",
            now=now,
        )
        queue_ice_breakers(
            uow,
            outgoing,
            profiles,
            about=f"pairing round {started.number}",
            key=f"pairing:{started.id}:group:{group.id}",
            # Per channel, not a global id: what a group sees never depends on other workspaces.
            seed=started.number,
        )
    # Kept out by their own block, or left over: each hears the same, and nobody else hears.
    for user in sorted({*grouping.unplaced, *plan.kept_out}):
        outgoing.dm(
            taking_part[user],
            message(
                paragraph(
                    "I couldn't find you a group in ",
                    ChannelRef(channel),
                    " this round, sorry — there'll be another one soon.",
                )
            ),
            key=f"pairing:{started.id}:unplaced:{user}",
        )
    # The blockers kept out count as a pause would: the organiser's numbers show no block.
    members = len(taking_part) - len(plan.kept_out)
    _send_summary(uow, outgoing, pairing, started, previous, members=members)
    return started


def _seed(channel: Channel, round_at: datetime) -> int:
    return stable_number(channel.platform.value, channel.workspace_id, channel.channel_id, round_at)


def _count_silence(
    uow: UnitOfWork, outgoing: Outgoing, pairing: PairingChannel, previous: PairingRound | None
) -> Sequence[tuple[PairingMembership, Profile | None]]:
    """Count the previous round's unanswered check-ins; three in a row pauses a member (told
    how to come back). Returns the channel's memberships as they now stand."""
    memberships = uow.pairing.memberships(pairing.channel)
    if previous is None or previous.checkin_at is not None:  # no check-in was sent for it
        return memberships
    answered: dict[str, bool] = {}
    for group in uow.pairing.groups(previous.id):
        for seat in group.seats:
            answered[seat.member.user_id] = seat.answer is not None
    updated: list[tuple[PairingMembership, Profile | None]] = []
    for membership, profile in memberships:
        user = membership.member.user_id
        if user not in answered or membership.state is not MembershipState.ACTIVE:
            updated.append((membership, profile))
            continue
        silent = 0 if answered[user] else membership.silent_rounds + 1
        changed = replace(membership, silent_rounds=silent)
        if silent >= SILENT_ROUNDS_TO_PAUSE:
            changed = replace(changed, state=MembershipState.PAUSED, paused_until=None)
            if profile is not None:
                outgoing.dm(
                    profile,
                    paused_message(pairing.channel),
                    key=f"pairing:{previous.id}:paused:{user}",
                )
        if changed != membership:
            uow.pairing.save_membership(changed)
        updated.append((changed, profile))
    return updated


def paused_message(channel: Channel) -> Message:
    return message(
        paragraph(
            f"💤 I haven't heard from you for {SILENT_ROUNDS_TO_PAUSE} pairing rounds in ",
            ChannelRef(channel),
            ", so I've paused you there: no more groups for now.",
        ),
        paragraph(
            "Want back in? Type ",
            command("join"),
            " in ",
            ChannelRef(channel),
            " whenever you like.",
        ),
    )


def group_message(
    pairing_round: PairingRound, profiles: Sequence[Profile], *, slot: datetime
) -> Message:
    """The group's introduction: who, an ice-breaker from their profiles, a suggested time."""
    people: list[Inline] = []
    for index, profile in enumerate(profiles):
        if index:
            people.append(" and " if index == len(profiles) - 1 else ", ")
        people.append(Mention(profile.member))
    context = [_profile_line(p) for p in profiles if p.offer or p.looking_for]
    question = ICE_BREAKERS[(pairing_round.number + len(profiles)) % len(ICE_BREAKERS)]
    return message(
        paragraph(
            f"🍽️ Pairing round {pairing_round.number} in ",
            ChannelRef(pairing_round.channel),
            ": ",
            *people,
            ", you're meeting this time!",
        ),
        bullets(*context) if context else None,
        paragraph(f"Ice-breaker: {question}"),
        suggested_time_line(slot, profiles),
        paragraph("Pick whatever suits you; I'll ask halfway through the round how it went."),
        paragraph("💡 ", *first_meeting_tip(pairing_round.number).text),
    )


def _profile_line(profile: Profile) -> Paragraph:
    parts: list[Inline] = [Mention(profile.member)]
    if profile.offer:
        parts += [" can help with “", UserText(profile.offer), "”"]
    if profile.looking_for:
        parts += [";" if profile.offer else "", " is looking for “"]
        parts += [UserText(profile.looking_for), "”"]
    return paragraph(*parts)


def _send_summary(
    uow: UnitOfWork,
    outgoing: Outgoing,
    pairing: PairingChannel,
    started: PairingRound,
    previous: PairingRound | None,
    *,
    members: int,
) -> None:
    """Numbers only, for whoever turned pairing on: nothing about any one member."""
    organiser = uow.profiles.get(pairing.organiser) if pairing.organiser else None
    if organiser is None:
        return
    lines = [paragraph(f"Groups made: {started.group_count}, for {members} members taking part.")]
    if previous is not None:
        lines.append(paragraph(f"Last round's meet-rate: {meet_rate(uow, previous)}."))
    # The channel's events of the round's weeks, and coming, in figures too.
    events = event_stats(
        uow,
        pairing.channel,
        channel_name=pairing.channel_name,
        since=started.started_at - timedelta(weeks=pairing.every_weeks),
        timezone=organiser.timezone,
    )
    outgoing.dm(
        organiser,
        message(
            paragraph(f"📊 Pairing round {started.number} in ", channel_ref(pairing), ":"),
            bullets(*lines),
            *events,
        ),
        key=f"pairing:{started.id}:summary",
    )


def meet_rate(uow: UnitOfWork, pairing_round: PairingRound) -> str:
    met, groups = uow.pairing.met_count(pairing_round.id), pairing_round.group_count
    if not groups:
        return "no groups"
    return f"{met} of {groups} groups met ({round(100 * met / groups)}%)"


# --- the check-in -----------------------------------------------------------------------------


def checkin_message(group: PairingGroup, member: Member) -> Message:
    others = [m for m in group.members if m != member]
    names: list[Inline] = []
    for index, other in enumerate(others):
        names += [" and " if index else "", Mention(other)]
    payload = str(group.id)
    return message(
        paragraph("👋 Did you meet with ", *names, " (paired in ", ChannelRef(group.channel), ")?"),
        choices=(
            Choice("Yes", ACTION_MET, payload, ChoiceStyle.PRIMARY),
            Choice("Not yet", ACTION_NOT_YET, payload),
            Choice("Skip", ACTION_SKIP_CHECKIN, payload),
        ),
    )


class PairingCheckIns:
    """Halfway through a round, "did you meet?" to everyone who hasn't said yet."""

    name = "pairing_checkins"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.PAIRING_CHECKINS, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.pairing.due_checkins(now=now, limit=limit)
        outgoing = Outgoing(now)
        for pairing_round in due:
            uow.pairing.save_round(replace(pairing_round, checkin_at=None))
            latest = uow.pairing.rounds(pairing_round.channel, limit=1)
            if latest and latest[0].id != pairing_round.id:  # a newer round began meanwhile
                continue
            profiles = {m.member: p for m, p in uow.pairing.memberships(pairing_round.channel) if p}
            for group in uow.pairing.groups(pairing_round.id):
                for seat in group.seats:
                    profile = profiles.get(seat.member)
                    if profile is None or seat.answer is not None:
                        continue
                    outgoing.dm(
                        profile,
                        checkin_message(group, seat.member),
                        key=f"pairing:{pairing_round.id}:checkin:{seat.member.user_id}",
                    )
        outgoing.queue(uow)
        return len(due)

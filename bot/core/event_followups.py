"""After and around an event: who each attendee met there, and people suggested to meet there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.identity import Member
from bot.core.matching import keywords

MAX_SUGGESTIONS = 3  # people suggested to one member for one event
# Suggestions go out this long before the event starts, to those who opted in by then (and to
# any who opt in later, until it starts).
SUGGEST_BEFORE = timedelta(hours=3)
# "Who did you meet?" is asked once the event is over, and not for one that ended longer ago.
ASK_WITHIN = timedelta(days=2)
MAX_PICKS = 25  # attendees offered in the "who did you meet" pick (Discord's select limit)


@dataclass(frozen=True)
class Attendance:
    """A member going to an event, asked afterwards who they met: `answered_at` once they
    answered (they attended), `met` the user ids of attendees they said they met there,
    `outside` how many people from outside they named (their names live in the member's own
    contacts only)."""

    event_id: int
    member: Member
    asked_at: datetime
    answered_at: datetime | None = None
    met: tuple[str, ...] = ()
    outside: int = 0

    @property
    def meetings(self) -> int:
        """Meetings logged there: attendees picked and people from outside named."""
        return len(self.met) + self.outside


@dataclass(frozen=True)
class Suggestion:
    """Two members who both asked for suggestions, suggested to each other for an event; `a`
    sorts before `b`, so a pair is stored once and both sides see it."""

    event_id: int
    a: Member
    b: Member
    made_at: datetime

    def other(self, member: Member) -> Member:
        return self.b if member == self.a else self.a


@dataclass(frozen=True)
class Candidate:
    """An attendee who asked for suggestions, with what the picking may weigh: their profile
    (only when they keep it visible) and the user ids of members they have met."""

    member: Member
    offer: str = ""
    looking_for: str = ""
    met: frozenset[str] = frozenset()


def _complementary(one: Candidate, two: Candidate) -> int:
    """Shared words between one's offer and the other's looking-for, both ways."""
    return len(keywords(one.offer) & keywords(two.looking_for)) + len(
        keywords(two.offer) & keywords(one.looking_for)
    )


def pair_key(one: Member, two: Member) -> tuple[Member, Member]:
    return (one, two) if one.user_id <= two.user_id else (two, one)


def suggest_pairs(
    candidates: Sequence[Candidate],
    *,
    existing: Iterable[tuple[Member, Member]] = (),
    blocked: Set[frozenset[str]] = frozenset(),
    most: int = MAX_SUGGESTIONS,
) -> list[tuple[Member, Member]]:
    """New pairs to suggest among `candidates` (all opted in), each pair seen by both sides:
    nobody ends with more than `most` (counting `existing` pairs), no pair is blocked either way
    (`blocked`: pairs of user ids) or already suggested. Complementary offer / looking-for first,
    then people who have not met, then a stable order. A blocked pair is picked as if it were
    not, taking a slot on both sides, and left out: whether one blocked the other never changes
    what anyone else is suggested (in one run; an earlier run's unseen pair is not stored)."""
    degree: dict[Member, int] = {}
    taken: set[tuple[Member, Member]] = set()
    for left, right in existing:
        taken.add(pair_key(left, right))
        degree[left] = degree.get(left, 0) + 1
        degree[right] = degree.get(right, 0) + 1
    people = sorted({c.member: c for c in candidates}.values(), key=lambda c: c.member.user_id)
    scored = []
    for i, one in enumerate(people):
        for two in people[i + 1 :]:
            key = pair_key(one.member, two.member)
            if key in taken:
                continue
            met = two.member.user_id in one.met or one.member.user_id in two.met
            rank = (-_complementary(one, two), met, key[0].user_id, key[1].user_id)
            scored.append((rank, key))
    scored.sort(key=lambda item: item[0])
    chosen = []
    for _, (first, second) in scored:
        if degree.get(first, 0) < most and degree.get(second, 0) < most:
            degree[first] = degree.get(first, 0) + 1
            degree[second] = degree.get(second, 0) + 1
            if frozenset((first.user_id, second.user_id)) not in blocked:
                chosen.append((first, second))
    return chosen


def seen_by(member: Member, suggestions: Iterable[Suggestion]) -> list[Member]:
    """The people suggested to `member`: the other side of each pair they are in."""
    return [s.other(member) for s in suggestions if member in (s.a, s.b)]


def few(count: int) -> str:
    """An organiser's figure: counts under five show as "<5", so nobody is singled out."""
    return "<5" if count < 5 else str(count)

"""Ice-breakers: what one member's own records say about someone they are about to meet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.identity import Member
from bot.core.matching import keywords
from bot.core.records import LedgerEntry, LedgerKind, Meeting, Note, Profile, Promise, PromiseStatus
from bot.core.tips import Tip, first_meeting_tip

MAX_MEMORIES = 4  # per person: a DM to read before saying hello, not a file


@dataclass(frozen=True)
class Known:
    """What the viewer's own records hold about one other member, as the caller loaded them:
    the viewer's rows only, so nothing the other side logged can ever be in here."""

    meetings: Sequence[Meeting] = ()
    notes: Sequence[Note] = ()
    promises: Sequence[Promise] = ()
    ledger: Sequence[LedgerEntry] = ()


class MemoryKind(StrEnum):
    MET = "met"
    NOTE = "note"
    PROMISED = "promised"  # a promise still open
    KEPT = "kept"
    GAVE = "gave"


@dataclass(frozen=True)
class Memory:
    kind: MemoryKind
    at: datetime
    text: str  # the viewer's words (or, for a meeting, the context as logged)
    quotes: Member | None = None  # whose words a meeting's context copied (an introducer's)


@dataclass(frozen=True)
class CommonGround:
    """One of the viewer's profile lines meets one of the other's (shared words)."""

    mine: str
    theirs: str
    you_offer: bool  # True: your offer meets their looking-for; False: the other way round


@dataclass(frozen=True)
class Question:
    """Something to ask them about, from their profile, when there is no shared history."""

    about: str
    from_offer: bool  # True: what they offer; False: what they are looking for


@dataclass(frozen=True)
class IceBreaker:
    other: Member
    memories: tuple[Memory, ...]  # newest first, at most MAX_MEMORIES
    common: tuple[CommonGround, ...]
    question: Question | None  # only with no shared history
    tip: Tip | None  # only with nothing else to say


def _memories(known: Known) -> list[Memory]:
    found = [Memory(MemoryKind.MET, m.met_at, m.context, m.quotes) for m in known.meetings]
    found += [Memory(MemoryKind.NOTE, n.created_at, n.text) for n in known.notes]
    for promise in known.promises:
        if promise.status is PromiseStatus.OPEN:
            found.append(Memory(MemoryKind.PROMISED, promise.created_at, promise.what))
        elif promise.status is PromiseStatus.DONE:
            closed = promise.closed_at or promise.created_at
            found.append(Memory(MemoryKind.KEPT, closed, promise.what))
    found += [
        Memory(MemoryKind.GAVE, entry.at, entry.what)
        for entry in known.ledger
        if entry.kind is LedgerKind.GIVE
    ]
    # A meeting logged with no context says only when they met: still worth saying.
    return sorted(found, key=lambda memory: memory.at, reverse=True)


def _common(viewer: Profile, other: Profile) -> tuple[CommonGround, ...]:
    found = []
    if keywords(viewer.offer) & keywords(other.looking_for):
        found.append(CommonGround(viewer.offer, other.looking_for, you_offer=True))
    if keywords(other.offer) & keywords(viewer.looking_for):
        found.append(CommonGround(viewer.looking_for, other.offer, you_offer=False))
    return tuple(found)


def ice_breaker(
    *, viewer: Profile, other: Member, other_profile: Profile | None, known: Known, seed: int
) -> IceBreaker:
    """What `viewer` may be reminded of before meeting `other`: their own history with them
    (meetings and contexts, notes, promises open and kept, gives; newest first, capped), and
    common ground from the two profiles when the other keeps theirs visible. With no shared
    history, a question from the other's visible profile; with nothing at all, a first-meeting
    tip (`seed`: the group's or introduction's id, so a retry says the same)."""
    memories = tuple(_memories(known)[:MAX_MEMORIES])
    shown = other_profile if other_profile is not None and other_profile.profile_visible else None
    common = _common(viewer, shown) if shown is not None else ()
    question = None
    if not memories and shown is not None:
        if shown.offer.strip():
            question = Question(shown.offer, from_offer=True)
        elif shown.looking_for.strip():
            question = Question(shown.looking_for, from_offer=False)
    nothing = not (memories or common or question)
    return IceBreaker(
        other,
        memories,
        common,
        question,
        tip=first_meeting_tip(seed) if nothing else None,
    )

"""The ice-breaker rule: what a member is reminded of before meeting someone, from their own
records, newest first and capped; common ground and questions only from a visible profile."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.commands.intros import ACTION_ACCEPT
from bot.core.ice_breakers import (
    MAX_MEMORIES,
    IceBreaker,
    Known,
    MemoryKind,
    Question,
    ice_breaker,
)
from bot.core.identity import Member, Platform
from bot.core.records import (
    LedgerEntry,
    LedgerKind,
    Meeting,
    Note,
    Profile,
    Promise,
    PromiseStatus,
)
from bot.core.tips import Topic
from tests.unit.harness import ALICE, BOB, CAROL, NOW, Buddy

ANA = Member(Platform.SLACK, "T1", "UANA")
BEN = Member(Platform.SLACK, "T1", "UBEN")
DAY = datetime(2026, 11, 2, 12, tzinfo=UTC)
VIEWER = Profile(ANA, "Ana", offer="maps and GIS", looking_for="a Rust mentor")
OTHER = Profile(BEN, "Ben", offer="Rust code reviews", looking_for="someone who knows GIS")


def meeting(day: int, context: str = "") -> Meeting:
    return Meeting(day, ANA, 1, DAY + timedelta(days=day), context, None)


def promise(day: int, what: str, status: PromiseStatus) -> Promise:
    closed = DAY + timedelta(days=day + 1) if status is not PromiseStatus.OPEN else None
    return Promise(
        day,
        ANA,
        1,
        what,
        day,
        status,
        DAY + timedelta(days=day),
        None,
        None,
        None,
        closed_at=closed,
    )


def breaker(known: Known, other: Profile | None = OTHER, viewer: Profile = VIEWER) -> IceBreaker:
    return ice_breaker(viewer=viewer, other=BEN, other_profile=other, known=known, seed=3)


def test_memories_come_newest_first_and_are_capped() -> None:
    known = Known(
        meetings=[meeting(0, "at PyCon"), meeting(9)],
        notes=[Note(1, ANA, 1, "is hiring", DAY + timedelta(days=5))],
        promises=[
            promise(2, "the slides", PromiseStatus.OPEN),
            promise(6, "the book", PromiseStatus.DONE),  # kept on day 7
            promise(8, "a dropped idea", PromiseStatus.DROPPED),
        ],
        ledger=[
            LedgerEntry(1, ANA, LedgerKind.GIVE, "a review", 1, DAY + timedelta(days=3)),
            LedgerEntry(2, ANA, LedgerKind.ASK, "an ask", 1, DAY + timedelta(days=10)),
        ],
    )
    found = breaker(known)
    assert [(m.kind, m.text) for m in found.memories] == [
        (MemoryKind.MET, ""),
        (MemoryKind.KEPT, "the book"),
        (MemoryKind.NOTE, "is hiring"),
        (MemoryKind.GAVE, "a review"),
    ]
    assert len(found.memories) == MAX_MEMORIES
    assert found.question is None and found.tip is None  # shared history: no question needed


def test_common_ground_works_both_ways_from_a_visible_profile() -> None:
    found = breaker(Known())
    assert [(c.mine, c.theirs, c.you_offer) for c in found.common] == [
        ("maps and GIS", "someone who knows GIS", True),
        ("a Rust mentor", "Rust code reviews", False),
    ]


def test_with_no_history_a_question_comes_from_their_offer_then_their_looking_for() -> None:
    assert breaker(Known()).question == Question("Rust code reviews", from_offer=True)
    seeking = replace(OTHER, offer="")
    assert breaker(Known(), seeking).question == Question("someone who knows GIS", from_offer=False)


def test_a_hidden_profile_gives_no_common_ground_no_question_but_a_first_meeting_tip() -> None:
    found = breaker(Known(), replace(OTHER, profile_visible=False))
    assert found.common == () and found.question is None
    assert found.tip is not None and found.tip.topic is Topic.FIRST_MEETING


def test_no_profile_at_all_gives_a_first_meeting_tip_the_same_on_a_retry() -> None:
    first, again = breaker(Known(), None), breaker(Known(), None)
    assert first.tip is not None and first.tip == again.tip
    assert first.memories == () and first.common == ()


# --- through the service: who gets one, and when ------------------------------------------------


def _made_intro(buddy: Buddy) -> None:
    for member in (ALICE, BOB):
        buddy.say("offer maps", by=member)
    buddy.say("intro <@UALICE> <@UBOB> you both like maps", by=CAROL)
    [intro] = buddy.store.state.intros.values()
    for member in (ALICE, BOB):
        buddy.press(ACTION_ACCEPT, str(intro.id), by=member)


def test_an_ice_breaker_waits_for_the_end_of_the_members_quiet_hours(buddy: Buddy) -> None:
    buddy.say("settings quiet 14:00-16:00", by=ALICE)  # it is 14:57 UTC
    _made_intro(buddy)

    [to_alice] = [row for row in buddy.store.dms_to(ALICE) if ":ice:" in row.key]
    [to_bob] = [row for row in buddy.store.dms_to(BOB) if ":ice:" in row.key]
    assert to_alice.not_before == NOW.replace(hour=16, minute=0)
    assert to_bob.not_before == NOW


def test_only_the_two_who_accepted_get_one_not_the_introducer(buddy: Buddy) -> None:
    _made_intro(buddy)
    ice = [row.key for row in buddy.store.outbox if ":ice:" in row.key]
    assert sorted(key.rsplit(":", 1)[1] for key in ice) == ["UALICE", "UBOB"]

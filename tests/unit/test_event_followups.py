"""People suggested to meet at an event (a pure function, checked as properties), and the
select a "who did you meet?" carries, kept whole through the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.commands.event_followups import event_figures
from bot.core.event_followups import (
    MAX_SUGGESTIONS,
    Candidate,
    Suggestion,
    few,
    pair_key,
    seen_by,
    suggest_pairs,
)
from bot.core.events import Answer, Rsvp
from bot.core.identity import Channel, Member, Platform
from bot.core.message import (
    Select,
    SelectOption,
    UserText,
    members_named,
    message,
    message_from_json,
    message_to_json,
    paragraph,
)
from tests.fakes import InMemoryStore

NOW = datetime(2026, 11, 27, 15, tzinfo=UTC)
PEOPLE = [Member(Platform.SLACK, "T1", f"U{i}") for i in range(8)]
WORDS = ("rust", "python", "mentoring", "hiring", "design", "")


def test_a_select_with_member_typed_names_goes_through_the_outbox_unchanged() -> None:
    ana = PEOPLE[0]
    queued = message(
        paragraph("Who did you meet?"),
        select=Select(
            "event.met",
            "7",
            "People you met there",
            (SelectOption(UserText("Ana", by=ana), "U0"),),
            1,
            other="Someone from outside",
        ),
    )
    back = message_from_json(message_to_json(queued))
    assert back == queued
    assert back.select is not None and back.select.other == "Someone from outside"
    older = message_to_json(queued)  # queued before the free-text field existed
    del older["select"]["other"]
    assert message_from_json(older) == replace(queued, select=replace(back.select, other=""))
    assert members_named(back) == {ana}  # forget-me finds a queued pick naming her


@st.composite
def attendees(
    draw: st.DrawFn,
) -> tuple[list[Candidate], set[frozenset[str]], list[tuple[Member, Member]]]:
    opted = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=8))
    candidates = [
        Candidate(
            member,
            draw(st.sampled_from(WORDS)),
            draw(st.sampled_from(WORDS)),
            frozenset(draw(st.lists(st.sampled_from([p.user_id for p in PEOPLE]), max_size=3))),
        )
        for member in opted
    ]
    ids = [p.user_id for p in PEOPLE]
    blocked = {
        frozenset(pair)
        for pair in draw(
            st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=6)
        )
        if pair[0] != pair[1]
    }
    first = suggest_pairs(candidates[: draw(st.integers(0, len(candidates)))], blocked=blocked)
    return candidates, blocked, first


@given(attendees())
def test_suggestions_are_only_among_those_who_asked_never_across_a_block_and_at_most_three(
    drawn: tuple[list[Candidate], set[frozenset[str]], list[tuple[Member, Member]]],
) -> None:
    candidates, blocked, existing = drawn
    pairs = suggest_pairs(candidates, existing=existing, blocked=blocked)
    asked = {c.member for c in candidates}
    everything = [*existing, *pairs]
    suggestions = [Suggestion(1, *pair_key(a, b), NOW) for a, b in everything]
    for a, b in pairs:
        assert a in asked and b in asked and a != b  # nobody who did not opt in
        assert frozenset((a.user_id, b.user_id)) not in blocked  # never across a block
        assert pair_key(a, b) not in {pair_key(*p) for p in existing}  # never twice
    for member in asked:
        shown = seen_by(member, suggestions)
        assert len(shown) <= MAX_SUGGESTIONS
        for other in shown:  # both sides see it
            assert member in seen_by(other, suggestions)


@given(attendees(), st.sampled_from(PEOPLE), st.sampled_from(PEOPLE), st.integers(1, 3))
def test_whether_x_blocked_y_never_changes_what_anyone_else_is_suggested(
    drawn: tuple[list[Candidate], set[frozenset[str]], list[tuple[Member, Member]]],
    x: Member,
    y: Member,
    most: int,
) -> None:
    """Z, going too, must not infer X's block from whom Z is (not) suggested."""
    candidates, blocked, _ = drawn
    block = frozenset((x.user_id, y.user_id))
    if x == y or block in blocked:
        return
    # Suggestions made on an earlier tick, which never crossed the block.
    early = candidates[: len(candidates) // 2]
    existing = suggest_pairs(early, blocked=blocked | {block}, most=most)
    free = suggest_pairs(candidates, existing=existing, blocked=blocked, most=most)
    after = suggest_pairs(candidates, existing=existing, blocked=blocked | {block}, most=most)
    made = [Suggestion(1, *pair_key(a, b), NOW) for a, b in free]
    made_after = [Suggestion(1, *pair_key(a, b), NOW) for a, b in after]
    for z in PEOPLE:
        if z not in (x, y):
            assert seen_by(z, made_after) == seen_by(z, made)
    # X and Y lose only each other: the block takes their slot, nobody else's.
    assert {pair_key(*p) for p in after} == {pair_key(*p) for p in free} - {pair_key(x, y)}


def test_complementary_profiles_come_first_then_people_not_met_yet() -> None:
    ana, ben, cat, dan = PEOPLE[:4]
    pairs = suggest_pairs(
        [
            Candidate(ana, offer="rust mentoring", met=frozenset({"U2"})),
            Candidate(ben, looking_for="rust mentoring"),
            Candidate(cat),
            Candidate(dan),
        ],
        most=1,
    )
    assert pairs == [(ana, ben), (cat, dan)]
    # Among equals, someone not met yet before someone met.
    assert suggest_pairs(
        [Candidate(ana, met=frozenset({"U1"})), Candidate(ben), Candidate(cat)], most=1
    ) == [(ana, cat)]


def test_a_block_is_never_inferable_the_blocked_one_is_simply_not_paired() -> None:
    ana, ben, cat = PEOPLE[:3]
    # One each: Ana and Ben come first; Ana blocking Ben must not hand Cat a suggestion.
    trio = [Candidate(ana), Candidate(ben), Candidate(cat)]
    assert suggest_pairs(trio, most=1) == [(ana, ben)]
    assert suggest_pairs(trio, blocked={frozenset({"U0", "U1"})}, most=1) == []
    assert suggest_pairs([Candidate(ana), Candidate(ben)], blocked={frozenset({"U0", "U1"})}) == []
    assert suggest_pairs([Candidate(ana)]) == []  # alone: the same nothing


def test_organiser_figures_under_five_show_as_fewer_than_five() -> None:
    assert [few(n) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", "5", "12"]


def test_an_events_figures_count_answers_attendance_and_meetings_hiding_small_numbers() -> None:
    store = InMemoryStore()
    with store() as uow:
        event = uow.events.add(
            channel=Channel(Platform.SLACK, "T1", "C1"),
            creator=PEOPLE[0],
            title="Rust night",
            starts_at=NOW,
            ends_at=NOW,
            place="",
            limit=None,
            timezone="UTC",
            now=NOW,
        )
        for index, member in enumerate(PEOPLE):
            answer = Answer.GOING if index < 6 else Answer.MAYBE
            uow.events.answer(Rsvp(event.id, member, answer, NOW))
        for member in PEOPLE[:6]:
            asked = uow.event_followups.ask(event, member, now=NOW)
            if member != PEOPLE[5]:
                met = ("U1", "U2") if member in PEOPLE[:2] else ("U0",)
                uow.event_followups.save(replace(asked, answered_at=NOW, met=met))
        assert event_figures(uow, event) == (
            "going 6 · maybe <5 · can't go <5 · attended 5 · meetings logged there 7"
        )

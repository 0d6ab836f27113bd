"""Pairing rounds group everyone once, respect every block, and avoid repeats whenever possible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.pairing import Grouping, count_repeats, group_sizes, make_groups, plan_round

Pairs = set[frozenset[str]]


def partners(pairs: Pairs) -> dict[str, set[str]]:
    """Pairs as each member's set of others, both ways (how rounds record them)."""
    table: dict[str, set[str]] = {}
    for pair in pairs:
        a, b = sorted(pair)
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return table


@st.composite
def channels(
    draw: st.DrawFn, *, most: int, most_blocks: int = 3
) -> tuple[list[str], int, Pairs, dict[str, set[str]]]:
    """Members, a group size, recent pairs, and one-way blocks."""
    members = [f"m{i}" for i in range(draw(st.integers(0, most)))]
    size = draw(st.integers(2, 4))
    all_pairs = [frozenset(p) for p in combinations(members, 2)]
    recent = set(draw(st.lists(st.sampled_from(all_pairs), max_size=12))) if all_pairs else set()
    blocks: dict[str, set[str]] = {}
    if len(members) >= 2:
        for blocker, blocked in draw(
            st.lists(
                st.tuples(st.sampled_from(members), st.sampled_from(members)),
                max_size=most_blocks,
            )
        ):
            if blocker != blocked:
                blocks.setdefault(blocker, set()).add(blocked)
    return members, size, recent, blocks


def is_blocked(a: str, b: str, blocks: dict[str, set[str]]) -> bool:
    return b in blocks.get(a, set()) or a in blocks.get(b, set())


def full_groupings(members: Sequence[str], sizes: Sequence[int]) -> Iterator[list[tuple[str, ...]]]:
    """Every way to split all members into groups of exactly these sizes (a plain search,
    independent of the one under test)."""
    if not members:
        yield []
        return
    first, rest = members[0], members[1:]
    for size in set(sizes):
        left_sizes = list(sizes)
        left_sizes.remove(size)
        for mates in combinations(rest, size - 1):
            others = [m for m in rest if m not in mates]
            for tail in full_groupings(others, left_sizes):
                yield [(first, *mates), *tail]


def fewest_repeats(
    members: list[str], size: int, recent: Pairs, blocks: dict[str, set[str]]
) -> int | None:
    """The fewest repeats of any full grouping that respects the blocks; None if none does."""
    table = partners(recent)
    best: int | None = None
    for grouping in full_groupings(members, group_sizes(len(members), size)):
        if any(is_blocked(a, b, blocks) for g in grouping for a, b in combinations(g, 2)):
            continue
        repeats = count_repeats(grouping, table)
        best = repeats if best is None else min(best, repeats)
    return best


def check_invariants(
    grouping: Grouping, members: list[str], size: int, blocks: dict[str, set[str]]
) -> None:
    placed = Counter(m for group in grouping.groups for m in group)
    assert all(count == 1 for count in placed.values()), "someone is in two groups"
    assert sorted([*placed, *grouping.unplaced]) == sorted(members), "someone was lost"
    assert not set(placed) & set(grouping.unplaced)
    for group in grouping.groups:
        assert 2 <= len(group) <= size + 1
        assert not any(is_blocked(a, b, blocks) for a, b in combinations(group, 2)), group


def has_usual_sizes(grouping: Grouping, members: list[str], size: int) -> bool:
    sizes = sorted(len(g) for g in grouping.groups)
    return sizes == sorted(group_sizes(len(members), size))


def fewest_left_out(members: list[str], size: int, blocks: dict[str, set[str]]) -> int:
    """How few members any grouping leaves out, in groups of 2 to size + 1 that break no block
    (a plain search over every subset, independent of the one under test)."""

    @cache
    def splits(rest: frozenset[str]) -> bool:
        if not rest:
            return True
        first, others = min(rest), sorted(rest - {min(rest)})
        for take in range(2, size + 2):
            for mates in combinations(others, take - 1):
                group = (first, *mates)
                fits = not any(is_blocked(a, b, blocks) for a, b in combinations(group, 2))
                if fits and splits(rest - set(group)):
                    return True
        return False

    return min(
        len(members) - count
        for count in range(len(members) + 1)
        for playing in combinations(members, count)
        if splits(frozenset(playing))
    )


@settings(max_examples=300, deadline=None)
@given(channels(most=8), st.integers(0, 3))
def test_small_channels_get_the_best_grouping_an_exhaustive_search_can_find(
    channel: tuple[list[str], int, Pairs, dict[str, set[str]]], seed: int
) -> None:
    members, size, recent, blocks = channel
    grouping = make_groups(members, size=size, recent=partners(recent), blocked=blocks, seed=seed)

    check_invariants(grouping, members, size, blocks)
    best = fewest_repeats(members, size, recent, blocks)
    if best is not None:  # everyone can be grouped as usual without breaking a block: so they are
        assert grouping.unplaced == ()
        assert has_usual_sizes(grouping, members, size)
        assert grouping.repeats == best  # zero whenever a repeat-free grouping exists


@settings(max_examples=300, deadline=None)
@given(channels(most=10, most_blocks=8), st.integers(0, 3))
def test_nobody_is_left_out_when_a_grouping_that_includes_everyone_exists(
    channel: tuple[list[str], int, Pairs, dict[str, set[str]]], seed: int
) -> None:
    members, size, recent, blocks = channel
    grouping = make_groups(members, size=size, recent=partners(recent), blocked=blocks, seed=seed)

    check_invariants(grouping, members, size, blocks)
    assert len(grouping.unplaced) == fewest_left_out(members, size, blocks)
    plan = plan_round(members, size=size, recent=partners(recent), blocked=blocks, seed=seed)
    if fewest_left_out(members, size, blocks) == 0:
        assert plan.kept_out == plan.grouping.unplaced == ()


@settings(max_examples=150, deadline=None)
@given(channels(most=8), st.integers(0, 3))
def test_the_large_channel_method_keeps_the_same_promises_on_small_channels(
    channel: tuple[list[str], int, Pairs, dict[str, set[str]]], seed: int
) -> None:
    members, size, recent, blocks = channel
    grouping = make_groups(
        members, size=size, recent=partners(recent), blocked=blocks, seed=seed, exact_limit=0
    )
    # Blocks may leave it other sizes (m0 blocking three of six, in fours: 3 + 3, not 4 + 2).
    check_invariants(grouping, members, size, blocks)


@st.composite
def large_channels(draw: st.DrawFn) -> tuple[list[str], int, Pairs, dict[str, set[str]]]:
    members = [f"m{i:03d}" for i in range(draw(st.integers(11, 300)))]
    size = draw(st.integers(2, 4))
    index = st.integers(0, len(members) - 1)
    recent = {
        frozenset((members[a], members[b]))
        for a, b in draw(st.lists(st.tuples(index, index), max_size=len(members) * 3))
        if a != b
    }
    blocks: dict[str, set[str]] = {}
    for a, b in draw(st.lists(st.tuples(index, index), max_size=10)):
        if a != b:
            blocks.setdefault(members[a], set()).add(members[b])
    return members, size, recent, blocks


@settings(max_examples=80, deadline=None)
@given(large_channels(), st.integers(0, 3))
def test_large_channels_place_everyone_once_and_never_break_a_block(
    channel: tuple[list[str], int, Pairs, dict[str, set[str]]], seed: int
) -> None:
    members, size, recent, blocks = channel
    grouping = make_groups(members, size=size, recent=partners(recent), blocked=blocks, seed=seed)

    check_invariants(grouping, members, size, blocks)
    assert grouping.unplaced == ()  # a few blocks among many members always leave a way
    assert has_usual_sizes(grouping, members, size)


@settings(max_examples=40, deadline=None)
@given(large_channels(), st.integers(0, 1000))
def test_the_same_seed_gives_the_same_groups(
    channel: tuple[list[str], int, Pairs, dict[str, set[str]]], seed: int
) -> None:
    members, size, recent, blocks = channel

    def run() -> Grouping:
        return make_groups(
            list(reversed(members)), size=size, recent=partners(recent), blocked=blocks, seed=seed
        )

    assert run() == run()

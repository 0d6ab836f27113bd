"""Dashboard figures: a count under five is hidden, so no one member's answer shows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.figures import HIDDEN, SMALL, Figure, shown_count, shown_rate

counts = st.integers(min_value=0, max_value=10_000)


def test_a_count_of_five_or_more_is_shown_as_it_is() -> None:
    assert shown_count(5) == Figure(5, "5")
    assert shown_count(1234) == Figure(1234, "1234")


def test_every_count_under_five_reads_less_than_five_zero_included() -> None:
    assert {shown_count(n) for n in range(SMALL)} == {Figure(None, HIDDEN)}


def test_a_rate_is_shown_when_both_those_who_did_and_those_who_did_not_are_five_or_more() -> None:
    assert shown_rate(6, 12) == Figure(50, "50%")
    assert shown_rate(5, 10) == Figure(50, "50%")


def test_a_rate_that_would_single_out_a_few_is_hidden() -> None:
    assert shown_rate(4, 100) == Figure(None, HIDDEN)  # the few who met
    assert shown_rate(96, 100) == Figure(None, HIDDEN)  # the few who did not
    assert shown_rate(12, 12) == Figure(None, HIDDEN)  # "everyone" says nobody declined
    assert shown_rate(0, 0) == Figure(None, HIDDEN)


@given(small=st.integers(min_value=0, max_value=SMALL - 2))
def test_one_members_decline_block_or_pause_never_changes_a_small_count(small: int) -> None:
    """Whether or not one member is counted (they met, or declined, blocked or paused), a
    figure under five reads the same."""
    assert shown_count(small + 1) == shown_count(small)


@given(whole=counts, part=counts)
def test_a_rate_moving_one_member_across_a_small_side_reads_the_same(whole: int, part: int) -> None:
    """One member moving from "met" to "did not" (a decline, a block, a pause) cannot be seen
    while either side counts fewer than five."""
    part = min(part, whole)
    for moved in (part - 1, part + 1):
        if 0 <= moved <= whole:
            small_before = min(part, whole - part) < SMALL
            small_after = min(moved, whole - moved) < SMALL
            if small_before and small_after:
                assert shown_rate(part, whole) == shown_rate(moved, whole)


@given(part=counts, whole=counts)
def test_a_shown_figure_always_counts_five_or_more_members(part: int, whole: int) -> None:
    count = shown_count(part)
    assert (count.value is None) == (part < SMALL)
    rate = shown_rate(min(part, whole), whole)
    if rate.value is not None:
        assert min(part, whole) >= SMALL and whole - min(part, whole) >= SMALL

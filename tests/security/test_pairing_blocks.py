"""Attacks on "blocks are confidential" through pairing rounds: a blocked member, or the organiser,
reading a block out of who gets a group and of the round summary's numbers.

Alice blocks Bob. Everyone but Alice must see exactly what they would see had Alice paused
instead: Bob, the other members, and the organiser (replies, groups, summaries and their counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.pairing import make_groups, plan_round
from tests.security.worlds import Worlds, open_worlds


@pytest.fixture
def worlds(database_url: str) -> Iterator[Worlds]:
    yield from open_worlds(database_url)


def _round_with(worlds: Worlds, members: tuple[str, ...], acts: dict[str, str]) -> None:
    """Pairing on (the organiser), the members join, Alice blocks or pauses, a round now, and
    two weeks of scheduled rounds and check-ins; every world in lockstep."""
    for world in acts:
        worlds.say(world, "pairing on", by="UORG", in_channel=True, is_organiser=True)
        for user in members:
            worlds.say(world, f"looking-for a {user[1:].lower()} thing", by=user)
            worlds.say(world, "join", by=user, in_channel=True)
    for world, act in acts.items():
        if act == "block":
            worlds.say(world, "block <@UBOB>", by="UALICE")
        elif act == "pause":
            worlds.say(world, "pause 10 weeks", by="UALICE", in_channel=True)
    for world in acts:
        worlds.say(world, "pairing now", by="UORG", in_channel=True, is_organiser=True)
    worlds.wait(timedelta(weeks=2), step=timedelta(hours=6))
    for world in acts:
        worlds.say(world, "stats", by="UORG", in_channel=True, is_organiser=True)


@pytest.mark.parametrize(
    "members", [("UALICE", "UBOB"), ("UALICE", "UBOB", "UCAROL")], ids=["two", "three"]
)
def test_a_member_kept_out_by_a_block_sees_what_a_pause_would_show(
    worlds: Worlds, members: tuple[str, ...]
) -> None:
    _round_with(worlds, members, {"blocked": "block", "paused": "pause"})
    for user in ("UORG", *members[1:]):
        assert worlds.seen_by("blocked", user) == worlds.seen_by("paused", user), user
    summaries = [s.text for s in worlds.dms_to("blocked", "UORG") if s.text.startswith("📊")]
    assert summaries, "the organiser gets the round summaries"
    assert f"for {len(members) - 1} members taking part" in summaries[0]


def test_a_block_nobody_needs_to_sit_out_for_shows_nowhere(worlds: Worlds) -> None:
    _round_with(worlds, ("UALICE", "UBOB", "UCAROL", "UDAN"), {"blocked": "block", "none": ""})
    # Who is grouped with whom differs; what each sees, and when, does not.
    for user in ("UBOB", "UCAROL", "UDAN"):
        shape = [(s.where, s.at, s.buttons) for s in worlds.seen_by("blocked", user)]
        assert shape == [(s.where, s.at, s.buttons) for s in worlds.seen_by("none", user)], user
    assert worlds.seen_by("blocked", "UORG") == worlds.seen_by("none", "UORG")
    summaries = [s.text for s in worlds.dms_to("blocked", "UORG") if s.text.startswith("📊")]
    assert summaries == [s.text for s in worlds.dms_to("none", "UORG") if s.text.startswith("📊")]


def test_a_blocked_member_is_never_the_one_left_out(worlds: Worlds) -> None:
    _round_with(worlds, ("UALICE", "UBOB", "UCAROL"), {"w": "block"})
    groups = [s.text for s in worlds.seen_by("w", "UBOB") if s.where == "group"]
    assert groups and all("@UCAROL" in text and "@UALICE" not in text for text in groups)
    sorry = [s for s in worlds.dms_to("w", "UALICE") if "couldn't find you a group" in s.text]
    assert sorry  # the blocker sits it out, and knows why


# --- the property, on the grouping itself -----------------------------------------------------

PEOPLE = [f"U{i}" for i in range(9)]


@st.composite
def channels(draw: st.DrawFn) -> tuple[list[str], dict[str, set[str]], int]:
    members = draw(st.lists(st.sampled_from(PEOPLE), min_size=0, max_size=9, unique=True))
    pairs = st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE))
    blocked: dict[str, set[str]] = {}  # blocks of members not taking part count for nothing
    for owner, other in draw(st.lists(pairs, max_size=10)):
        if owner != other:
            blocked.setdefault(owner, set()).add(other)
    return members, blocked, draw(st.integers(2, 4))


@settings(max_examples=150, deadline=None)
@given(channel=channels(), seed=st.integers(0, 5))
def test_whoever_a_block_keeps_out_the_rest_are_grouped_as_if_the_blockers_had_paused(
    channel: tuple[list[str], dict[str, set[str]], int], seed: int
) -> None:
    members, blocked, size = channel
    plan = plan_round(members, size=size, blocked=blocked, seed=seed)
    kept = set(plan.kept_out)
    # Only someone who blocked another member taking part is ever kept out for it…
    assert all(blocked.get(m, set()) & set(members) for m in kept)
    # …and the others are grouped exactly as in the world where those had paused.
    rest = [m for m in members if m not in kept]
    among = set(rest)
    paused_world = make_groups(
        rest,
        size=size,
        blocked={o: b & among for o, b in blocked.items() if o in among},
        seed=seed,
    )
    assert plan.grouping == paused_world
    # Nobody blocked is left without a group while two or more take part.
    if len(rest) >= 2:
        assert plan.grouping.unplaced == ()

"""Attacks on looking-for text through give ideas: a chosen offer probing everyone's looking-for.

Mallory sets an offer built from the words she guesses Alice is looking for, then reads the
give ideas of `ask` and of her weekly digest. Alice's words must not reach her when Alice blocked
her, when she blocked Alice, while Alice is paused, or once Alice hid her profile.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.security.worlds import Worlds, open_worlds
from tests.unit.harness import NOW

SECRET = "a stealth co-founder for quantum payroll"
ACTS = {
    "alice blocked mallory": lambda w, x: w.say(x, "block <@UMALLORY>", by="UALICE"),
    "mallory blocked alice": lambda w, x: w.say(x, "block <@UALICE>", by="UMALLORY"),
    "alice is paused": lambda w, x: w.pause(x, "UALICE", until=NOW + timedelta(weeks=8)),
    "alice hid her profile": lambda w, x: w.say(x, "settings profile hidden", by="UALICE"),
}


@pytest.fixture
def worlds(database_url: str) -> Iterator[Worlds]:
    yield from open_worlds(database_url)


def _probe(worlds: Worlds, world: str) -> str:
    """Everything Mallory reads after her probe: the `ask` reply and a week of DMs."""
    worlds.say(world, "offer stealth quantum payroll co-founder", by="UMALLORY")
    worlds.say(world, "ask a review of my pitch", by="UMALLORY")
    return "\n".join(s.text for s in worlds.seen_by(world, "UMALLORY"))


@pytest.mark.parametrize("act", list(ACTS))
def test_a_chosen_offer_cannot_probe_the_looking_for_of_someone_who_may_not_be_shown(
    worlds: Worlds, act: str
) -> None:
    for world in ("open", act):
        worlds.say(world, f"looking-for {SECRET}", by="UALICE")
        worlds.say(world, "looking-for a pitch review", by="UBOB")
    ACTS[act](worlds, act)
    seen = {world: _probe(worlds, world) for world in ("open", act)}
    worlds.wait(timedelta(days=8), step=timedelta(days=1))  # the weekly digest, too
    seen = {world: "\n".join(s.text for s in worlds.seen_by(world, "UMALLORY")) for world in seen}

    assert SECRET in seen["open"]  # the probe works on a visible profile…
    assert SECRET not in seen[act]  # …and reads nothing of Alice's here
    assert "@UALICE" not in seen[act]


def test_hiding_and_showing_the_profile_again_is_the_members_choice(worlds: Worlds) -> None:
    worlds.say("w", f"looking-for {SECRET}", by="UALICE")
    worlds.say("w", "settings profile hidden", by="UALICE")
    assert SECRET not in _probe(worlds, "w")
    worlds.say("w", "settings profile visible", by="UALICE")
    assert SECRET in worlds.say("w", "ask another review", by="UMALLORY")

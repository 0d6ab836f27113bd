"""Attacks on "a decline is never revealed": an invitee probing the other side's answer.

Carol introduces Alice and Bob. Whatever Bob does (accept, decline, block Alice, pause, turn
intros off, or nothing), Alice's replies and buttons, and Carol's notice and its timing, must be
those of a world where Bob stayed silent, until the introduction is made (both said yes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.commands.intros import ACTION_ACCEPT, ACTION_DECLINE
from tests.security.worlds import Seen, Worlds, open_worlds
from tests.unit.harness import NOW

INTRO = "intro <@UALICE> <@UBOB> you both organise Rust meetups"
WEEK = timedelta(days=7)


@pytest.fixture
def worlds(database_url: str) -> Iterator[Worlds]:
    yield from open_worlds(database_url)


def set_up(worlds: Worlds, world: str) -> str:
    """Three members with profiles that match nobody's (so no give idea differs); Carol asks
    to introduce Alice and Bob. The intro's id, as on Alice's buttons."""
    for user, offer in (("UALICE", "maps"), ("UBOB", "knitting"), ("UCAROL", "")):
        worlds.say(world, f"offer {offer or '-'}", by=user)
        worlds.say(world, f"looking-for a {user[1:].lower()} thing", by=user)
    worlds.say(world, INTRO, by="UCAROL", in_channel=True)
    asks = [s for s in worlds.dms_to(world, "UALICE") if s.buttons]
    assert len(asks) == 1, asks
    return intro_id(worlds, world)


def intro_id(worlds: Worlds, world: str) -> str:
    with worlds.app.uow_factory() as uow:
        [intro] = uow.intros.involving(worlds.member(world, "UCAROL"))
    return str(intro.id)


# What Bob may do, each a private act Alice must not be able to tell from silence.
BOB_ACTS: dict[str, Callable[[Worlds, str, str], object]] = {
    "silent": lambda w, world, intro: None,
    "accepts": lambda w, world, intro: w.press(world, ACTION_ACCEPT, intro, by="UBOB"),
    "declines": lambda w, world, intro: w.press(world, ACTION_DECLINE, intro, by="UBOB"),
    "blocks": lambda w, world, intro: w.say(world, "block <@UALICE>", by="UBOB"),
    "pauses": lambda w, world, intro: w.pause(world, "UBOB", until=w.clock.now() + 4 * WEEK),
    "turns intros off": lambda w, world, intro: w.say(world, "settings intros off", by="UBOB"),
}


@pytest.mark.parametrize("act", [a for a in BOB_ACTS if a not in ("silent", "accepts")])
def test_a_member_cannot_infer_a_decline_by_pressing_decline_again(
    worlds: Worlds, act: str
) -> None:
    ids = {world: set_up(worlds, world) for world in ("silent", act)}
    worlds.press("silent", ACTION_ACCEPT, ids["silent"], by="UALICE")
    worlds.press(act, ACTION_ACCEPT, ids[act], by="UALICE")
    BOB_ACTS[act](worlds, act, ids[act])
    for press in (ACTION_DECLINE, ACTION_DECLINE, ACTION_ACCEPT, ACTION_ACCEPT, ACTION_DECLINE):
        for world in ("silent", act):
            worlds.press(world, press, ids[world], by="UALICE")
        worlds.wait(timedelta(days=1))
    worlds.wait(WEEK)  # past the answer window: Carol hears, and Alice presses once more
    for world in ("silent", act):
        worlds.press(world, ACTION_ACCEPT, ids[world], by="UALICE")

    assert worlds.seen_by(act, "UALICE") == worlds.seen_by("silent", "UALICE")
    assert worlds.seen_by(act, "UCAROL") == worlds.seen_by("silent", "UCAROL")
    # And the one thing Carol hears arrives exactly when the week is out, in every world.
    [notice] = [s for s in worlds.dms_to(act, "UCAROL") if "didn't happen" in s.text]
    assert notice.at == NOW + WEEK


@pytest.mark.parametrize("act", [a for a in BOB_ACTS if a != "accepts"])
def test_an_intro_not_made_sends_nobody_a_calendar_file(worlds: Worlds, act: str) -> None:
    intro = set_up(worlds, act)
    worlds.press(act, ACTION_ACCEPT, intro, by="UALICE")
    BOB_ACTS[act](worlds, act, intro)
    worlds.wait(WEEK + timedelta(days=1))
    for user in ("UALICE", "UBOB", "UCAROL"):
        assert not [s for s in worlds.seen_by(act, user) if "VCALENDAR" in s.attachment], user


def test_both_sides_of_a_made_intro_get_their_own_calendar_file_and_the_introducer_none(
    worlds: Worlds,
) -> None:
    intro = set_up(worlds, "w")
    worlds.press("w", ACTION_ACCEPT, intro, by="UALICE")
    worlds.press("w", ACTION_ACCEPT, intro, by="UBOB")
    worlds.wait(timedelta(days=1))
    for user, other in (("UALICE", "Bob"), ("UBOB", "Alice")):
        [invite] = [s for s in worlds.dms_to("w", user) if "VCALENDAR" in s.attachment]
        assert f"SUMMARY:Meet {other}" in invite.attachment
    assert not [s for s in worlds.seen_by("w", "UCAROL") if "VCALENDAR" in s.attachment]


def test_a_member_can_change_their_mind_until_the_intro_is_made(worlds: Worlds) -> None:
    intro = set_up(worlds, "w")
    worlds.press("w", ACTION_DECLINE, intro, by="UALICE")
    worlds.press("w", ACTION_ACCEPT, intro, by="UBOB")
    made = worlds.press("w", ACTION_ACCEPT, intro, by="UALICE")
    assert made.text.startswith("🎉 You both accepted")
    groups = [s for s in worlds.seen_by("w", "UCAROL") if s.where == "group"]
    assert len(groups) == 1 and "meet @UBOB" in groups[0].text


# --- the property: any sequence of presses, any acts of the other side ------------------------

ALICE_PRESS = st.sampled_from(["accept", "decline"]).map(lambda p: ("alice", p))
BOB_DOES = st.sampled_from(
    ["accept", "decline", "block", "unblock", "pause", "unpause", "intros off", "intros on"]
).map(lambda p: ("bob", p))
WAITS = st.sampled_from([1, 2, 3]).map(lambda days: ("wait", str(days)))
STEPS = st.lists(st.one_of(ALICE_PRESS, BOB_DOES, WAITS), min_size=1, max_size=12)
WORLD_NUMBERS = count()


@dataclass
class Bob:
    """What Bob has done in the acting world, to check a made intro had his yes."""

    answer: str = ""
    blocked: bool = False


def _apply(worlds: Worlds, world: str, intro: str, step: tuple[str, str], bob: Bob) -> None:
    who, what = step
    if who == "alice":
        action = ACTION_ACCEPT if what == "accept" else ACTION_DECLINE
        worlds.press(world, action, intro, by="UALICE")
        return
    if what in ("accept", "decline"):
        worlds.press(world, ACTION_ACCEPT if what == "accept" else ACTION_DECLINE, intro, by="UBOB")
        bob.answer = what
    elif what in ("block", "unblock"):
        worlds.say(world, f"{what} <@UALICE>", by="UBOB")
        bob.blocked = bob.blocked or what == "block"
    elif what in ("pause", "unpause"):
        until = worlds.clock.now() + 4 * WEEK if what == "pause" else None
        worlds.pause(world, "UBOB", until=until)
    else:
        worlds.say(world, f"settings {what}", by="UBOB")


def _until_made(observed: list[Seen]) -> list[Seen]:
    """What a member saw before the intro was made. Its calendar file is a sign of that too,
    whichever arrives first: seen any earlier, it would count as made without both yeses."""
    for index, item in enumerate(observed):
        made = item.where == "group" or item.attachment.startswith("BEGIN:VCALENDAR")
        if made or item.text.startswith(("🎉", "You both accepted already")):
            return observed[:index]
    return observed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # each example is a real database's work: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
@example(steps=[("alice", "accept"), ("bob", "decline"), ("alice", "decline")])  # the report
@example(steps=[("alice", "accept"), ("bob", "accept"), ("bob", "block")])
@example(steps=[("bob", "block"), ("alice", "accept"), ("bob", "unblock"), ("bob", "accept")])
def test_what_one_side_sees_never_depends_on_what_the_other_side_does(
    worlds: Worlds, steps: list[tuple[str, str]]
) -> None:
    number = next(WORLD_NUMBERS)
    acting, silent = f"A{number}", f"S{number}"  # Bob acts in one; in the other he stays silent
    ids = {world: set_up(worlds, world) for world in (acting, silent)}
    bob = Bob()
    made_without_his_yes = was_made = False
    for step in steps:
        if step[0] == "wait":
            worlds.wait(timedelta(days=int(step[1])), step=timedelta(days=3))
            continue
        _apply(worlds, acting, ids[acting], step, bob)
        if step[0] == "alice":
            _apply(worlds, silent, ids[silent], step, Bob())
        observed = worlds.seen_by(acting, "UALICE")
        if not was_made and len(_until_made(observed)) < len(observed):
            was_made = True
            made_without_his_yes = bob.answer != "accept" or bob.blocked
    worlds.wait(WEEK + timedelta(days=1), step=timedelta(days=3))

    assert not made_without_his_yes, "an intro was made without both yeses"
    for user in ("UALICE", "UCAROL"):
        acted = _until_made(worlds.seen_by(acting, user))
        quiet = worlds.seen_by(silent, user)
        assert acted == quiet[: len(acted)], user
        if len(acted) == len(worlds.seen_by(acting, user)):  # never made: all of it alike
            assert acted == quiet, user

"""Attacks by a third member who uses `intro @a @b` to probe others' blocks, settings and intros.

Carol introduces Alice and Bob. What Carol observes (the reply, the later notice and its time,
her waiting limit, her export and stats) must be the same whether the two were asked and stayed
silent, one accepted or declined, one blocked the other or Carol, one paused or turned intros
off, one never used the bot, or someone else introduced them lately.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.commands.intros import ACTION_ACCEPT, ACTION_DECLINE
from tests.security.worlds import Seen, Worlds, open_worlds
from tests.unit.harness import NOW

INTRO = "intro <@UALICE> <@UBOB> you both organise Rust meetups"
WEEK = timedelta(days=7)
MEMBERS = ("UALICE", "UBOB", "UCAROL", "USAM", "UDAN", "UORG")


@pytest.fixture
def worlds(database_url: str) -> Iterator[Worlds]:
    yield from open_worlds(database_url)


def _pressed(answer: str) -> Callable[[Worlds, str], object]:
    def press(worlds: Worlds, world: str) -> None:
        with worlds.app.uow_factory() as uow:
            [intro] = [
                i
                for i in uow.intros.involving(worlds.member(world, "UALICE"))
                if i.introducer.user_id == "UCAROL"
            ]
        worlds.press(world, answer, str(intro.id), by="UALICE")

    return press


def _nothing(worlds: Worlds, world: str) -> None:
    return None


# Each world: what happens before Carol's intro (at NOW), and after it.
WORLDS: dict[str, tuple[Callable[[Worlds, str], object], Callable[[Worlds, str], object]]] = {
    "asked, no answer": (_nothing, _nothing),
    "alice accepts": (_nothing, _pressed(ACTION_ACCEPT)),
    "alice declines": (_nothing, _pressed(ACTION_DECLINE)),
    "bob blocked alice": (lambda w, x: w.say(x, "block <@UALICE>", by="UBOB"), _nothing),
    "alice blocked carol": (lambda w, x: w.say(x, "block <@UCAROL>", by="UALICE"), _nothing),
    "alice paused": (
        lambda w, x: w.pause(x, "UALICE", until=NOW + 10 * WEEK),
        _nothing,
    ),
    "bob turned intros off": (lambda w, x: w.say(x, "settings intros off", by="UBOB"), _nothing),
    "bob never used the bot": (_nothing, _nothing),
    "sam introduced them lately": (
        lambda w, x: w.say(x, "intro <@UBOB> <@UALICE> you should talk", by="USAM"),
        _nothing,
    ),
}


def _carols_story(worlds: Worlds, names: list[str]) -> dict[str, dict[str, Any]]:
    """Every world in lockstep, so the clock reads the same in each at every step."""

    def each(do: Callable[[str], object]) -> None:
        for world in names:
            do(world)

    def profiles(world: str) -> None:
        for user in MEMBERS:
            if user != "UBOB" or world != "bob never used the bot":
                worlds.say(world, f"looking-for a {user[1:].lower()} thing", by=user)

    def more_intros(world: str) -> None:
        # Her waiting limit counts the first intro the same way in every world.
        for a, b in (("USAM", "UDAN"), ("USAM", "UORG"), ("UDAN", "UORG"), ("USAM", "UALICE")):
            worlds.say(world, f"intro <@{a}> <@{b}> a reason", by="UCAROL")
        worlds.say(world, "intro <@UDAN> <@UALICE> one too many", by="UCAROL")

    each(profiles)
    each(lambda world: WORLDS[world][0](worlds, world))
    worlds.wait(timedelta(days=10), step=timedelta(days=5))
    each(lambda world: worlds.say(world, INTRO, by="UCAROL", in_channel=True))
    each(lambda world: WORLDS[world][1](worlds, world))
    each(more_intros)
    worlds.wait(WEEK + timedelta(days=1), step=timedelta(hours=12))
    each(lambda world: worlds.say(world, "intro <@UBOB> <@UALICE> once more", by="UCAROL"))
    each(lambda world: worlds.say(world, "stats", by="UCAROL"))
    exports = {world: worlds.export(world, by="UCAROL") for world in names}
    return {w: {"intros": e["intros"], "blocked": e["blocked"]} for w, e in exports.items()}


def _without_files(observed: list[Seen]) -> list[Seen]:
    # The export's file names the workspace (the world); its intros are compared on their own.
    return [replace(s, attachment="") for s in observed]


def test_a_third_member_cannot_probe_blocks_settings_or_others_intros_with_intro(
    worlds: Worlds,
) -> None:
    exports = _carols_story(worlds, list(WORLDS))
    baseline = _without_files(worlds.seen_by("asked, no answer", "UCAROL"))
    replies = [s.text for s in baseline if s.where == "reply"][1:]  # after her looking-for
    assert replies[0].startswith("🤝 Thanks! I'll ask @UALICE and @UBOB privately")
    assert "5 introductions waiting" in replies[5]
    assert "You asked to introduce these two in the last 90 days" in replies[6]
    [notice] = [s for s in baseline if s.where == "dm" and "@UALICE and @UBOB didn't" in s.text]
    assert notice.at == NOW + timedelta(days=10) + WEEK
    for world in WORLDS:
        assert _without_files(worlds.seen_by(world, "UCAROL")) == baseline, world
        assert exports[world] == exports["asked, no answer"], world


def test_nobody_is_asked_about_an_intro_the_bot_will_not_make(worlds: Worlds) -> None:
    names = ["bob blocked alice", "alice paused", "sam introduced them lately"]
    _carols_story(worlds, names)
    pair = {"UALICE", "UBOB"}
    for world in names:
        asks = [
            s
            for user, other in (("UALICE", "@UBOB"), ("UBOB", "@UALICE"))
            for s in worlds.dms_to(world, user)
            if f"@UCAROL would like to introduce you to {other}." in s.text
        ]
        assert asks == [], world
        # Nor do the two find it in their exports: it was never theirs to know.
        for user in pair:
            theirs = worlds.export(world, by=user)["intros"]
            assert not [
                i for i in theirs if i["introducer"] == "UCAROL" and set(i["members"]) == pair
            ]


def test_a_side_cannot_find_a_withheld_intro_by_tampering_with_a_button(worlds: Worlds) -> None:
    for user in ("UALICE", "UBOB", "UCAROL"):
        worlds.say("w", f"looking-for a {user[1:].lower()} thing", by=user)
    worlds.say("w", "block <@UALICE>", by="UBOB")
    worlds.say("w", INTRO, by="UCAROL")
    with worlds.app.uow_factory() as uow:
        [intro] = uow.intros.involving(worlds.member("w", "UCAROL"))
    assert intro.withheld
    for action in (ACTION_ACCEPT, ACTION_DECLINE):
        for user in ("UALICE", "UBOB"):
            guessed = worlds.press("w", action, str(intro.id), by=user)
            unknown = worlds.press("w", action, str(intro.id + 1000), by=user)
            assert (
                guessed.text == unknown.text == "⚠️ I couldn't find that introduction among yours."
            )

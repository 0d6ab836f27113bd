"""A pairing round on Discord: each member's ice-breakers arrive by DM, from their own records."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    ORGANISER_PERMISSIONS,
    DiscordWorld,
    copy_database,
    discord_world,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_each_member_of_a_pairing_group_gets_their_own_ice_breakers_by_dm(
    world: DiscordWorld,
) -> None:
    await world.say(BOB, "met", person=CAROL, context="at the Rust meetup")
    await world.say(BOB, "note", person=CAROL, text="is moving to Lisbon")
    await world.say(CAROL, "note", person=BOB, text="CAROLS-OWN-NOTE owes me a coffee")
    await world.say(CAROL, "offer", text="help with Rust lifetimes")
    on = await world.say(ALICE, "channel pairing", action="on", permissions=ORGANISER_PERMISSIONS)
    assert on.startswith("🍽️ Pairing is on"), on
    for user in (BOB, CAROL):
        await world.say(user, "channel join")
    await world.say(ALICE, "channel pairing", action="now", permissions=ORGANISER_PERMISSIONS)
    await world.deliver()

    [to_bob] = [p.content for p in world.fake.dms(BOB) if p.content.startswith("🧊")]
    assert f"<@{CAROL.id}>:" in to_bob
    assert "You met" in to_bob and "at the Rust meetup" in to_bob
    assert "is moving to Lisbon" in to_bob
    assert "CAROLS-OWN-NOTE" not in to_bob
    [to_carol] = [p.content for p in world.fake.dms(CAROL) if p.content.startswith("🧊")]
    assert "CAROLS-OWN-NOTE owes me a coffee" in to_carol
    assert "Lisbon" not in to_carol and "Rust meetup" not in to_carol
    assert not [p for p in world.fake.dms(ALICE) if p.content.startswith("🧊")]  # not in a group

"""After an event on Discord, with real discord.py objects against a fake Discord: "who did you
meet?" by DM with a select menu of the other attendees, and choosing from it logs meetings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    GUILD_A,
    DiscordWorld,
    Posted,
    copy_database,
    discord_world,
    press,
    replies_text,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


def _select(posted: Posted) -> dict[str, Any]:
    [select] = [c for c in posted.buttons if c["type"] == 3]  # a string select
    return select


def _choose(user: Any, posted: Posted, values: list[str]) -> dict[str, Any]:
    """The select menu of a DM the bot sent, closed with these values chosen (component 3)."""
    payload = press(user, posted, "Nobody this time", guild=None)
    payload["data"] = {
        "custom_id": _select(posted)["custom_id"],
        "component_type": 3,
        "values": values,
    }
    return payload


async def test_who_did_you_meet_comes_with_a_select_menu_and_choosing_logs_meetings(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "channel event", details='"Rust night" friday 6pm for 2 hours at Café')
    await world.deliver()
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    for user in (ALICE, BOB, CAROL):
        await world.press(user, post, "Going")
    await world.deliver()

    world.clock.advance(timedelta(days=3))
    await world.buddy.ticker().tick()
    await world.deliver()
    [asked] = [p for p in world.fake.dms(ALICE) if "Who did you meet" in p.content]
    select = _select(asked)
    assert [o["value"] for o in select["options"]] == [str(BOB.id), str(CAROL.id)]
    assert [o["label"] for o in select["options"]] == [BOB.display_name, CAROL.display_name]
    assert select["max_values"] == 2
    assert asked.button("Nobody this time")

    reply = await world.interact(_choose(ALICE, asked, [str(BOB.id)]))
    assert f"🤝 Noted: you met <@{BOB.id}> at “Rust night”." in replies_text(reply)
    # A forged value, not among those going, is refused and logs nothing.
    reply = await world.interact(_choose(ALICE, asked, ["999"]))
    assert "Pick people from the list" in replies_text(reply)
    people = await world.say(ALICE, "people")
    assert people.count("Rust night (") == 1

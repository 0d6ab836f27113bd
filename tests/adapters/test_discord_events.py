"""Events on Discord, with real discord.py objects against a fake Discord: the post with its
buttons, Going pressed, the post edited in place, and the `.ics` file by DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import icalendar
import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    GUILD_A,
    DiscordWorld,
    copy_database,
    discord_world,
    replies_text,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_an_event_post_counts_going_in_place_and_the_member_gets_an_ics_by_dm(
    world: DiscordWorld,
) -> None:
    answer = await world.say(
        ALICE,
        "channel event",
        title="@everyone Rust night",
        when="friday 6pm",
        duration="2 hours",
        place="Café",
    )
    await world.deliver()

    assert answer.startswith("📅 Announced in this channel as event 1:")
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    assert "✅ 0 going · 🤔 0 maybe" in post.content
    assert post.allowed_mentions == {"parse": []}  # "@everyone" in a title pings nobody
    assert [b["label"] for b in post.buttons] == ["Going", "Maybe", "Can't go", "Who's going"]

    pressed = await world.press(BOB, post, "Going")
    await world.deliver()

    assert replies_text(pressed).startswith("✅ You're going to")
    [edit] = world.fake.edited
    assert edit.message["id"] == post.message["id"] and edit.channel_id == GUILD_A.channel_id
    assert "✅ 1 going" in edit.content
    assert [b["label"] for b in edit.buttons] == ["Going", "Maybe", "Can't go", "Who's going"]
    assert world.fake.in_channel(GUILD_A.channel_id) == [post]  # edited, not posted again
    [dm] = world.fake.dms(BOB)
    [content] = dm.files.values()
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "@everyone Rust night"

    who = await world.press(ALICE, post, "Who's going")  # the creator may see
    assert f"<@{BOB.id}>" in replies_text(who)

"""`/buddy tips` on Discord: its topic offered as a choice, and the tips of the topic chosen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.message import text_plain
from bot.core.tips import Topic, tips_about
from tests.adapters.discord_fake import ALICE, DiscordWorld, copy_database, discord_world


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_the_tips_topic_is_a_choice_of_the_four_topics(world: DiscordWorld) -> None:
    [group] = world.client.tree.get_commands()
    # Discord allows 25 subcommands in a group: the personal commands beyond go in `more`.
    [more] = [sub for sub in group.to_dict(world.client.tree)["options"] if sub["name"] == "more"]
    [tips] = [sub for sub in more["options"] if sub["name"] == "tips"]

    [topic] = tips["options"]
    assert (topic["name"], topic["type"], topic["required"]) == ("topic", 3, False)
    assert [c["value"] for c in topic["choices"]] == ["first meeting", "follow up", "give", "ask"]


async def test_choosing_a_topic_lists_its_tips(world: DiscordWorld) -> None:
    reply = await world.say(ALICE, "more tips", topic="give")

    assert reply.startswith("💡 **Tips: give**")
    for tip in tips_about(Topic.GIVE):
        assert text_plain(tip.text).split(" (")[0] in reply

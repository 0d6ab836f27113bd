"""`/buddy channel event` with typed options, through a real discord.py interaction: the same
event, or the same friendly refusal, as the words typed on a line; nothing stored on a refusal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.commands.base import CommandInput
from bot.core.events import Event
from bot.core.identity import Channel, Member, Platform
from tests.adapters.discord_fake import (
    ALICE,
    GUILD_A,
    DiscordWorld,
    copy_database,
    discord_world,
)

LONG_TITLE = "R" * 2001
TRICKY = "@everyone at the for loop party"


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


def _channel() -> Channel:
    return Channel(Platform.DISCORD, str(GUILD_A.id), str(GUILD_A.channel_id))


def _stored(world: DiscordWorld) -> list[Event]:
    with world.buddy.uow_factory() as uow:
        return list(uow.events.upcoming(_channel(), now=world.clock.now()))


def _typed_on_a_line(world: DiscordWorld, line: str) -> str:
    """The reply to the same event typed as words (the console's and Slack's text path)."""
    member = Member(Platform.DISCORD, str(GUILD_A.id), str(ALICE.id))
    reply = world.buddy.service.run(
        CommandInput(text=line, invoker=member, channel=_channel(), invoker_name="alice")
    )
    return reply.plain_text()


def _first_line(text: str) -> str:
    return text.splitlines()[0].replace("\\", "")  # Discord escapes markdown


REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        {"title": "Rust night", "when": "friday 6pm", "limit": 0},
        'event "Rust night" friday 6pm limit 0',
    ),
    (
        {"title": "Rust night", "when": "friday 6pm", "limit": -3},
        'event "Rust night" friday 6pm limit -3',
    ),
    (
        {"title": "Rust night", "when": "friday 6pm", "limit": 100000},
        'event "Rust night" friday 6pm limit 100000',
    ),
    ({"title": LONG_TITLE, "when": "friday 6pm"}, f'event "{LONG_TITLE}" friday 6pm'),
    ({"title": "Rust night", "when": "someday"}, 'event "Rust night" someday'),
    (
        {"title": "Rust night", "when": "friday 6pm", "duration": "a fortnight"},
        'event "Rust night" friday 6pm for a fortnight',
    ),
]


@pytest.mark.parametrize(("options", "line"), REFUSED)
async def test_typed_options_are_refused_like_the_same_words_on_a_line_and_store_nothing(
    world: DiscordWorld, options: dict[str, Any], line: str
) -> None:
    answer = await world.say(ALICE, "channel event", **options)
    await world.deliver()

    assert answer.startswith("⚠️"), answer
    assert _first_line(answer) == _first_line(_typed_on_a_line(world, line))
    assert _stored(world) == []
    assert world.fake.in_channel(GUILD_A.channel_id) == []


async def test_a_title_with_everyone_at_and_for_is_kept_whole_and_pings_nobody(
    world: DiscordWorld,
) -> None:
    answer = await world.say(
        ALICE, "channel event", title=TRICKY, when="friday 6pm", limit=20, place="Café Lisboa"
    )
    await world.deliver()

    assert answer.startswith("📅 Announced in this channel as event 1:")
    [event] = _stored(world)
    assert (event.title, event.place, event.limit) == (TRICKY, "Café Lisboa", 20)
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    assert post.allowed_mentions == {"parse": []}


async def test_typed_options_make_the_same_event_as_the_line(world: DiscordWorld) -> None:
    await world.say(
        ALICE,
        "channel event",
        title="Rust night",
        when="friday 6pm",
        duration="2 hours",
        place="Café Lisboa",
        limit=20,
    )
    _typed_on_a_line(world, 'event "Rust night" friday 6pm for 2 hours at Café Lisboa limit 20')

    typed, line = _stored(world)
    fields = ("title", "starts_at", "ends_at", "place", "limit", "timezone")
    assert [getattr(typed, f) for f in fields] == [getattr(line, f) for f in fields]


async def test_an_event_is_edited_and_cancelled_with_typed_options(world: DiscordWorld) -> None:
    await world.say(ALICE, "channel event", title="Rust night", when="friday 6pm")

    edited = await world.say(
        ALICE, "channel event-edit", number="1", place="The Old Pub", limit="none"
    )
    refused = await world.say(ALICE, "channel event-edit", number="1")

    assert edited.startswith("✏️ Event 1 is updated")
    assert refused.startswith("⚠️ Tell me what to change")
    [event] = _stored(world)
    assert (event.place, event.limit) == ("The Old Pub", None)
    cancelled = await world.say(ALICE, "channel event-cancel", number="#1")
    assert cancelled.startswith("❌ Event 1 is cancelled")
    assert _stored(world) == []


async def test_an_event_keeps_the_channels_name_from_the_interaction_and_an_edit_renews_it(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "channel event", title="Rust night", when="friday 6pm")
    assert [e.channel_name for e in _stored(world)] == ["general"]

    # The channel renamed since, as the gateway tells the client: the next edit brings it.
    renamed = {**GUILD_A.channel_json(), "name": "rust-nights"}
    world.client._connection.parsers["CHANNEL_UPDATE"](renamed)
    await world.say(ALICE, "channel event-edit", number="1", place="The Old Pub")

    assert [e.channel_name for e in _stored(world)] == ["rust-nights"]

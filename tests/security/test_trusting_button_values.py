"""Attacks by tampering with what a button carries back: state comes from the store, and the
platform's own ids (Slack's signed team/user/channel, Discord's interaction guild) always win."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    GUILD_A,
    GUILD_B,
    DiscordWorld,
    Posted,
    copy_database,
    discord_world,
    replies_text,
)
from tests.adapters.slack_harness import SlackHarness, buttons, running_slack

ASK = "ask a review of my CV"


# --- Slack: the real app over signed HTTP --------------------------------------------------


async def _post_anyway_button(slack: SlackHarness) -> dict[str, str]:
    reply = await slack.ask(ASK, channel="C1")
    return dict(buttons(reply["blocks"])["Post anyway"])


async def _posted_channels(slack: SlackHarness) -> list[str]:
    await slack.delivery.deliver_due()
    return [call.args["channel"] for call in slack.fake.calls_to("chat.postMessage")]


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        harness.fake.add_user("T1", "U2", name="Bob")
        yield harness


async def test_a_tampered_post_anyway_value_cannot_post_the_ask_in_another_channel(
    slack: SlackHarness,
) -> None:
    button = await _post_anyway_button(slack)
    assert ":" not in button["value"]  # only the ask's id travels
    tampered = {**button, "value": f"{button['value']}:C666"}  # the old form, elsewhere

    await slack.reply(await slack.press(tampered, channel="C1"))

    assert await _posted_channels(slack) == ["C1"]


async def test_a_member_cannot_post_someone_elses_ask_by_its_id(slack: SlackHarness) -> None:
    button = await _post_anyway_button(slack)

    pressed = await slack.reply(await slack.press(button, user="U2", channel="C1"))

    assert "couldn't find that ask" in pressed["text"]
    assert await _posted_channels(slack) == []


async def test_a_press_signed_for_another_workspace_cannot_post_this_workspaces_ask(
    database_url: str,
) -> None:
    # Installed in two workspaces, so the request is served: the store must keep them apart.
    async with running_slack(database_url, multi_workspace=True, teams=("T1", "T2")) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        slack.fake.add_user("T2", "U1", name="Ann elsewhere")
        button = await _post_anyway_button(slack)

        pressed = await slack.reply(await slack.press(button, team="T2", channel="C1"))

        assert "couldn't find that ask" in pressed["text"]
        assert await _posted_channels(slack) == []


# --- Discord: real discord.py objects from raw payloads ---------------------------------------


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


def _tampered(posted: Posted, label: str, custom_id: str) -> Posted:
    forged = copy.deepcopy(posted)
    for row in forged.body.get("components", []):
        for component in row.get("components", []):
            if component.get("label") == label:
                component["custom_id"] = custom_id
    return forged


async def test_a_custom_id_naming_another_guild_cannot_act_there(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the guild B slides", guild=GUILD_B)
    await world.say(ALICE, "promise", person=BOB, what="the guild A notes")
    [listing] = await world.slash(ALICE, "promises")  # in guild A
    forged = _tampered(listing, "Done #1", f"buddy:promise.done:{GUILD_B.id}:1")  # B's promise

    pressed = await world.press(ALICE, forged, "Done #1")  # pressed in guild A

    assert replies_text(pressed).startswith("⚠️")
    assert "the guild B slides" in await world.say(ALICE, "promises", guild=GUILD_B)
    assert "the guild A notes" in await world.say(ALICE, "promises")


async def test_a_dm_button_naming_a_guild_the_bot_is_not_in_does_nothing(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")
    [listing] = await world.slash(ALICE, "promises")
    forged = _tampered(listing, "Done #1", "buddy:promise.done:399999999999999999:1")

    pressed = await world.press(ALICE, forged, "Done #1", guild=None)

    assert replies_text(pressed).startswith("⚠️")
    assert "the slides" in await world.say(ALICE, "promises")


async def test_a_tampered_post_anyway_custom_id_cannot_post_in_another_channel(
    world: DiscordWorld,
) -> None:
    [asked] = await world.slash(ALICE, "ask", what="a review of my CV")
    button = asked.button("Post anyway")["custom_id"]
    other_channel = GUILD_B.channel_id
    forged = _tampered(asked, "Post anyway", f"{button}:{other_channel}")

    await world.press(ALICE, forged, "Post anyway")
    await world.deliver()

    assert world.fake.in_channel(other_channel) == []
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    assert "a review of my CV" in post.content

"""Buttons on Discord: persistent components whose custom_id carries all they need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands.promises import ACTION_DONE, ACTION_SNOOZE_DAY
from bot.core.effects import DirectMessage
from bot.core.identity import Member, Platform
from bot.core.message import Choice, ChoiceStyle, UserText, message, paragraph
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    GUILD_A,
    DiscordWorld,
    copy_database,
    discord_world,
    queue,
    replies_text,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_the_promises_list_has_a_done_button_per_promise(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")

    [listing] = await world.slash(ALICE, "promises")
    pressed = await world.press(ALICE, listing, "Done #1")

    assert listing.button("Done #1")["custom_id"] == f"buddy:promise.done:{GUILD_A.id}:1"
    assert replies_text(pressed).startswith(f"🎉 Kept: “the slides” for <@{BOB.id}>.")
    assert "No open promises" in await world.say(ALICE, "promises")


async def test_a_button_pressed_after_a_restart_still_works(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")
    [listing] = await world.slash(ALICE, "promises")

    await world.restart()  # a new client object: only the custom_id survives
    pressed = await world.press(ALICE, listing, "Done #1")

    assert replies_text(pressed).startswith("🎉 Kept: “the slides”")
    [callback] = world.fake.callbacks[pressed[0].message["webhook_token"]]
    assert callback["data"]["flags"] == 64  # answered privately (at once, or deferred)


async def test_a_reminder_button_pressed_in_a_dm_acts_in_its_guild(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides", when="friday")
    alice = Member(Platform.DISCORD, str(GUILD_A.id), str(ALICE.id))
    reminder = message(
        paragraph("⏰ Due: you promised ", UserText("the slides"), "."),
        choices=(
            Choice("Done #1", ACTION_DONE, "1", ChoiceStyle.PRIMARY),
            Choice("Snooze a day", ACTION_SNOOZE_DAY, "1"),
        ),
    )
    queue(world, DirectMessage(alice, reminder), key="reminder-1")  # as the ticker would
    await world.deliver()
    [dm] = world.fake.dms(ALICE)

    await world.restart()
    pressed = await world.press(ALICE, dm, "Snooze a day", guild=None)

    assert dm.button("Done #1")["custom_id"] == f"buddy:promise.done:{GUILD_A.id}:1"
    assert replies_text(pressed).startswith("😴 I'll remind you about #1 “the slides”")


async def test_someone_elses_button_cannot_touch_the_owners_promise(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")
    [listing] = await world.slash(ALICE, "promises")

    pressed = await world.press(BOB, listing, "Done #1")

    assert replies_text(pressed).startswith("⚠️")
    assert "#1 the slides" in await world.say(ALICE, "promises")


async def test_forget_me_erases_only_after_the_confirm_button(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", person=BOB, context="at RustConf")

    [asked] = await world.slash(ALICE, "forget-me")
    assert "RustConf" in await world.say(ALICE, "people")
    await world.press(ALICE, asked, "Erase everything")

    assert asked.button("Erase everything")["style"] == 4  # danger
    assert "RustConf" not in await world.say(ALICE, "people")

"""`/buddy` on Discord: real discord.py interactions from raw payloads, replies sent to a fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord_bot import NOT_SYNCED
from bot.adapters.discord_bot.commands import subgroups
from bot.commands.registry import COMMANDS
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    COMMAND_ID,
    EPHEMERAL,
    GUILD_A,
    GUILD_B,
    ORGANISER_PERMISSIONS,
    DiscordWorld,
    copy_database,
    discord_world,
    slash,
)

ROLE = 300000000000000009


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_help_lists_every_command_in_private_replies_discord_accepts(
    world: DiscordWorld,
) -> None:
    posted = await world.slash(ALICE, "help")

    [callback] = next(iter(world.fake.callbacks.values()))
    assert callback == {"type": 5, "data": {"flags": EPHEMERAL}}  # deferred, privately
    text = "\n".join(p.content for p in posted)
    # Each command as a clickable command mention under the name Discord's tree gives it, the
    # arguments after it as code: `/buddy channel join` for what lives in a channel.
    placed = subgroups(COMMANDS)
    for spec in COMMANDS:
        path = " ".join(part for part in ("buddy", placed[spec.name], spec.name) if part)
        _, _, args = spec.usage.partition(" ")
        assert f"</{path}:{COMMAND_ID}>" + (f" `{args}`" if args else "") in text
    assert "</buddy channel pairing:" in text and "</buddy join:" not in text
    for reply in posted:
        assert reply.body["flags"] & EPHEMERAL
        assert len(reply.content) <= 2000
        assert reply.allowed_mentions == {"parse": []}


async def test_met_logs_a_member_picked_in_the_member_option(world: DiscordWorld) -> None:
    reply = await world.say(ALICE, "met", person=BOB, context="at PyCon — talked about Rust")

    assert reply.startswith(f"🤝 Noted: you met <@{BOB.id}> at PyCon — talked about Rust.")
    people = await world.say(ALICE, "people")
    assert f"• <@{BOB.id}> — met Thu 26 Nov, at PyCon — talked about Rust" in people


async def test_people_with_a_member_picked_shows_their_history_and_only_yours(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "met", person=BOB, context="at PyCon")
    await world.say(ALICE, "note", person=BOB, text="loves sourdough")
    await world.say(CAROL, "note", person=BOB, text="Carol's own note")

    history = await world.say(ALICE, "people", person=BOB)
    searched = await world.say(ALICE, "people", search="sourdough")

    assert history.startswith(f"<@{BOB.id}> — your contact since Thu 26 Nov")
    assert "• Thu 26 Nov: at PyCon" in history
    assert "• Thu 26 Nov: loves sourdough" in history
    assert "Carol" not in history
    assert f"• <@{BOB.id}> — met Thu 26 Nov, at PyCon" in searched


async def test_met_takes_the_name_of_someone_outside_the_server(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", name="Ana Lima", context="at her movie premiere")

    people = await world.say(ALICE, "people")
    assert "Ana Lima" in people
    assert "at her movie premiere" in people


async def test_picking_a_member_and_typing_a_name_is_refused_kindly(world: DiscordWorld) -> None:
    reply = await world.say(ALICE, "met", person=BOB, name="Ana Lima")

    assert reply == "⚠️ Pick a member *or* type a name, not both."
    assert str(BOB.id) not in await world.say(ALICE, "people")


async def test_a_promise_with_a_time_is_due_then_and_suggests_setting_a_time_zone(
    world: DiscordWorld,
) -> None:
    reply = await world.say(ALICE, "promise", person=BOB, what="the slides", when="in 2 days")

    assert reply.splitlines() == [
        f"✅ Promise #1: send <@{BOB.id}> “the slides”",
        "Due Sat 28 Nov 2026, 14:57 UTC (in 2 days). I'll remind you by DM then.",
        "🕑 I read times in UTC until you choose your time zone: "
        f"</buddy settings:{COMMAND_ID}> `timezone Europe/Paris` (any city's zone).",
    ]


async def test_a_bare_time_is_read_as_the_due_date(world: DiscordWorld) -> None:
    reply = await world.say(ALICE, "promise", person=BOB, what="the slides", when="friday")

    assert f"send <@{BOB.id}> “the slides”" in reply
    assert "Due Fri 27 Nov 2026, 09:00 UTC (tomorrow)" in reply


async def test_a_discord_timestamp_is_accepted_as_a_time(world: DiscordWorld) -> None:
    reply = await world.say(ALICE, "promise", person=BOB, what="the deck", when="<t:1796040000:F>")

    assert "Due Mon 30 Nov 2026, 12:00 UTC (in 4 days)" in reply


async def test_a_discord_timestamp_in_the_past_is_refused_and_nothing_is_saved(
    world: DiscordWorld,
) -> None:
    reply = await world.say(ALICE, "promise", person=BOB, what="the deck", when="<t:1767225600:F>")

    assert reply.startswith("⚠️ That time has already passed: Thu 1 Jan 2026, 00:00 UTC.")
    assert (await world.say(ALICE, "promises")).startswith("No open promises.")


@pytest.mark.parametrize("what", ["a talk by Ana", "slides for the meeting on friday"])
async def test_time_words_typed_in_what_stay_in_the_promise_with_no_date(
    world: DiscordWorld, what: str
) -> None:
    reply = await world.say(ALICE, "promise", person=BOB, what=what)

    assert reply.splitlines()[:2] == [
        f"✅ Promise #1: send <@{BOB.id}> “{what}”",
        f"No date given, so no reminder: it will show in </buddy promises:{COMMAND_ID}> and your "
        "digest.",
    ]
    assert f"• #1 {what} → <@{BOB.id}> · no date" in await world.say(ALICE, "promises")


async def test_a_when_option_only_partly_a_time_is_refused_not_split(world: DiscordWorld) -> None:
    reply = await world.say(
        ALICE, "promise", person=BOB, what="the deck", when="in 2 days on friday"
    )

    assert reply.startswith("⚠️ I couldn't read “in 2 days on friday” as a date or time.")
    assert (await world.say(ALICE, "promises")).startswith("No open promises.")


async def test_once_a_time_zone_is_chosen_times_are_read_in_it_without_a_hint(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "settings", timezone="Europe/Paris")

    reply = await world.say(ALICE, "promise", person=BOB, what="the slides", when="friday")

    assert "Due Fri 27 Nov 2026, 09:00 Europe/Paris (tomorrow)" in reply
    assert "I read times in UTC" not in reply


async def test_typed_text_cannot_ping_everyone_here_a_role_or_a_member(
    world: DiscordWorld,
) -> None:
    typed = f"@everyone @here <@&{ROLE}> **now** <@{CAROL.id}>"

    [reply] = await world.slash(ALICE, "promise", person=BOB, what=typed)
    [listing] = await world.slash(ALICE, "promises")

    defused = f"@\u200beveryone @\u200bhere <@\u200b&{ROLE}> \\*\\*now\\*\\* <@\u200b{CAROL.id}>"
    assert reply.content.splitlines()[0] == f"✅ Promise #1: send <@{BOB.id}> “{defused}”"
    assert f"• #1 {defused} → <@{BOB.id}> · no date" in listing.content
    for posted in (reply, listing):
        assert posted.allowed_mentions == {"parse": []}  # and nothing may ping anyway


async def test_promise_numbers_autocomplete_from_the_members_own_open_promises(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")
    await world.say(ALICE, "promise", person=CAROL, what="an intro to Jo")
    await world.say(BOB, "promise", person=ALICE, what="a book")

    assert await world.autocomplete(ALICE, "done", focused="number", number="") == [
        {"name": "#1 · the slides", "value": 1},
        {"name": "#2 · an intro to Jo", "value": 2},
    ]
    assert await world.autocomplete(ALICE, "drop", focused="number", number="intro") == [
        {"name": "#2 · an intro to Jo", "value": 2},
    ]


async def test_a_promise_picked_by_number_is_kept(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")

    reply = await world.say(ALICE, "done", number=1)

    assert reply.startswith(f"🎉 Kept: “the slides” for <@{BOB.id}>.")


async def test_a_promise_is_edited_with_typed_options_text_kept_whole(world: DiscordWorld) -> None:
    await world.say(ALICE, "promise", person=BOB, what="the slides")

    reply = await world.say(ALICE, "edit", number=1, what="due diligence notes")
    assert reply == "✏️ #1 is now “due diligence notes”."
    reply = await world.say(ALICE, "edit", number=1, when="2026-12-01 14:00")
    assert reply.splitlines()[1].startswith("Due Tue 1 Dec 2026, 14:00 UTC")

    listed = await world.say(ALICE, "promises")
    assert f"• #1 due diligence notes → <@{BOB.id}> · due Tue 1 Dec 2026, 14:00 UTC" in listed
    refused = await world.say(ALICE, "edit", number=1)
    assert refused.startswith("⚠️ Tell me the new text, or due and the new time.")


async def test_time_zones_autocomplete_by_city(world: DiscordWorld) -> None:
    paris = await world.autocomplete(ALICE, "settings", focused="timezone", timezone="pari")
    new_york = await world.autocomplete(ALICE, "settings", focused="timezone", timezone="new york")

    assert {"name": "Europe/Paris", "value": "Europe/Paris"} in paris
    assert new_york == [{"name": "America/New_York", "value": "America/New_York"}]


async def test_one_guild_never_sees_another_guilds_data(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)
    await world.say(ALICE, "promise", person=BOB, what="the slides", guild=GUILD_A)

    assert "No open promises" in await world.say(ALICE, "promises", guild=GUILD_B)
    assert "RustConf" not in await world.say(ALICE, "people", guild=GUILD_B)
    assert await world.autocomplete(ALICE, "done", focused="number", number="", guild=GUILD_B) == []
    assert "RustConf" in await world.say(ALICE, "people", guild=GUILD_A)


async def test_leaving_a_guild_erases_that_guild_only(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)
    await world.say(ALICE, "met", person=BOB, context="at PyCon", guild=GUILD_B)

    await world.remove_guild(GUILD_A)
    world.client._connection.parsers["GUILD_CREATE"](GUILD_A.create_event())  # invited back

    assert "RustConf" not in await world.say(ALICE, "people", guild=GUILD_A)
    assert "PyCon" in await world.say(ALICE, "people", guild=GUILD_B)


async def test_a_guild_outage_erases_nothing(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)

    world.client._connection.parsers["GUILD_DELETE"]({"id": str(GUILD_A.id), "unavailable": True})

    assert "RustConf" in await world.say(ALICE, "people", guild=GUILD_A)


async def test_a_member_whose_dms_are_closed_is_told_in_their_next_reply(
    world: DiscordWorld,
) -> None:
    world.fake.dms_closed.add(ALICE.id)
    await world.say(ALICE, "export")
    await world.deliver()

    first = await world.say(ALICE, "promises")
    second = await world.say(ALICE, "promises")

    assert first.count("📭 I couldn't DM you") == 1
    assert "📭" not in second


async def test_a_command_discord_knows_but_this_bot_does_not_asks_for_a_sync(
    world: DiscordWorld,
) -> None:
    payload = slash(ALICE, "teleport")  # registered by another version of the bot
    world.client._connection.parsers["INTERACTION_CREATE"](payload)

    await world.fake.wait_for(lambda: payload["token"] in world.fake.callbacks)
    [callback] = world.fake.callbacks[payload["token"]]
    assert callback["data"]["content"] == NOT_SYNCED
    assert callback["data"]["flags"] == EPHEMERAL


async def test_a_name_typed_with_quotes_is_kept_whole(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", name='Ana "the director" Lima', context="at the premiere")

    assert 'Ana "the director" Lima' in await world.say(ALICE, "people")


async def test_only_members_who_can_manage_the_channel_organise_it(world: DiscordWorld) -> None:
    member = await world.say(BOB, "channel prompts", switch="on")
    organiser = await world.say(
        ALICE, "channel prompts", switch="on", day="monday", permissions=ORGANISER_PERMISSIONS
    )

    assert member.startswith("⚠️ Only this channel's organisers")
    assert organiser.startswith("🌱 Give-first prompts are on in this channel: every Monday")


async def test_an_option_reads_the_same_with_or_without_its_keyword(world: DiscordWorld) -> None:
    bare = await world.say(ALICE, "keep-in-touch", person=BOB, every="2 weeks")
    keyworded = await world.say(ALICE, "keep-in-touch", person=CAROL, every="every 2 weeks")

    assert bare.replace(str(BOB.id), "X") == keyworded.replace(str(CAROL.id), "X")
    assert not bare.startswith("⚠️")


async def test_pairing_options_are_read_each_from_its_own_field(world: DiscordWorld) -> None:
    reply = await world.say(
        ALICE,
        "channel pairing",
        action="on",
        every="every 2 weeks",
        groups="3",
        day="tuesday",
        time="10:00",
        timezone="Europe/Paris",
        permissions=ORGANISER_PERMISSIONS,
    )

    assert reply.startswith("🍽️ Pairing is on in "), reply
    assert "every 2 weeks, in groups of 3, Tuesdays 10:00 (Europe/Paris)." in reply
    assert "Next round: Tue 1 Dec 2026, 10:00 Europe/Paris (in 5 days)." in reply


async def test_a_channel_and_a_command_in_a_reply_are_discord_mentions(
    world: DiscordWorld,
) -> None:
    posted = await world.slash(ALICE, "channel join")

    text = "\n".join(p.content for p in posted)
    assert f"Pairing isn't on in <#{GUILD_A.channel_id}>." in text
    assert f"An organiser starts it with </buddy channel pairing:{COMMAND_ID}> `on`." in text

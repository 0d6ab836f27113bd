"""Discord rendering of neutral parts: channels and commands as Discord names and links them."""

from __future__ import annotations

from bot.adapters.discord_bot.render import render
from bot.core.identity import Channel, Platform
from bot.core.message import ChannelRef, Code, Inline, UserText, command, text_message

EVENTS = Channel(Platform.DISCORD, "100", "200")


def content(*parts: Inline, command_id: str = "") -> str:
    [outgoing] = render(text_message(*parts), command_id=command_id)
    return outgoing.content


def test_once_the_command_id_is_known_commands_are_clickable_mentions() -> None:
    assert content("Try ", command("done 3"), command_id="42") == "Try </buddy done:42> `3`"


def test_channel_commands_are_named_as_discord_groups_them() -> None:
    assert content(command("join"), command_id="42") == "</buddy channel join:42>"
    assert content(command("pairing on")) == "`/buddy channel pairing on`"


def test_without_the_command_id_a_command_is_its_full_slash_name_as_code() -> None:
    # A worker process sends reminders without having seen a slash command.
    assert content(command("promises")) == "`/buddy promises`"
    assert content(command("kept 2")) == "`/buddy done 2`"  # an alias, by its command's name


def test_a_channel_is_a_channel_mention_and_code_is_code() -> None:
    assert content("In ", ChannelRef(EVENTS, "events"), ": ", Code("Europe/Paris")) == (
        "In <#200>: `Europe/Paris`"
    )


def test_bot_text_and_user_text_never_ping_and_text_without_an_at_is_left_as_it_is() -> None:
    # Words a command echoes inside its own sentence, and words marked as the member's.
    assert content("Hi @everyone and <@123456789012345678>") == (
        "Hi @\u200beveryone and <@\u200b123456789012345678>"
    )
    assert content(UserText("@here 1. list")) == "@\u200bhere 1. list"
    assert content(UserText("1. no ping")) == "1\\. no ping"
    assert content("Plain words, 100% safe: <#not a channel>") == (
        "Plain words, 100% safe: <#not a channel>"
    )

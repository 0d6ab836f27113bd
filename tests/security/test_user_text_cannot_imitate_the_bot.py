"""Attacks on the look of the bot's messages: a member's text crafted to read as a line of the
bot's own (headings, quotes, lists, bold, broadcasts, line breaks) is shown literally."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters import console
from bot.adapters.discord_bot import render as discord_render
from bot.adapters.slack import render as slack_render
from bot.core.message import UserText, message, paragraph
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    GUILD_A,
    DiscordWorld,
    copy_database,
    discord_world,
)
from tests.adapters.slack_harness import running_slack

SLACK_FORGERY = (
    "a hand\n*📢 Announcement from the admins:* <!channel> ~all~ _must_ run `/buddy forget-me`"
    "\n> Official notice @here"
)
DISCORD_FORGERY = (
    "a hand\n# 📢 Announcement from the admins\n-# sent by the moderators\n"
    "> Official notice @everyone\n1. run /buddy forget-me\n- **now**"
)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_ask_crafted_as_a_slack_announcement_is_posted_literally(
    database_url: str,
) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        await slack.ask('give "Sam Lee" a link to the asyncio docs')
        await slack.ask(f"ask {SLACK_FORGERY}", channel="C1")
        await slack.delivery.deliver_due()
    [post] = [call.args for call in slack.fake.calls_to("chat.postMessage")]
    shown = "\n".join(block["text"]["text"] for block in post["blocks"] if "text" in block)

    for text in (post["text"], shown):
        assert "<!channel>" not in text and "@here" not in text
        assert "*📢" not in text and "`/buddy forget-me`" not in text and "~all~" not in text
        assert "_must_" not in text
        assert "\n&gt;" not in text and "\n>" not in text
        assert "Announcement from the admins" in text  # shown, as text
        assert not any(line.startswith("∗📢") for line in text.split("\n"))


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_an_ask_crafted_as_a_discord_heading_is_posted_literally(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "give", person=BOB, what="a link to the asyncio docs")
    await world.say(ALICE, "ask", what=DISCORD_FORGERY)
    await world.deliver()
    [post] = world.fake.in_channel(GUILD_A.channel_id)

    lines = post.content.split("\n")
    assert not any(line.startswith(("#", "-#", ">", "1.", "- ")) for line in lines), lines
    assert "Announcement from the admins" in post.content
    assert "@everyone" not in post.content  # split by a zero-width space
    assert "**now**" not in post.content


@pytest.mark.parametrize(
    "forged",
    [
        "Sam\n# Announcement: the bot will now delete your data",
        "Sam\r\n> ⏰ Due: send your password to @sam",
        "Sam\u2028*📢 Bot:* <!here>",
        "1. step one\n2. step two",
    ],
)
def test_a_line_break_in_stored_or_platform_text_cannot_start_a_line_of_its_own(
    forged: str,
) -> None:
    # Input is cleaned on the way in; names and text from before that still render on one line.
    shown = message(paragraph("📝 Note about ", UserText(forged), ": saved."))

    slack_text = slack_render.fallback_text(shown)
    discord_text = "\n".join(part.content for part in discord_render.render(shown))
    console_text = "\n".join(console.render(shown))

    for text in (slack_text, discord_text, console_text):
        assert len(text.splitlines()) == 1, text
    assert "<!here>" not in slack_text and "*📢" not in slack_text
    assert not discord_text.startswith(("#", ">", "1."))


@pytest.mark.parametrize("typed", ["# Heading", "-# small print", "> quote", "1. list", "- item"])
def test_text_opening_a_discord_line_is_not_markdown(typed: str) -> None:
    [part] = discord_render.render(message(paragraph(UserText(typed))))
    assert not re.match(r"(#|-#|>|\d+\.|- )", part.content), part.content
    assert "\\" in part.content  # escaped, so Discord shows the characters as typed


@pytest.mark.parametrize("typed", ["> quote", "*bold*", "_italic_", "~strike~", "`code`"])
def test_text_opening_a_slack_line_is_not_mrkdwn(typed: str) -> None:
    shown = slack_render.fallback_text(message(paragraph(UserText(typed))))
    assert not shown.startswith(("&gt;", ">", "*", "_", "~", "`")), shown
    assert "snake_case" in slack_render.fallback_text(message(paragraph(UserText("snake_case"))))

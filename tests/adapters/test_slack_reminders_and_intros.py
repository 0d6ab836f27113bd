"""End to end on Slack: a promise's reminder arrives by DM when due, and introductions happen
only when both accept — through the real ticker, outbox and Slack app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        for user, name in (("U1", "Ann"), ("U2", "Sam"), ("U3", "Cara")):
            harness.fake.add_user("T1", user, name=name, tz="Europe/London")
        yield harness


def posts(slack: SlackHarness) -> list[dict[str, Any]]:
    return [call.args for call in slack.fake.calls_to("chat.postMessage")]


async def tick_and_deliver(slack: SlackHarness) -> None:
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()


async def test_a_promise_s_reminder_arrives_by_dm_when_due_and_done_keeps_it(
    slack: SlackHarness,
) -> None:
    await slack.ask("promise <@U2|sam> the slides in 1 minute")
    await tick_and_deliver(slack)
    early = posts(slack)

    slack.clock.advance(timedelta(minutes=2))
    await tick_and_deliver(slack)
    await tick_and_deliver(slack)  # nothing more: a reminder is sent once

    assert early == []
    [reminder] = posts(slack)
    assert reminder["channel"] == "DU1"
    assert all_text(reminder["blocks"]).startswith("⏰ Reminder — promise #1: send <@U2>")
    assert list(buttons(reminder["blocks"])) == ["Done #1", "Snooze a day", "Snooze a week"]
    done = await slack.reply(
        await slack.press(buttons(reminder["blocks"])["Done #1"], channel="DU1")
    )
    assert all_text(done["blocks"]).startswith("🎉 Kept")


async def test_a_reminder_pending_across_a_restart_is_delivered_once(database_url: str) -> None:
    async with running_slack(database_url) as before:
        before.fake.add_user("T1", "U1", name="Ann")
        await before.ask("promise <@U2|sam> the slides in 1 minute")
        before.clock.advance(timedelta(minutes=2))
        await before.buddy.ticker().tick()
        # The worker claims the reminder, then dies before Slack has it.
        claimed = before.buddy.outbox_queue.claim_due(
            platform="slack", now=before.clock.now(), limit=10, lease=timedelta(minutes=2)
        )
        assert len(claimed) == 1
        later = before.clock.now() + timedelta(minutes=5)

    async with running_slack(database_url) as after:
        after.clock.set(later)
        for _ in range(2):
            await tick_and_deliver(after)

        [reminder] = posts(after)
        assert all_text(reminder["blocks"]).startswith("⏰ Reminder — promise #1")


async def introduce(slack: SlackHarness) -> list[dict[str, Any]]:
    """Ann introduces Sam and Cara (both used the bot before); the two private asks."""
    for user in ("U2", "U3"):
        await slack.ask("help", user=user)
    reply = await slack.ask("intro <@U2|sam> <@U3|cara> you both build <!here> keyboards")
    assert all_text(reply["blocks"]).startswith("🤝 Thanks! I'll ask <@U2> and <@U3> privately,")
    await slack.delivery.deliver_due()
    asks = posts(slack)
    assert sorted(ask["channel"] for ask in asks) == ["DU2", "DU3"]
    return asks


def ask_to(asks: list[dict[str, Any]], user: str) -> dict[str, dict[str, Any]]:
    [ask] = [ask for ask in asks if ask["channel"] == f"D{user}"]
    assert "“you both build @\u200bhere keyboards”" in all_text(ask["blocks"])
    return buttons(ask["blocks"])


async def test_an_intro_accepted_by_both_opens_one_group_dm_for_the_three(
    slack: SlackHarness,
) -> None:
    asks = await introduce(slack)

    first = await slack.reply(await slack.press(ask_to(asks, "U2")["Accept"], user="U2"))
    second = await slack.reply(await slack.press(ask_to(asks, "U3")["Accept"], user="U3"))
    await slack.delivery.deliver_due()

    assert all_text(first["blocks"]).startswith("👍 Thanks! If <@U3> accepts too")
    assert all_text(second["blocks"]).startswith("🎉 You both accepted")
    # The group's, among the DMs opened for each side's ice-breakers.
    opened = slack.fake.calls_to("conversations.open")
    assert [call.args["users"] for call in opened].count("U1,U2,U3") == 1
    [group] = [post for post in posts(slack) if post["channel"] == "GU1U2U3"]
    assert all_text(group["blocks"]).startswith(
        "🎉 <@U2>, meet <@U3> — introduced by <@U1>.\nWhy: “you both build @\u200bhere keyboards”"
    )


def uploaded_files(slack: SlackHarness) -> dict[str, bytes]:
    """Each file the bot shared, by the conversation it went to."""
    shared: dict[str, bytes] = {}
    for call in slack.fake.calls_to("files.completeUploadExternal"):
        files = call.args["files"]
        [file] = json.loads(files) if isinstance(files, str) else files
        shared[call.args["channel_id"]] = slack.fake.uploads[file["id"]]
    return shared


async def test_both_sides_of_an_accepted_intro_get_an_ics_file_in_their_own_dm(
    slack: SlackHarness,
) -> None:
    slack.fake.add_user("T1", "U3", name="Cara", tz="America/New_York")
    asks = await introduce(slack)
    await slack.reply(await slack.press(ask_to(asks, "U2")["Accept"], user="U2"))
    await slack.reply(await slack.press(ask_to(asks, "U3")["Accept"], user="U3"))
    await slack.delivery.deliver_due()

    asked = slack.fake.calls_to("files.getUploadURLExternal")
    assert [call.args["filename"] for call in asked] == ["introduction.ics"] * 2
    files = uploaded_files(slack)
    assert sorted(files) == ["DU2", "DU3"]  # not Ann, who introduced them
    starts = set()
    for channel, other in (("DU2", "Cara"), ("DU3", "Sam")):
        calendar = icalendar.Calendar.from_ical(files[channel])
        assert (
            calendar["VERSION"] == "2.0" and calendar["PRODID"] and calendar["METHOD"] == "REQUEST"
        )
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == f"Meet {other}"
        assert event["UID"] and event["DTSTAMP"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert end - start == timedelta(minutes=30)
        starts.add(start)
    [start] = starts
    for zone in ("Europe/London", "America/New_York"):
        local = start.astimezone(ZoneInfo(zone))
        assert local.weekday() < 5 and 9 <= local.hour < 17, (zone, local)
    # The words come with the file: Cara reads the time in her own zone.
    [to_cara] = [
        call.args["initial_comment"]
        for call in slack.fake.calls_to("files.completeUploadExternal")
        if call.args["channel_id"] == "DU3"
    ]
    new_york = start.astimezone(ZoneInfo("America/New_York"))
    assert to_cara.startswith("🗓️ For your calendar: a time to meet <@U2> —")
    assert f"{new_york:%H:%M} America/New_York" in to_cara


async def test_a_decline_stays_private_to_the_one_who_declined(slack: SlackHarness) -> None:
    asks = await introduce(slack)

    declined = await slack.reply(await slack.press(ask_to(asks, "U2")["Decline"], user="U2"))
    accepted = await slack.reply(await slack.press(ask_to(asks, "U3")["Accept"], user="U3"))
    await tick_and_deliver(slack)

    assert declined["response_type"] == "ephemeral"
    assert all_text(declined["blocks"]).startswith("OK, no introduction.")
    assert all_text(accepted["blocks"]).startswith("👍 Thanks! If <@U2> accepts too")
    assert posts(slack) == asks  # nothing new to anyone: no group DM, no word to Cara or Ann
    assert slack.fake.calls_to("files.completeUploadExternal") == []  # and no calendar file
    assert slack.fake.calls_to("chat.postEphemeral") == []

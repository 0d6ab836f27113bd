"""Events on Slack, driven as Slack sends them: announce, press Going, the post edited in
place, and the `.ics` invitation as a file in the member's DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import icalendar
import pytest

from bot.core.identity import Channel, Platform
from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        harness.fake.add_user("T1", "U2", name="Sam")
        yield harness


def _the_post(slack: SlackHarness) -> tuple[dict[str, Any], str]:
    """The event's one channel post, and its ts as the fake Slack numbered it."""
    [posted] = slack.fake.calls_to("chat.postMessage")
    return posted.args, f"{slack.fake.calls.index(posted) + 1}.000100"


@SQLITE_ONLY
async def test_an_event_is_posted_with_buttons_and_going_edits_its_counts_and_sends_an_ics(
    slack: SlackHarness,
) -> None:
    reply = await slack.ask('event "@everyone <!here> party" friday 6pm for 2 hours at Café')
    await slack.delivery.deliver_due()

    assert all_text(reply["blocks"]).startswith("📅 Announced in this channel as event 1:")
    post, posted_ts = _the_post(slack)
    assert post["channel"] == "C1"
    text = all_text(post["blocks"])
    assert "✅ 0 going · 🤔 0 maybe" in text
    assert "<!everyone>" not in text and "<!here>" not in text  # a title never pings
    assert list(buttons(post["blocks"])) == ["Going", "Maybe", "Can't go", "Who's going"]

    pressed = await slack.reply(
        await slack.press(buttons(post["blocks"])["Going"], user="U2", channel="C1")
    )
    await slack.delivery.deliver_due()

    assert pressed["response_type"] == "ephemeral"
    assert all_text(pressed["blocks"]).startswith("✅ You're going to")
    [update] = [call.args for call in slack.fake.calls_to("chat.update")]
    assert update["channel"] == "C1" and update["ts"] == posted_ts  # the post's own
    assert "✅ 1 going" in all_text(update["blocks"])
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # edited, not posted again
    asked = slack.fake.calls_to("files.getUploadURLExternal")[0].args
    assert asked["filename"] == "event-1.ics"
    assert slack.fake.calls_to("files.completeUploadExternal")[0].args["channel_id"] == "DU2"
    [content] = slack.fake.uploads.values()
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "@everyone @here party"


@SQLITE_ONLY
async def test_forget_me_gives_the_seat_to_the_one_waiting_and_edits_the_post(
    slack: SlackHarness,
) -> None:
    slack.fake.add_user("T1", "U3", name="Ben")
    await slack.ask('event "Rust night" friday 6pm limit 1')
    await slack.delivery.deliver_due()
    post, posted_ts = _the_post(slack)
    going = buttons(post["blocks"])["Going"]
    await slack.reply(await slack.press(going, user="U2"))
    await slack.reply(await slack.press(going, user="U3"))
    await slack.delivery.deliver_due()
    assert "⏳ 1 waiting" in all_text(slack.fake.calls_to("chat.update")[-1].args["blocks"])
    slack.fake.calls.clear()
    slack.fake.uploads.clear()

    reply = await slack.ask("forget-me confirm", user="U2")
    await slack.delivery.deliver_due()

    assert all_text(reply["blocks"]).startswith("🧹 Done")
    [update] = [call.args for call in slack.fake.calls_to("chat.update")]
    assert update["channel"] == "C1" and update["ts"] == posted_ts
    text = all_text(update["blocks"])
    assert "✅ 1 of 1 going" in text and "waiting" not in text
    # The seat DM carries the calendar file, as when someone presses Can't go.
    [sent] = [call.args for call in slack.fake.calls_to("files.completeUploadExternal")]
    assert sent["channel_id"] == "DU3"
    assert sent["initial_comment"].startswith("🎟️ A seat opened at “Rust night”")
    [content] = slack.fake.uploads.values()
    assert icalendar.Calendar.from_ical(content)["METHOD"] == "REQUEST"
    # Nothing reaches the erased member.
    assert all(
        "DU2" not in (c.args.get("channel"), c.args.get("channel_id")) for c in slack.fake.calls
    )


@SQLITE_ONLY
async def test_forget_me_of_its_creator_cancels_the_event_without_a_word_of_theirs(
    slack: SlackHarness,
) -> None:
    await slack.ask("event \"Sam's supper\" friday 6pm at Sam's flat", user="U2")
    await slack.delivery.deliver_due()
    post, posted_ts = _the_post(slack)
    await slack.reply(await slack.press(buttons(post["blocks"])["Going"], user="U1"))
    await slack.delivery.deliver_due()
    [invited] = slack.fake.uploads.values()
    uid = str(icalendar.Calendar.from_ical(invited).walk("VEVENT")[0]["UID"])
    slack.fake.calls.clear()
    slack.fake.uploads.clear()

    reply = await slack.ask("forget-me confirm", user="U2")
    await slack.delivery.deliver_due()

    assert all_text(reply["blocks"]).startswith("🧹 Done")
    # The post is edited in place to a bare cancellation: no title, no name, no buttons.
    [update] = [call.args for call in slack.fake.calls_to("chat.update")]
    assert update["channel"] == "C1" and update["ts"] == posted_ts
    assert all_text(update["blocks"]) == "❌ This event was cancelled."
    assert buttons(update["blocks"]) == {}
    # Ann is told by the date only, with the file that takes it off her calendar.
    [sent] = [call.args for call in slack.fake.calls_to("files.completeUploadExternal")]
    assert sent["channel_id"] == "DU1"
    assert sent["initial_comment"].startswith("❌ An event you had answered, on Fri 27 Nov")
    [content] = slack.fake.uploads.values()
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and str(event["UID"]) == uid and event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]) == "Cancelled event"
    # None of Sam's words, nor Sam, in anything sent.
    sent_text = repr([call.args for call in slack.fake.calls]) + repr(content)
    assert "supper" not in sent_text and "flat" not in sent_text and "U2" not in sent_text


@SQLITE_ONLY
async def test_an_event_keeps_the_channel_name_slack_sends_and_an_edit_there_renews_it(
    slack: SlackHarness,
) -> None:
    await slack.reply(await slack.command('event "Rust night" friday 6pm', channel="C1"))
    assert _channel_names(slack) == ["general"]

    # An edit from another channel leaves the name alone; one in its own channel, renamed
    # since, brings the new name.
    elsewhere = await slack.reply(
        await slack.command("event edit 1 at Café", channel="C2", channel_name="random")
    )
    assert all_text(elsewhere["blocks"]).startswith("✏️ Event 1 is updated")
    assert _channel_names(slack) == ["general"]
    there = await slack.reply(
        await slack.command("event edit 1 at Pub", channel="C1", channel_name="rust-nights")
    )
    assert all_text(there["blocks"]).startswith("✏️ Event 1 is updated")
    assert _channel_names(slack) == ["rust-nights"]


def _channel_names(slack: SlackHarness) -> list[str]:
    with slack.buddy.uow_factory() as uow:
        channel = Channel(Platform.SLACK, "T1", "C1")
        return [e.channel_name for e in uow.events.upcoming(channel, now=slack.clock.now())]

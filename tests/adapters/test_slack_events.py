"""Events on Slack, driven as Slack sends them: announce, press Going, the post edited in
place, and the `.ics` invitation as a file in the member's DM."""

from __future__ import annotations

from collections.abc import AsyncIterator

import icalendar
import pytest

from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        harness.fake.add_user("T1", "U2", name="Sam")
        yield harness


@SQLITE_ONLY
async def test_an_event_is_posted_with_buttons_and_going_edits_its_counts_and_sends_an_ics(
    slack: SlackHarness,
) -> None:
    reply = await slack.ask('event "@everyone <!here> party" friday 6pm for 2 hours at Café')
    await slack.delivery.deliver_due()

    assert all_text(reply["blocks"]).startswith("📅 Announced in this channel as event 1:")
    [posted] = slack.fake.calls_to("chat.postMessage")
    post, posted_ts = posted.args, f"{slack.fake.calls.index(posted) + 1}.000100"
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

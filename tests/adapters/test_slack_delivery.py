"""What the bot sends by itself on Slack: DMs, group DMs and files, through the outbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.effects import DirectMessage, Effect, GroupIntro
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Mention, Strong, UserText, bullets, message, paragraph
from tests.adapters.slack_harness import SlackHarness, running_slack

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

ANN = Member(Platform.SLACK, "T1", "U1")
SAM = Member(Platform.SLACK, "T1", "U2")
CARA = Member(Platform.SLACK, "T1", "U3")

REMINDER = message(
    paragraph(
        "⏰ ",
        Strong("Due today"),
        ": send ",
        Mention(SAM),
        " “",
        UserText("<!here> & the slides"),
        "”",
    ),
    bullets(paragraph("made at ", UserText("@channel party"))),
)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        yield harness


def queue(slack: SlackHarness, effect: Effect, key: str = "k1") -> None:
    with slack.buddy.uow_factory() as uow:
        now = slack.clock.now()
        uow.outbox.add(effect, key=key, now=now, not_before=now)
        uow.commit()


def statuses(slack: SlackHarness) -> list[str]:
    entries = slack.buddy.outbox_queue.entries(statuses=["pending", "sent", "dead"], limit=10)
    return [entry.status for entry in entries]


async def test_a_dm_opens_the_conversation_then_posts_escaped_blocks_into_it(
    slack: SlackHarness,
) -> None:
    queue(slack, DirectMessage(ANN, REMINDER))

    report = await slack.delivery.deliver_due()

    assert report.sent == 1
    assert [(c.method, c.token) for c in slack.fake.calls] == [
        ("conversations.open", "xoxb-T1"),
        ("chat.postMessage", "xoxb-T1"),
    ]
    assert slack.fake.calls_to("conversations.open")[0].args["users"] == "U1"
    posted = slack.fake.calls_to("chat.postMessage")[0].args
    first = "⏰ *Due today*: send <@U2> “&lt;!here&gt; &amp; the slides”"
    second = "• made at @\u200bchannel party"
    assert posted["channel"] == "DU1"
    assert posted["text"] == f"{first}\n{second}"
    assert [block["text"]["text"] for block in posted["blocks"]] == [first, second]
    assert posted["unfurl_links"] is False


async def test_a_rate_limited_message_is_delivered_later_exactly_once(
    slack: SlackHarness,
) -> None:
    queue(slack, DirectMessage(ANN, REMINDER))
    # Twice: once for the client's own retry (it waits Retry-After), once for the outbox's.
    slack.fake.fail("chat.postMessage", status=429, retry_after=0, times=2)

    first = await slack.delivery.deliver_due()
    pending = statuses(slack)
    slack.clock.advance(timedelta(seconds=1))
    second = await slack.delivery.deliver_due()
    third = await slack.delivery.deliver_due()

    assert (first.retried, pending) == (1, ["pending"])
    assert (second.sent, third.sent, statuses(slack)) == (1, 0, ["sent"])
    assert len(slack.fake.calls_to("chat.postMessage")) == 3  # 429, 429, then the one delivery


async def test_a_server_error_is_retried_after_a_back_off(slack: SlackHarness) -> None:
    queue(slack, DirectMessage(ANN, REMINDER))
    slack.fake.fail("chat.postMessage", status=503, error="service_unavailable")

    failed = await slack.delivery.deliver_due()
    too_soon = await slack.delivery.deliver_due()
    slack.clock.advance(timedelta(seconds=5))
    later = await slack.delivery.deliver_due()

    assert (failed.retried, too_soon.sent, later.sent) == (1, 0, 1)
    assert statuses(slack) == ["sent"]


async def test_a_member_slack_no_longer_knows_is_dead_lettered_at_once(
    slack: SlackHarness,
) -> None:
    queue(slack, DirectMessage(ANN, REMINDER))
    slack.fake.fail("conversations.open", status=200, error="user_not_found", retry_after=None)

    report = await slack.delivery.deliver_due()

    assert (report.dead, statuses(slack)) == (1, ["dead"])
    entry = slack.buddy.outbox_queue.entries(statuses=["dead"], limit=1)[0]
    assert entry.last_error == "permanent: user_not_found"
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_an_introduction_goes_to_one_group_dm_with_everyone_in_it(
    slack: SlackHarness,
) -> None:
    intro = message(paragraph("👋 ", Mention(ANN), " meet ", Mention(SAM), " and ", Mention(CARA)))
    queue(slack, GroupIntro((SAM, ANN, CARA), intro))

    report = await slack.delivery.deliver_due()

    assert report.sent == 1
    assert slack.fake.calls_to("conversations.open")[0].args["users"] == "U1,U2,U3"
    [posted] = slack.fake.calls_to("chat.postMessage")
    assert posted.args["channel"] == "GU1U2U3"
    assert posted.args["text"] == "👋 <@U1> meet <@U2> and <@U3>"


async def test_a_retried_introduction_posts_once_in_the_group_dm_the_first_attempt_opened(
    slack: SlackHarness,
) -> None:
    intro = message(paragraph("👋 ", Mention(ANN), " meet ", Mention(SAM)))
    queue(slack, GroupIntro((SAM, ANN), intro))
    slack.fake.fail("chat.postMessage", status=500, error="internal_error", retry_after=None)

    assert (await slack.delivery.deliver_due()).retried == 1
    slack.clock.advance(timedelta(minutes=5))
    assert (await slack.delivery.deliver_due()).sent == 1

    [opened] = slack.fake.calls_to("conversations.open")
    assert opened.args["users"] == "U1,U2"
    posted = slack.fake.calls_to("chat.postMessage")
    assert [call.args["channel"] for call in posted] == ["GU1U2", "GU1U2"]  # failed, then sent
    assert statuses(slack) == ["sent"]


async def test_the_messenger_opens_one_group_dm_for_several_members(slack: SlackHarness) -> None:
    opened: list[Channel] = []

    async def record(channel: Channel) -> None:
        opened.append(channel)

    group = await slack.bot.messenger.send_group(
        [ANN, SAM, CARA, SAM],
        message(paragraph("hello")),
        near=None,
        title="👋 Introductions",
        opened=None,
        record=record,
    )

    assert group == Channel(Platform.SLACK, "T1", "GU1U2U3")
    assert opened == [group]


async def test_an_export_arrives_as_a_json_file_in_the_member_s_dm(slack: SlackHarness) -> None:
    await slack.ask("promise <@U2|sam> the <!here> slides by friday")
    await slack.ask("export")

    report = await slack.delivery.deliver_due()

    assert report.sent == 1
    asked = slack.fake.calls_to("files.getUploadURLExternal")[0].args
    assert asked["filename"] == "buddy-export.json"
    [content] = slack.fake.uploads.values()
    exported = json.loads(content)
    assert exported["member"]["user"] == "U1"
    assert exported["promises"][0]["what"] == "the @here slides"  # as the member typed it
    completed = slack.fake.calls_to("files.completeUploadExternal")[0].args
    assert completed["channel_id"] == "DU1"
    assert completed["initial_comment"] == "Here is everything I hold about you."
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_a_dm_to_a_workspace_that_uninstalled_is_dead_lettered(database_url: str) -> None:
    async with running_slack(database_url, multi_workspace=True, teams=("T1",)) as slack:
        queue(slack, DirectMessage(Member(Platform.SLACK, "T7", "U1"), REMINDER))

        report = await slack.delivery.deliver_due()

        assert report.dead == 1
        assert slack.fake.calls == []

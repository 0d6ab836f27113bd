"""What the bot sends by itself on Discord: DMs, private intro threads, and Discord's refusals."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.commands.jobs.pairing import PAIRING_GROUP_TITLE
from bot.core.effects import GroupIntro
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Mention, UserText, text_message
from bot.delivery import DeliveryReport
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    GUILD_A,
    DiscordWorld,
    FakeUser,
    copy_database,
    discord_world,
    queue,
)

MESSAGES = r"channels/\d+/messages"


def member(user: FakeUser) -> Member:
    return Member(Platform.DISCORD, str(GUILD_A.id), str(user.id))


GENERAL = Channel(Platform.DISCORD, str(GUILD_A.id), str(GUILD_A.channel_id))


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


async def test_an_export_arrives_as_a_dm_with_the_json_file(world: DiscordWorld) -> None:
    await world.say(ALICE, "met", person=BOB, context="at RustConf")
    await world.say(ALICE, "export")

    assert await world.deliver() == DeliveryReport(sent=1)
    [dm] = world.fake.dms(ALICE)
    data = json.loads(dm.files["buddy-export.json"])
    assert data["contacts"][0]["member"] == str(BOB.id)
    assert dm.allowed_mentions == {"parse": []}


async def test_dms_closed_is_dead_lettered_at_once_and_never_retried(world: DiscordWorld) -> None:
    world.fake.dms_closed.add(ALICE.id)
    await world.say(ALICE, "export")

    first = await world.deliver()
    world.clock.advance(timedelta(days=1))
    second = await world.deliver()

    assert (first, second) == (DeliveryReport(dead=1), DeliveryReport())
    assert len(world.fake.calls("POST", MESSAGES)) == 1
    [dead] = world.buddy.outbox_queue.entries(statuses=["dead"], limit=10)
    assert dead.last_error is not None
    assert "50007" in dead.last_error
    assert dead.last_error.startswith("permanent")


async def test_a_long_rate_limit_puts_the_dm_off_for_as_long_as_discord_asks(
    world: DiscordWorld,
) -> None:
    world.fake.rate_limit("POST", MESSAGES, retry_after=60)
    await world.say(ALICE, "export")

    assert await world.deliver() == DeliveryReport(retried=1)
    [pending] = world.buddy.outbox_queue.entries(statuses=["pending"], limit=10)
    assert pending.next_attempt_at.replace(tzinfo=None) == (
        world.clock.now() + timedelta(seconds=60)
    ).replace(tzinfo=None)
    assert pending.attempts == 0  # a rate limit is not a failed attempt
    assert world.fake.dms(ALICE) == []

    world.clock.advance(timedelta(seconds=61))
    assert await world.deliver() == DeliveryReport(sent=1)


async def test_a_short_rate_limit_is_waited_out_and_sent(world: DiscordWorld) -> None:
    world.fake.rate_limit("POST", MESSAGES, retry_after=0.05)
    await world.say(ALICE, "export")

    assert await world.deliver() == DeliveryReport(sent=1)
    assert len(world.fake.calls("POST", MESSAGES)) == 2
    assert len(world.fake.dms(ALICE)) == 1


async def test_a_discord_outage_is_retried_later(world: DiscordWorld) -> None:
    world.fake.fail("POST", MESSAGES, status=503, body={"message": "upstream", "code": 0})
    await world.say(ALICE, "export")

    assert await world.deliver() == DeliveryReport(retried=1)
    [pending] = world.buddy.outbox_queue.entries(statuses=["pending"], limit=10)
    assert pending.attempts == 1
    assert pending.last_error is not None and "503" in pending.last_error


async def test_opening_dms_too_fast_backs_off_instead_of_giving_up(world: DiscordWorld) -> None:
    too_fast = {"message": "You are opening direct messages too fast.", "code": 40003}
    world.fake.fail("POST", MESSAGES, status=403, body=too_fast)
    await world.say(ALICE, "export")

    assert await world.deliver() == DeliveryReport(retried=1)
    assert world.buddy.outbox_queue.entries(statuses=["dead"], limit=10) == []


async def test_an_introduction_opens_a_private_thread_with_exactly_its_members(
    world: DiscordWorld,
) -> None:
    intro = text_message(
        "👋 ",
        Mention(member(ALICE)),
        ", meet ",
        Mention(member(BOB)),
        ". ",
        UserText("@everyone you both love Rust"),
    )
    queue(world, GroupIntro((member(ALICE), member(BOB)), intro, GENERAL), key="intro-1")

    assert await world.deliver() == DeliveryReport(sent=1)
    [created] = world.fake.calls("POST", rf"channels/{GUILD_A.channel_id}/threads")
    assert created.body["type"] == 12  # a private thread
    assert created.body["invitable"] is False
    [thread_id] = world.fake.threads
    assert world.fake.thread_members[thread_id][1:] == [ALICE.id, BOB.id]
    [posted] = world.fake.in_channel(thread_id)
    assert posted.content == (
        f"👋 <@{ALICE.id}>, meet <@{BOB.id}>. @\u200beveryone you both love Rust"
    )
    assert posted.allowed_mentions == {"parse": [], "users": [ALICE.id, BOB.id]}
    assert world.fake.dms(ALICE) == world.fake.dms(BOB) == []


async def test_a_retry_after_a_restart_posts_once_in_the_thread_the_first_attempt_opened(
    world: DiscordWorld,
) -> None:
    intro = text_message("👋 ", Mention(member(ALICE)), ", meet ", Mention(member(BOB)), ".")
    queue(world, GroupIntro((member(ALICE), member(BOB)), intro, GENERAL), key="intro-4")
    # The thread is made, then Discord fails the post: the bot restarts before the retry.
    world.fake.fail("POST", MESSAGES, status=503, body={"message": "upstream", "code": 0})

    assert await world.deliver() == DeliveryReport(retried=1)
    await world.restart()
    world.clock.advance(timedelta(minutes=5))
    assert await world.deliver() == DeliveryReport(sent=1)

    assert len(world.fake.calls("POST", rf"channels/{GUILD_A.channel_id}/threads")) == 1
    [thread_id] = world.fake.threads
    [posted] = world.fake.in_channel(thread_id)
    assert posted.content == f"👋 <@{ALICE.id}>, meet <@{BOB.id}>."
    assert posted.allowed_mentions == {"parse": [], "users": [ALICE.id, BOB.id]}
    assert world.fake.dms(ALICE) == world.fake.dms(BOB) == []


async def test_a_pairing_group_s_thread_is_named_for_pairing_not_introductions(
    world: DiscordWorld,
) -> None:
    hello = text_message("🍽️ ", Mention(member(ALICE)), " and ", Mention(member(BOB)), ".")
    group = GroupIntro((member(ALICE), member(BOB)), hello, GENERAL, title=PAIRING_GROUP_TITLE)
    queue(world, group, key="pairing:1:group:1")

    assert await world.deliver() == DeliveryReport(sent=1)
    [created] = world.fake.calls("POST", rf"channels/{GUILD_A.channel_id}/threads")
    assert created.body["name"] == PAIRING_GROUP_TITLE
    assert "Introductions" not in created.body["name"]


async def test_an_introduction_without_a_channel_goes_to_each_member_by_dm(
    world: DiscordWorld,
) -> None:
    intro = text_message("👋 ", Mention(member(ALICE)), ", meet ", Mention(member(CAROL)), ".")
    queue(world, GroupIntro((member(ALICE), member(CAROL)), intro), key="intro-2")

    await world.deliver()
    assert world.fake.threads == {}
    for user in (ALICE, CAROL):
        [dm] = world.fake.dms(user)
        assert dm.content == f"👋 <@{ALICE.id}>, meet <@{CAROL.id}>."
        assert dm.allowed_mentions == {"parse": []}


async def test_where_private_threads_are_forbidden_an_intro_falls_back_to_dms(
    world: DiscordWorld,
) -> None:
    missing = {"message": "Missing Permissions", "code": 50013}
    world.fake.fail("POST", r"channels/\d+/threads", status=403, body=missing)
    intro = text_message("👋 ", Mention(member(ALICE)), ", meet ", Mention(member(BOB)), ".")
    queue(world, GroupIntro((member(ALICE), member(BOB)), intro, GENERAL), key="intro-3")

    await world.deliver()
    assert len(world.fake.dms(ALICE)) == len(world.fake.dms(BOB)) == 1


async def test_new_dm_channels_are_opened_no_faster_than_the_pace(
    sqlite_template: Path, tmp_path: Path
) -> None:
    async with discord_world(copy_database(sqlite_template, tmp_path), dm_interval=0.3) as world:
        for user in (ALICE, BOB, CAROL):
            await world.say(user, "export")
        assert await world.deliver() == DeliveryReport(sent=3)
        world.clock.advance(timedelta(hours=1))  # an export an hour at most
        await world.say(ALICE, "export")
        assert await world.deliver() == DeliveryReport(sent=1)

    opened = [call.at for call in world.fake.calls("POST", r"users/@me/channels")]
    assert len(opened) == 3  # Alice's second DM reuses her channel
    # Arrival times at the fake: a loaded machine may delay one request by some milliseconds.
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(opened))

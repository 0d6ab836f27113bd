"""Issue #10 item 7 on the platforms: a mention flood costs no Slack lookups, and a member with
1,500 open promises cannot turn one Discord reply into a stream of follow-up messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.discord_bot.render import MAX_CONTENT, MAX_PARTS, render
from bot.core.identity import Member, Platform
from bot.core.limits import LIST_SHOWN, MAX_MENTIONS
from bot.core.message import bullets, message, paragraph
from tests.adapters.discord_fake import ALICE, COMMAND_ID, GUILD_A, copy_database, discord_world
from tests.adapters.slack_harness import SlackHarness, all_text, running_slack
from tests.seeding import add_undated_promise

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ANN = Member(Platform.SLACK, "T1", "U1")


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann", tz="America/New_York")
        harness.fake.add_user("T1", "U2", name="Sam")
        yield harness


def looked_up(slack: SlackHarness) -> list[str]:
    """Whom the bot asked Slack about, other than the member who ran the command."""
    return [c.args["user"] for c in slack.fake.calls_to("users.info") if c.args["user"] != "U1"]


def contacts_of(slack: SlackHarness, member: Member = ANN) -> list[str]:
    with slack.buddy.uow_factory() as uow:
        return [contact.name for contact in uow.contacts.list(member)]


@SQLITE_ONLY
async def test_a_mention_flood_makes_no_users_info_calls_and_is_refused(
    slack: SlackHarness,
) -> None:
    crowd = " ".join(f"<@U{1000 + n}>" for n in range(MAX_MENTIONS + 1))

    reply = await slack.ask(f"met <@U2> at PyCon with {crowd}")

    text = all_text(reply["blocks"])
    assert f"That names {MAX_MENTIONS + 2} people; one command takes up to {MAX_MENTIONS}" in text
    assert "Nothing was saved." in text
    assert looked_up(slack) == []
    assert contacts_of(slack) == []
    # Up to the limit, the names are looked up as before.
    few = " ".join(f"<@U{1000 + n}>" for n in range(MAX_MENTIONS - 1))
    await slack.ask(f"met <@U2> at PyCon with {few}")
    assert contacts_of(slack) == ["Sam"]
    assert len(looked_up(slack)) == MAX_MENTIONS


@SQLITE_ONLY
async def test_600_mentions_over_the_length_limit_make_no_users_info_calls(
    slack: SlackHarness,
) -> None:
    crowd = " ".join(f"<@U{1000 + n}>" for n in range(600))

    reply = await slack.ask(f"met <@U2> at PyCon with {crowd}")

    assert "characters; I keep up to 2,000. Could you shorten it?" in all_text(reply["blocks"])
    assert looked_up(slack) == []
    assert contacts_of(slack) == []


async def test_1500_open_promises_on_discord_make_one_follow_up_not_1500(
    sqlite_template: Path, tmp_path: Path
) -> None:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        owner = Member(Platform.DISCORD, str(GUILD_A.id), str(ALICE.id))
        made = datetime(2026, 11, 20, tzinfo=UTC)
        with world.buddy.uow_factory() as uow:  # made before the limit existed
            contact = uow.contacts.add(owner=owner, name="Sam", member_user_id=None, now=made)
            for number in range(1, 1501):
                add_undated_promise(
                    uow,
                    owner=owner,
                    contact_id=contact.id,
                    number=number,
                    what=f"the slides, part {number}",
                    now=made,
                )
            uow.commit()

        posted = await world.slash(ALICE, "promises")

        assert len(posted) == 1
        [reply] = posted
        assert reply.content.startswith("Your open promises (1,500), soonest first:")
        assert reply.content.count("\n• ") == LIST_SHOWN
        assert f"…and 1,480 more: </buddy export:{COMMAND_ID}> sends you the full list." in (
            reply.content
        )


def test_no_message_renders_as_more_than_a_few_discord_messages() -> None:
    huge = message(
        paragraph("A very long reply:"),
        bullets(*(paragraph(f"line {n} " * 20) for n in range(3000))),
    )

    parts = render(huge)

    assert len(parts) == MAX_PARTS
    assert all(len(part.content) <= MAX_CONTENT for part in parts)
    assert parts[-1].content.endswith("…(cut short: too long for one reply)")

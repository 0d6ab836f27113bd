"""Meeting invitations on Discord, with real discord.py objects against a fake Discord: an
accepted intro and a pairing group give each member their own `.ics` file by DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    ORGANISER_PERMISSIONS,
    DiscordWorld,
    FakeUser,
    copy_database,
    discord_world,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


def invites(world: DiscordWorld, user: FakeUser) -> list[icalendar.Event]:
    """The calendar files in the user's DMs, parsed back and checked against RFC 5545."""
    found = []
    for dm in world.fake.dms(user):
        for name, content in dm.files.items():
            assert name.endswith(".ics")
            calendar = icalendar.Calendar.from_ical(content)
            assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
            assert calendar["METHOD"] == "REQUEST"
            [event] = calendar.walk("VEVENT")
            assert event["UID"] and event["DTSTAMP"]
            assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
            found.append(event)
    return found


async def test_both_sides_of_an_accepted_intro_get_their_own_ics_by_dm(world: DiscordWorld) -> None:
    for user in (BOB, CAROL):
        await world.say(user, "offer", text=f"{user.display_name}'s help")
    asked = await world.say(ALICE, "intro", a=BOB, b=CAROL, why="you both run meetups")
    assert asked.startswith("🤝 Thanks!"), asked
    await world.deliver()
    for user in (BOB, CAROL):
        [ask] = [p for p in world.fake.dms(user) if p.buttons]
        await world.press(user, ask, "Accept", guild=None)
    await world.deliver()

    [to_bob], [to_carol] = invites(world, BOB), invites(world, CAROL)
    assert str(to_bob["SUMMARY"]) == "Meet Carol" and str(to_carol["SUMMARY"]) == "Meet Bob"
    assert to_bob.decoded("DTSTART") == to_carol.decoded("DTSTART")
    assert invites(world, ALICE) == []  # she introduced them; the meeting is theirs
    [words] = [p.content for p in world.fake.dms(BOB) if p.files]
    assert words.startswith(f"🗓️ For your calendar: a time to meet <@{CAROL.id}> —")


async def test_each_member_of_a_pairing_group_gets_their_own_ics_by_dm(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "channel pairing", action="on", permissions=ORGANISER_PERMISSIONS)
    for user in (BOB, CAROL):
        await world.say(user, "channel join")
    await world.say(ALICE, "channel pairing", action="now", permissions=ORGANISER_PERMISSIONS)
    await world.deliver()

    [to_bob], [to_carol] = invites(world, BOB), invites(world, CAROL)
    assert str(to_bob["SUMMARY"]) == "Meet Carol" and str(to_carol["SUMMARY"]) == "Meet Bob"
    assert to_bob.decoded("DTSTART") == to_carol.decoded("DTSTART")
    assert to_bob["UID"] != to_carol["UID"]
